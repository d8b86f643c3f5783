package io.stagecast.signaling.http;

import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.testutil.JsonWebSocketClient;
import io.stagecast.signaling.testutil.LoopbackServer;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Clients that hold sockets without using them: silent, trickling their headers a byte at a time
 * (slowloris), idle after a response, or WebSockets that never answer a ping, are closed after
 * their timeout; a quiet but healthy WebSocket is not; beyond the cap new connections are refused.
 * Short timeouts (1 s request, 2 s idle, 1 s ping) keep the test quick.
 */
class SlowClientsTest {
    private static final int MAX_CONNECTIONS = 12;
    private static StagecastServer server;

    @BeforeAll
    static void start() throws Exception {
        server = LoopbackServer.start(Map.of(
                "STAGECAST_HTTP_REQUEST_TIMEOUT_SECONDS", "1",
                "STAGECAST_HTTP_IDLE_TIMEOUT_SECONDS", "2",
                "STAGECAST_WS_PING_INTERVAL_SECONDS", "1",
                "STAGECAST_HTTP_MAX_CONNECTIONS", String.valueOf(MAX_CONNECTIONS)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", server.httpPort()), 2_000);
        socket.setSoTimeout(8_000);
        return socket;
    }

    /** Reads until the server closes the connection; what it sent, and when it closed (ms after {@code since}). */
    private static String readUntilClosed(Socket socket, long sinceNanos, long[] closedAfterMs) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                got.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            fail("the server kept the connection open for 8 s; it sent: " + got);
        } catch (IOException reset) {
            // A reset is a close too.
        }
        closedAfterMs[0] = (System.nanoTime() - sinceNanos) / 1_000_000;
        return got.toString(StandardCharsets.ISO_8859_1);
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static double metric(String line) throws Exception {
        String body = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return body.lines().filter(l -> l.startsWith(line + " ")).mapToDouble(l -> Double.parseDouble(l.substring(line.length() + 1)))
                .findFirst().orElse(-1);
    }

    @Test
    void aSilentConnectionIsClosedAfterTheRequestTimeout() throws Exception {
        long start = System.nanoTime();
        try (Socket socket = connect()) {
            long[] closed = new long[1];
            String got = readUntilClosed(socket, start, closed);
            assertTrue(got.startsWith("HTTP/1.1 408"), got);
            assertTrue(closed[0] >= 900 && closed[0] < 3_000, "closed after " + closed[0] + " ms");
        }
        assertTrue(metric("stagecast_http_timeouts_total{kind=\"request\"}") >= 1);
    }

    @Test
    void headersTrickledAByteAtATimeAreCutAtTheDeadline() throws Exception {
        byte[] request = "GET /health HTTP/1.1\r\nHost: x\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            long start = System.nanoTime();
            int sent = 0;
            try {
                // One byte every 100 ms: each resets any read timeout, none completes the request in 1 s.
                for (; sent < request.length && (System.nanoTime() - start) < 5_000_000_000L; sent++) {
                    out.write(request[sent]);
                    out.flush();
                    Thread.sleep(100);
                }
            } catch (IOException closedWhileWriting) {
                // expected: the server closed the connection
            }
            long[] closed = new long[1];
            String got = readUntilClosed(socket, start, closed);
            assertTrue(sent < request.length, "the server waited for the whole trickled request");
            assertTrue(got.isEmpty() || got.startsWith("HTTP/1.1 408"), got);
            assertTrue(closed[0] < 3_000, "closed after " + closed[0] + " ms");
        }
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAndANormalClientIsServed() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            long[] closed = new long[1];
            String got = readUntilClosed(socket, start, closed);
            assertTrue(got.startsWith("HTTP/1.1 200"), got);
            assertTrue(got.contains("ok"), got);
            assertTrue(closed[0] >= 1_800 && closed[0] < 4_500, "an idle keep-alive closed after " + closed[0] + " ms");
        }
        HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(server.baseUrl() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
    }

    @Test
    void aQuietWebSocketThatAnswersPingsStaysOpen() throws Exception {
        try (JsonWebSocketClient ws = JsonWebSocketClient.connect(server.baseUrl())) {
            assertTrue(ws.request("join", "room", "quiet", "token", server.tokens().mint(
                    JoinGrant.of("quiet", "q", "q", Role.ATTENDEE, Instant.now().plusSeconds(600)))).path("ok").asBoolean());
            Thread.sleep(4_500); // past request, idle and two ping intervals; the client answers pings by itself
            assertTrue(ws.request("ping").path("ok").asBoolean(), "a healthy WebSocket is never cut");
        }
    }

    @Test
    void aWebSocketThatNeverAnswersAPingIsClosed() throws Exception {
        try (Socket socket = connect()) {
            String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            long[] closed = new long[1];
            String got = readUntilClosed(socket, start, closed);
            assertTrue(got.startsWith("HTTP/1.1 101"), got);
            assertTrue(closed[0] >= 1_800 && closed[0] < 4_500, "closed after " + closed[0] + " ms");
        }
        assertTrue(metric("stagecast_http_timeouts_total{kind=\"websocket_idle\"}") >= 1);
    }

    @Test
    void beyondTheCapNewConnectionsAreRefused() throws Exception {
        List<JsonWebSocketClient> held = new ArrayList<>();
        double refusedBefore = metric("stagecast_http_connections_refused_total");
        try {
            // WebSockets hold their connections past every HTTP timeout.
            while (server.openHttpConnections() < MAX_CONNECTIONS && held.size() < MAX_CONNECTIONS) {
                held.add(JsonWebSocketClient.connect(server.baseUrl()));
            }
            assertEquals(MAX_CONNECTIONS, server.openHttpConnections());
            try (Socket socket = connect()) {
                long[] closed = new long[1];
                String got = readUntilClosed(socket, System.nanoTime(), closed);
                assertTrue(got.startsWith("HTTP/1.1 503"), got);
                assertTrue(closed[0] < 1_000, "refused at once, " + closed[0] + " ms");
            }
            held.remove(0).close();
            held.remove(0).close();
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (server.openHttpConnections() > MAX_CONNECTIONS - 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(
                    URI.create(server.baseUrl() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), "below the cap a client is served again");
            assertTrue(health.body().contains("stagecast_http_connections "), "open connections are a gauge");
            assertTrue(metric("stagecast_http_connections_refused_total") >= refusedBefore + 1);
        } finally {
            held.forEach(JsonWebSocketClient::close);
        }
    }
}
