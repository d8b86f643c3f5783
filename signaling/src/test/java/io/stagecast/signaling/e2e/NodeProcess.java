package io.stagecast.signaling.e2e;

import io.stagecast.signaling.config.StagecastConfig;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.JoinTokens;
import io.stagecast.signaling.token.RandomIds;
import io.stagecast.signaling.token.Role;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A node started as people start it: a new JVM running {@code stagecast} (Main) with the test's
 * classpath, so every run meets a cold node (nothing loaded, nothing JIT-compiled: how a fresh
 * node answers its first ICE check is part of what interop tests check). Optionally inside a
 * {@link NetNamespace}. Stopped by PID. Tokens are minted here with the node's secret.
 */
final class NodeProcess implements AutoCloseable {
    static final String SECRET = "interop-secret-interop-secret-0123456789";
    private static final long START_TIMEOUT_MS = 40_000;

    private final Process process;
    private final Path log;
    private final JoinTokens tokens;
    /** The node's base URL as seen from inside its namespace (what browsers there load). */
    final String insideUrl;
    /** The node's base URL as this JVM reaches it. */
    final String baseUrl;
    final int mediaPort;

    private NodeProcess(Process process, Path log, JoinTokens tokens, String insideUrl, String baseUrl, int mediaPort) {
        this.process = process;
        this.log = log;
        this.tokens = tokens;
        this.insideUrl = insideUrl;
        this.baseUrl = baseUrl;
        this.mediaPort = mediaPort;
    }

    /** A node on this machine's loopback: HTTP and media on 127.0.0.1, ICE only from 127.0.0.0/8. */
    static NodeProcess onLoopback(String name, Map<String, String> extra) throws IOException, InterruptedException {
        int httpPort = freeTcpPort();
        int mediaPort = freeUdpPort();
        Map<String, String> env = environment(httpPort, mediaPort, "127.0.0.1", extra);
        ProcessBuilder builder = javaCommand();
        Path log = logFile(name);
        builder.environment().putAll(env);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        String url = "http://127.0.0.1:" + httpPort;
        return awaitReady(builder.start(), log, env, url, url, mediaPort);
    }

    /**
     * A node inside {@code ns}: HTTP on the namespace's 127.0.0.1, media bound to and announced on
     * {@link NetNamespace#VETH_ADDRESS}, which libnice (on the veth) and browsers (on loopback)
     * inside the namespace both reach.
     */
    static NodeProcess inNamespace(NetNamespace ns, String name, Map<String, String> extra)
            throws IOException, InterruptedException {
        int httpPort = 18080;
        int mediaPort = 20000;
        Map<String, String> env = environment(httpPort, mediaPort, NetNamespace.VETH_ADDRESS, extra);
        ProcessBuilder builder = javaCommand();
        Path log = logFile(name);
        builder.environment().putAll(env);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        Process process = ns.start(builder);
        int forwarded = ns.forward(httpPort);
        String scheme = env.getOrDefault("STAGECAST_TLS_CERTIFICATE_FILE", "").isEmpty() ? "http" : "https";
        return awaitReady(process, log, env, scheme + "://127.0.0.1:" + httpPort, scheme + "://127.0.0.1:" + forwarded, mediaPort);
    }

    private static Map<String, String> environment(int httpPort, int mediaPort, String mediaAddress, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("STAGECAST_HTTP_HOST", "127.0.0.1");
        env.put("STAGECAST_HTTP_PORT", String.valueOf(httpPort));
        env.put("STAGECAST_MEDIA_PORT", String.valueOf(mediaPort));
        env.put("STAGECAST_MEDIA_BIND_ADDRESS", mediaAddress);
        env.put("STAGECAST_MEDIA_ANNOUNCED_ADDRESSES", mediaAddress);
        env.put("STAGECAST_MEDIA_ALLOWED_REMOTE_NETWORKS", "127.0.0.0/8");
        env.put("STAGECAST_TOKEN_SECRET", SECRET);
        env.put("STAGECAST_ROOMS_DEMO", "");
        // A test stops its node with SIGTERM and wants it gone, not draining its rooms (DrainEndToEndTest sets it).
        env.put("STAGECAST_SHUTDOWN_DRAIN_SECONDS", "0");
        env.putAll(extra);
        return env;
    }

