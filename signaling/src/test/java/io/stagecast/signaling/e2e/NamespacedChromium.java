package io.stagecast.signaling.e2e;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.remote.RemoteWebDriver;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Chromium (same flags as {@link Chromium}) inside a {@link NetNamespace}: Debian's chromedriver
 * runs inside and this JVM drives it through a forwarded port, so the browser's pages and ICE see
 * only the namespace's addresses.
 */
final class NamespacedChromium implements AutoCloseable {
    private static final int DRIVER_PORT = 9515;
    private final Process chromedriver;
    private final RemoteWebDriver driver;
    private final Path profile;

    NamespacedChromium(NetNamespace ns) throws IOException, InterruptedException {
        profile = Files.createTempDirectory("stagecast-chromium-ns");
        Files.createDirectories(Path.of("target", "interop"));
        chromedriver = ns.start(new ProcessBuilder(Chromium.DRIVER, "--port=" + DRIVER_PORT)
                .redirectErrorStream(true).redirectOutput(Path.of("target", "interop", "chromedriver.log").toFile()));
        int port = ns.forward(DRIVER_PORT);
        ChromeOptions options = Chromium.options(profile);
        RemoteWebDriver started = null;
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (started == null) {
            try {
                started = new RemoteWebDriver(new URL("http://127.0.0.1:" + port), options);
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
}
