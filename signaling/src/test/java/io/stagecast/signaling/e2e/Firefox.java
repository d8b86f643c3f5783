package io.stagecast.signaling.e2e;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real headless Firefox ESR (Debian's {@code firefox-esr}, fake camera and microphone) driven
 * through its built-in Marionette server: Debian has no geckodriver, and Marionette is what
 * geckodriver itself speaks. The protocol is small: each message is {@code <byte length>:<JSON>};
 * a command is {@code [0, id, name, params]} and its reply {@code [1, id, error, result]}, after a
 * greeting {@code {"marionetteProtocol": 3, ...}}. Every connection is to 127.0.0.1 and the profile
 * turns off everything that would call out (updates, telemetry, safe browsing, remote settings,
 * captive-portal checks, DNS over HTTPS, the OpenH264 download).
 */
final class Firefox implements AutoCloseable {
    static final String BINARY = "/usr/bin/firefox-esr";
    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonGenerator.Feature.ESCAPE_NON_ASCII).build();
    private static final long START_TIMEOUT_MS = 45_000;

    private final Path profile;
    private final Path log;
    private final Process process;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private int nextId = 1;

    Firefox() throws IOException {
        this(Map.of());
    }

    /** @param extraPrefs more prefs for user.js (string, boolean or number values) */
    Firefox(Map<String, Object> extraPrefs) throws IOException {
        profile = Files.createTempDirectory("stagecast-firefox");
        int port = freePort();
        Files.writeString(profile.resolve("user.js"), userJs(port, extraPrefs));
        Path logs = Path.of("target", "firefox");
        Files.createDirectories(logs);
        log = logs.resolve(profile.getFileName() + ".log");
        ProcessBuilder builder = new ProcessBuilder(BINARY, "--headless", "--marionette", "--no-remote",
                "--new-instance", "--profile", profile.toString(), "about:blank")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("MOZ_HEADLESS", "1");
        builder.environment().put("MOZ_CRASHREPORTER_DISABLE", "1");
        builder.environment().remove("http_proxy");
        builder.environment().remove("https_proxy");
        builder.environment().remove("all_proxy");
        process = builder.start();
        Socket connected = null;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        try {
            while (connected == null) {
                if (!process.isAlive()) {
                    throw new IOException("firefox exited with " + process.exitValue() + ":\n" + logTail());
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("Marionette did not listen on port " + port + " within "
                            + START_TIMEOUT_MS + " ms:\n" + logTail());
                }
                try {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
                    connected = s;
                } catch (IOException notYet) {
                    sleep(200);
                }
            }
            socket = connected;
            socket.setSoTimeout(120_000);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
            JsonNode hello = JSON.readTree(readPacket());
            if (hello.path("marionetteProtocol").asInt() < 3) {
                throw new IOException("unexpected Marionette greeting " + hello);
            }
            ObjectNode capabilities = JSON.createObjectNode();
            capabilities.putObject("capabilities").putObject("alwaysMatch").put("acceptInsecureCerts", true);
            command("WebDriver:NewSession", capabilities);
            ObjectNode timeouts = JSON.createObjectNode();
            timeouts.put("script", 30_000);
            timeouts.put("pageLoad", 30_000);
            command("WebDriver:SetTimeouts", timeouts);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    static boolean available() {
        return new File(BINARY).canExecute();
    }

    /** The prefs of a test profile: Marionette's port, fake media without prompts, nothing that calls out. */
    private static String userJs(int marionettePort, Map<String, Object> extra) {
        Map<String, Object> prefs = new java.util.LinkedHashMap<>();
        prefs.put("marionette.port", marionettePort);
        prefs.put("media.navigator.streams.fake", true);
        prefs.put("media.navigator.permission.disabled", true);
        prefs.put("permissions.default.camera", 1);
        prefs.put("permissions.default.microphone", 1);
        prefs.put("media.autoplay.default", 0);
        prefs.put("media.autoplay.blocking_policy", 0);
        // Gather 127.0.0.1 (off by default). Firefox gathers the machine's other interfaces too
        // (media.peerconnection.ice.force_interface does not stop it in 153); the test node answers
        // ICE only from 127.0.0.0/8, so those candidates are never used.
        prefs.put("media.peerconnection.ice.loopback", true);
        prefs.put("media.peerconnection.ice.obfuscate_host_addresses", false);
        prefs.put("media.peerconnection.ice.default_address_only", false);
        prefs.put("media.peerconnection.ice.no_host", false);
        // Page console on stdout, so a failing test can show it.
        prefs.put("devtools.console.stdout.content", true);
        // Nothing leaves this machine.
        prefs.put("network.proxy.type", 0);
        prefs.put("network.trr.mode", 5);
        prefs.put("network.dns.disablePrefetch", true);
        prefs.put("network.prefetch-next", false);
        prefs.put("network.predictor.enabled", false);
        prefs.put("network.captive-portal-service.enabled", false);
        prefs.put("network.connectivity-service.enabled", false);
        prefs.put("app.update.enabled", false);
        prefs.put("app.update.auto", false);
        prefs.put("app.normandy.enabled", false);
        prefs.put("app.shield.optoutstudies.enabled", false);
        prefs.put("extensions.update.enabled", false);
        prefs.put("extensions.getAddons.cache.enabled", false);
        prefs.put("extensions.blocklist.enabled", false);
        prefs.put("browser.search.update", false);
        prefs.put("browser.region.network.url", "");
        prefs.put("browser.region.update.enabled", false);
        prefs.put("browser.safebrowsing.malware.enabled", false);
        prefs.put("browser.safebrowsing.phishing.enabled", false);
        prefs.put("browser.safebrowsing.downloads.enabled", false);
        prefs.put("browser.safebrowsing.blockedURIs.enabled", false);
        prefs.put("browser.safebrowsing.provider.mozilla.updateURL", "");
        prefs.put("browser.shell.checkDefaultBrowser", false);
        prefs.put("browser.startup.page", 0);
        prefs.put("browser.startup.homepage_override.mstone", "ignore");
        prefs.put("browser.newtabpage.enabled", false);
        prefs.put("browser.aboutwelcome.enabled", false);
        prefs.put("browser.ping-centre.telemetry", false);
        prefs.put("datareporting.policy.dataSubmissionEnabled", false);
        prefs.put("datareporting.healthreport.uploadEnabled", false);
        prefs.put("toolkit.telemetry.enabled", false);
        prefs.put("toolkit.telemetry.unified", false);
        prefs.put("toolkit.telemetry.server", "");
        prefs.put("services.settings.server", "http://127.0.0.1:9/");
        prefs.put("media.gmp-manager.updateEnabled", false);
        prefs.put("media.gmp-manager.url", "http://127.0.0.1:9/");
        prefs.put("geo.provider.network.url", "");
        prefs.put("identity.fxaccounts.enabled", false);
        prefs.put("dom.push.connection.enabled", false);
        prefs.putAll(extra);
        StringBuilder js = new StringBuilder();
        for (Map.Entry<String, Object> pref : prefs.entrySet()) {
            Object value = pref.getValue();
            String literal = value instanceof String s ? "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"" : String.valueOf(value);
            js.append("user_pref(\"").append(pref.getKey()).append("\", ").append(literal).append(");\n");
        }
        return js.toString();
    }

    void open(String url) {
        ObjectNode params = JSON.createObjectNode();
        params.put("url", url);
        command("WebDriver:Navigate", params);
    }

    /** Runs JS as a function body with {@code arguments}; returns what it returns, as JSON-decoded Java values. */
    Object script(String js, Object... args) {
        return value(command("WebDriver:ExecuteScript", scriptParams(js, args)));
    }

    /** Runs async JS: the script's last argument is the callback. */
    Object asyncScript(String js, Object... args) {
        return value(command("WebDriver:ExecuteAsyncScript", scriptParams(js, args)));
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> asyncResult(String js, Object... args) {
        Object result = asyncScript(js, args);
        return result instanceof Map ? (Map<String, Object>) result : Map.of("result", String.valueOf(result));
    }

    void screenshot(String name) {
        try {
            JsonNode shot = command("WebDriver:TakeScreenshot", JSON.createObjectNode());
            Path dir = Path.of("target", "screenshots");
            Files.createDirectories(dir);
            Files.write(dir.resolve(name + ".png"), Base64.getDecoder().decode(shot.path("value").asText()));
        } catch (IOException | RuntimeException e) {
            // a screenshot is an artifact for people, never a reason to fail a test
        }
    }

    /** The last lines Firefox printed (the page console among them), for failure messages. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private ObjectNode scriptParams(String js, Object... args) {
        ObjectNode params = JSON.createObjectNode();
        params.put("script", js);
        ArrayNode array = params.putArray("args");
        for (Object arg : args) {
            array.addPOJO(arg);
        }
        return params;
    }

    private static Object value(JsonNode result) {
        return JSON.convertValue(result.path("value"), Object.class);
    }

    /** Sends one command and waits for its reply; a Marionette error becomes an exception with its message. */
    synchronized JsonNode command(String name, JsonNode params) {
        int id = nextId++;
        ArrayNode message = JSON.createArrayNode();
        message.add(0).add(id).add(name).add(params);
        try {
            byte[] body = JSON.writeValueAsBytes(message);
            out.write((body.length + ":").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            while (true) {
                JsonNode reply = JSON.readTree(readPacket());
                if (reply.isArray() && reply.size() == 4 && reply.get(0).asInt() == 1 && reply.get(1).asInt() == id) {
                    if (!reply.get(2).isNull()) {
                        throw new IllegalStateException(name + " failed: " + reply.get(2).path("error").asText()
                                + ": " + reply.get(2).path("message").asText());
                    }
                    return reply.get(3);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(name + ": Marionette connection failed: " + e.getMessage()
                    + "\n" + logTail(), e);
        }
    }

    private byte[] readPacket() throws IOException {
        int length = 0;
        int digits = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("Marionette closed the connection");
            }
            if (b == ':') {
                break;
            }
            if (b < '0' || b > '9' || ++digits > 9) {
                throw new IOException("bad Marionette packet length");
            }
            length = length * 10 + (b - '0');
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(length);
        byte[] buffer = new byte[8192];
        while (body.size() < length) {
            int n = in.read(buffer, 0, Math.min(buffer.length, length - body.size()));
            if (n < 0) {
                throw new EOFException("Marionette closed the connection mid-packet");
            }
            body.write(buffer, 0, n);
        }
        return body.toByteArray();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            if (socket != null && !socket.isClosed()) {
                try {
                    command("Marionette:Quit", JSON.createObjectNode());
                } catch (RuntimeException ignored) {
                    // it is going away either way
                }
                socket.close();
            }
        } catch (IOException ignored) {
            // closing
        }
        // Stop Firefox and its content processes by PID.
        List<ProcessHandle> children = process.descendants().toList();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle child : children) {
            child.destroyForcibly();
        }
        try (var walk = Files.walk(profile)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp files
        }
    }
}