    private static ProcessBuilder javaCommand() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(List.of(java, "-Xmx512m", "--add-opens", "java.base/com.sun.crypto.provider=ALL-UNNAMED",
                // What the jar's manifest says for java -jar: Netty's native library, without a JVM warning.
                "--enable-native-access=ALL-UNNAMED",
                // The test classpath has two logback-test.xml (sfu-core's and this module's): logback
                // would print its status about that; the jar has one logback.xml.
                "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener", "-Dio.stagecast.diag=" + Boolean.getBoolean("io.stagecast.diag"), "-cp", System.getProperty("java.class.path"),
                "io.stagecast.signaling.Main"));
    }

    private static Path logFile(String name) throws IOException {
        Path dir = Path.of("target", "interop");
        Files.createDirectories(dir);
        return dir.resolve(name + ".log");
    }

    private static NodeProcess awaitReady(Process process, Path log, Map<String, String> env, String insideUrl,
                                          String baseUrl, int mediaPort) throws IOException, InterruptedException {
        StagecastConfig config = StagecastConfig.load(null, env, new Properties());
        JoinTokens tokens = new JoinTokens(config.apiKeys(), Clock.systemUTC());
        NodeProcess node = new NodeProcess(process, log, tokens, insideUrl, baseUrl, mediaPort);
        HttpClient.Builder client = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).connectTimeout(Duration.ofSeconds(2));
        if (baseUrl.startsWith("https:")) {
            client.sslContext(TestCertificates.trustingAll()); // the test's own self-signed certificate
        }
        HttpClient http = client.build();
        long deadline = System.nanoTime() + START_TIMEOUT_MS * 1_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                node.close();
                throw new IOException("the node exited with " + process.exitValue() + ":\n" + node.logTail());
            }
            try {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return node;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        node.close();
        throw new IOException("the node did not answer /health within " + START_TIMEOUT_MS + " ms:\n" + node.logTail());
    }

    String token(String room, String name, Role role) {
        return token(room, RandomIds.participantId(), name, role);
    }

    /** A single-use invitation: names nobody (each use would make a new person), used up by its first join. */
    String singleUseToken(String room, String name, Role role) {
        return tokens.mint(new JoinGrant(room, RandomIds.participantId(), name, role, false,
                Instant.now().plus(Duration.ofHours(1)), RandomIds.tokenId(), true));
    }

    String token(String room, String participantId, String name, Role role) {
        return tokens.mint(new JoinGrant(room, participantId, name, role, false,
                Instant.now().plus(Duration.ofHours(1)), RandomIds.tokenId(), false));
    }

    /**
     * The media plane's counters that explain a stall (drops by reason, keyframe requests by
     * reason, NACK answers and refusals, GSO, per-loop packets), for a failing test's message.
     */
    String mediaCounters() {
        try {
            HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
                    .connectTimeout(Duration.ofSeconds(2)).build();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            StringBuilder out = new StringBuilder();
            for (String line : r.body().split("\n")) {
                if (line.startsWith("stagecast_media_drops") || line.startsWith("stagecast_media_keyframe")
                        || line.startsWith("stagecast_media_nack") || line.startsWith("stagecast_media_pli")
                        || line.startsWith("stagecast_media_send_gso") || line.startsWith("stagecast_media_loop_packets")
                        || line.startsWith("stagecast_media_retransmitted_packets")) {
                    out.append(line).append('\n');
                }
            }
            return out.toString();
        } catch (IOException e) {
            return "(no metrics: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Everything the node wrote to standard output and error so far. */
    String logText() throws IOException {
        return Files.readString(log);
    }

    /** SIGKILL, as a crash: no goodbye to clients or to Redis. */
    void kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** SIGTERM, as a service manager stops the node. */
    void terminate() {
        process.toHandle().destroy();
    }

    /** The exit code once the process has ended, or -1 if it still runs after {@code timeout}. */
    int exitCode(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    @Override
    public void close() {
        NetNamespace.stop(process.toHandle());
    }
}
