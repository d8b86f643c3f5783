package io.stagecast.signaling.e2e;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.remote.CommandInfo;
import org.openqa.selenium.remote.HttpCommandExecutor;
import org.openqa.selenium.remote.RemoteWebDriver;
import org.openqa.selenium.remote.http.HttpMethod;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chromium (same flags as {@link Chromium}) inside a {@link NetNamespace}: Debian's chromedriver
 * runs inside and this JVM drives it through a forwarded port, so the browser's pages and ICE see
 * only the namespace's addresses.
 */
final class NamespacedChromium implements AutoCloseable {
    /** chromedriver's port inside the namespace: one per browser, so several can share a namespace. */
    private static final AtomicInteger NEXT_DRIVER_PORT = new AtomicInteger(9515);
    /** chromedriver's own endpoint for a DevTools command (what ChromeDriver#executeCdpCommand calls). */
    private static final String CDP = "executeCdpCommand";
    private final Process chromedriver;
    private final CdpRemoteWebDriver driver;
    private final Path profile;

    NamespacedChromium(NetNamespace ns) throws IOException, InterruptedException {
        this(ns, "1280,800", List.of());
    }

    /**
     * A browser with a window of {@code windowSize} ("W,H" CSS pixels) whose host resolver also lets
     * {@code resolverExcludes} through (a page loaded from another namespace's address).
     */
    NamespacedChromium(NetNamespace ns, String windowSize, List<String> resolverExcludes) throws IOException, InterruptedException {
        this(ns, windowSize, resolverExcludes, List.of());
    }

    /** ... with more Chromium flags (e.g. {@code --ignore-certificate-errors-spki-list} for a test certificate). */
    NamespacedChromium(NetNamespace ns, String windowSize, List<String> resolverExcludes, List<String> moreArguments)
            throws IOException, InterruptedException {
        profile = Files.createTempDirectory("stagecast-chromium-ns");
        Files.createDirectories(Path.of("target", "interop"));
        int driverPort = NEXT_DRIVER_PORT.getAndIncrement();
        chromedriver = ns.start(new ProcessBuilder(Chromium.DRIVER, "--port=" + driverPort)
                .redirectErrorStream(true).redirectOutput(Path.of("target", "interop", "chromedriver-" + driverPort + ".log").toFile()));
        int port = ns.forward(driverPort);
        ChromeOptions options = Chromium.options(profile, windowSize, resolverExcludes, moreArguments);
        CdpRemoteWebDriver started = null;
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (started == null) {
            try {
                started = new CdpRemoteWebDriver(new HttpCommandExecutor(
                        Map.of(CDP, new CommandInfo("/session/:sessionId/goog/cdp/execute", HttpMethod.POST)),
                        new URL("http://127.0.0.1:" + port)), options);
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline || !chromedriver.isAlive()) {
                    close();
                    throw e;
                }
                Thread.sleep(200);
            }
        }
        driver = started;
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    }

    void open(String url) {
        driver.get(url);
    }

    /** A DevTools command through chromedriver (the DevTools socket itself is inside the namespace). */
    Object cdp(String command, Map<String, Object> params) {
        return driver.cdp(command, params);
    }

    /** Runs {@code js} in every page this browser opens from now on, before the page's own scripts. */
    void beforeEveryPage(String js) {
        cdp("Page.addScriptToEvaluateOnNewDocument", Map.of("source", js));
    }

    RemoteWebDriver driver() {
        return driver;
    }

    /** The page's console, for failure messages. */
    String consoleLog() {
        StringBuilder out = new StringBuilder();
        try {
            for (var entry : driver.manage().logs().get("browser")) {
                out.append(entry.getLevel()).append(' ').append(entry.getMessage()).append('\n');
            }
        } catch (RuntimeException e) {
            out.append("(console unavailable: ").append(e.getMessage()).append(')');
        }
        return out.toString();
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> asyncResult(String js, Object... args) {
        Object result = ((JavascriptExecutor) driver).executeAsyncScript(js, args);
        return result instanceof Map ? (Map<String, Object>) result : Map.of("result", String.valueOf(result));
    }

    void screenshot(String name) {
        try {
            Path dir = Path.of("target", "screenshots");
            Files.createDirectories(dir);
            Files.write(dir.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException | RuntimeException e) {
            // a screenshot is an artifact for people, never a reason to fail a test
        }
    }

    @Override
    public void close() {
        try {
            if (driver != null) {
                driver.quit();
            }
        } catch (RuntimeException ignored) {
            // the namespace's close stops whatever is left
        } finally {
            NetNamespace.stop(chromedriver.toHandle());
            try (var walk = Files.walk(profile)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // temp files
            }
        }
    }

    /** A remote driver that can send chromedriver's DevTools command, registered in its executor. */
    private static final class CdpRemoteWebDriver extends RemoteWebDriver {
        CdpRemoteWebDriver(HttpCommandExecutor executor, ChromeOptions options) {
            super(executor, options);
        }

        Object cdp(String command, Map<String, Object> params) {
            return execute(CDP, Map.of("cmd", command, "params", params)).getValue();
        }
    }
}
