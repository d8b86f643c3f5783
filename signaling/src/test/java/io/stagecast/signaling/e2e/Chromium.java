package io.stagecast.signaling.e2e;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;

/**
 * A real headless Chromium (Debian's, with fake camera and microphone) driven through Debian's
 * chromedriver, with the flags ../shared/BROWSER-TESTING.md found necessary on this machine kind.
 */
final class Chromium implements AutoCloseable {
    static final String BINARY = "/usr/bin/chromium";
    static final String DRIVER = "/usr/bin/chromedriver";

    private final ChromeDriver driver;
    private final Path profile;

    /** A phone: 390x844 CSS pixels, touch, and a mobile user agent (Chromium's device emulation). */
    static Chromium phone() throws IOException {
        return new Chromium(Map.of(
                "deviceMetrics", Map.of("width", 390, "height", 844, "pixelRatio", 2.0, "touch", true),
                "userAgent", "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko)"
                        + " Chrome/156.0.0.0 Mobile Safari/537.36"));
    }

    Chromium() throws IOException {
        this(null);
    }

    private Chromium(Map<String, Object> mobileEmulation) throws IOException {
        profile = Files.createTempDirectory("stagecast-chromium");
        ChromeOptions options = options(profile);
        if (mobileEmulation != null) {
            options.setExperimentalOption("mobileEmulation", mobileEmulation);
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER)).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    }

    /** The flags ../shared/BROWSER-TESTING.md found necessary, with a fresh profile directory. */
    static ChromeOptions options(Path profile) {
        return options(profile, "1280,800", java.util.List.of());
    }

    /**
     * The same flags with another window size ({@code "W,H"} CSS pixels, device pixel ratio 1) and
     * more IP literals the host resolver lets through (a page loaded from a namespace's address).
     */
    static ChromeOptions options(Path profile, String windowSize, java.util.List<String> resolverExcludes) {
        return options(profile, windowSize, resolverExcludes, java.util.List.of());
    }

    /** ... and more command-line flags (e.g. a test certificate to trust). */
    static ChromeOptions options(Path profile, String windowSize, java.util.List<String> resolverExcludes,
                                 java.util.List<String> moreArguments) {
        StringBuilder rules = new StringBuilder("MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1");
        for (String address : resolverExcludes) {
            rules.append(", EXCLUDE ").append(address);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY);
        options.addArguments(
                "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                "--allow-loopback-in-peer-connection",
                "--disable-features=WebRtcHideLocalIpsWithMdns",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-quic", "--disable-domain-reliability", "--no-pings", "--disable-breakpad",
                "--host-resolver-rules=" + rules,
                "--autoplay-policy=no-user-gesture-required",
                "--disable-renderer-backgrounding", "--disable-background-timer-throttling",
                "--window-size=" + windowSize,
                "--user-data-dir=" + profile);
        options.addArguments(moreArguments);
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        return options;
    }

    static boolean available() {
        return new File(BINARY).canExecute() && new File(DRIVER).canExecute();
    }

    void open(String url) {
        driver.get(url);
    }

    /** Runs {@code js} in every page this browser opens from now on, before the page's own scripts. */
    void beforeEveryPage(String js) {
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", js));
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** Runs async JS: the script's last argument is the callback. */
    Object asyncScript(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeAsyncScript(js, args);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> asyncResult(String js, Object... args) {
        Object result = asyncScript(js, args);
        return result instanceof Map ? (Map<String, Object>) result : Map.of("result", String.valueOf(result));
    }

    /** Totals over the inbound RTP streams of the peer connection the expression names. */
    Map<String, Object> inboundStats(String peerConnection) {
        return asyncResult("const done = arguments[arguments.length - 1];"
                + "const pc = " + peerConnection + ";"
                + "const out = {framesDecoded: 0, audioPacketsReceived: 0, videoPacketsReceived: 0, tracks: 0};"
                + "if (!pc) { done(out); } else pc.getStats().then(report => {"
                + "  report.forEach(s => { if (s.type !== 'inbound-rtp') return; out.tracks++;"
                + "    if (s.kind === 'video') { out.framesDecoded += s.framesDecoded || 0; out.videoPacketsReceived += s.packetsReceived || 0; }"
                + "    else if (s.kind === 'audio') { out.audioPacketsReceived += s.packetsReceived || 0; } });"
                + "  done(out); }, e => done({error: String(e)}));");
    }

    void screenshot(String name) {
        try {
            Path dir = Path.of("target", "screenshots");
            Files.createDirectories(dir);
            File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            // a screenshot is an artifact for people, never a reason to fail a test
        }
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

    ChromeDriver driver() {
        return driver;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteQuietly(profile);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp files; the OS cleans up the rest
        }
    }
}
