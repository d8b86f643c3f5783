package io.stagecast.signaling.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.config.StagecastConfig;
import io.stagecast.signaling.testutil.RawWebSocket;
import io.stagecast.signaling.testutil.RawWebSocket.Frame;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the server puts on the wire, frame by frame (RFC 6455), for messages a browser would never
 * send: text after the JSON object, a message over the size limit split into fragments, and the
 * closing handshake.
 */
class WebSocketFramingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static StagecastServer server;

    @BeforeAll
    static void start() throws Exception {
        server = StagecastServer.start(StagecastConfig.load(null, Map.of(
                "STAGECAST_HTTP_HOST", "127.0.0.1", "STAGECAST_HTTP_PORT", "0",
                "STAGECAST_MEDIA_PORT", "0", "STAGECAST_MEDIA_BIND_ADDRESS", "127.0.0.1",
                "STAGECAST_MEDIA_ANNOUNCED_ADDRESSES", "127.0.0.1",
                "STAGECAST_MEDIA_ALLOWED_REMOTE_NETWORKS", "127.0.0.0/8",
                "STAGECAST_ROOMS_DEMO", "",
                "STAGECAST_TOKEN_SECRET", "framing-test-secret-framing-test-secret-0"), new Properties()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JsonNode response(RawWebSocket ws) throws Exception {
        return JSON.readTree(ws.readTextContaining("\"response\"", 5_000));
    }

    private static void assertOneCloseThenEnd(List<Frame> frames, int code) {
        List<Frame> closes = frames.stream().filter(f -> f.opcode() == RawWebSocket.CLOSE).toList();
        assertEquals(1, closes.size(), "exactly one Close frame, got "
                + frames.stream().map(RawWebSocket::describe).toList());
        assertEquals(code, closes.get(0).closeCode(), RawWebSocket.describe(closes.get(0)));
        assertEquals(RawWebSocket.CLOSE, frames.get(frames.size() - 1).opcode(), "nothing after the Close frame");
    }

    @Test
    void textAfterTheJsonObjectIsRefusedAndTheConnectionStaysUsable() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.baseUrl())) {
            for (String trailing : List.of("{\"id\":1,\"type\":\"ping\"} xyz", "{\"id\":1,\"type\":\"ping\"}{}",
                    "{\"id\":1,\"type\":\"ping\"} 42", "{\"id\":1,\"type\":\"ping\"}]")) {
                ws.sendText(trailing);
                JsonNode r = response(ws);
                assertFalse(r.path("ok").asBoolean(), trailing + " must be refused: " + r);
                assertEquals("bad_request", r.path("error").path("code").asText(), r.toString());
                assertTrue(r.path("error").path("message").asText().contains("after the JSON object"), r.toString());
                assertTrue(r.path("id").isNull(), "the request was not read, so its id is not echoed: " + r);
            }
            // Two values for one key: which one counts would depend on who reads the message.
            ws.sendText("{\"id\":1,\"type\":\"ping\",\"type\":\"join\"}");
            JsonNode duplicate = response(ws);
            assertEquals("bad_request", duplicate.path("error").path("code").asText(), duplicate.toString());
            assertTrue(duplicate.path("error").path("message").asText().contains("Duplicate field"), duplicate.toString());
            // Whitespace after the object is not text: still one message.
            ws.sendText("{\"id\":2,\"type\":\"ping\"} \r\n\t");
            JsonNode r = response(ws);
            assertEquals("invalid_state", r.path("error").path("code").asText(), "ping before join: " + r);
            assertEquals(2, r.path("id").asInt());
        }
    }

    @Test
    void aFragmentedMessageOverTheLimitClosesWith1009() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.baseUrl())) {
            byte[] chunk = new byte[16 * 1024];
            Arrays.fill(chunk, (byte) 'a');
            // 5 fragments of 16 KiB: each is under the frame limit, together over the 64 KiB message limit.
            ws.sendFrame(false, RawWebSocket.TEXT, chunk);
            for (int i = 0; i < 3; i++) {
                ws.sendFrame(false, RawWebSocket.CONTINUATION, chunk);
            }
            try {
                ws.sendFrame(true, RawWebSocket.CONTINUATION, chunk);
            } catch (java.io.IOException closedAlready) {
                // The server may have closed after the fourth fragment: fine.
            }
            List<Frame> frames = ws.readUntilEnd(5_000);
            assertOneCloseThenEnd(frames, 1009);
        }
    }

    @Test
    void oneFrameOverTheLimitClosesWith1009() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.baseUrl())) {
            byte[] big = new byte[64 * 1024 + 1];
            Arrays.fill(big, (byte) 'a');
            try {
                ws.sendFrame(true, RawWebSocket.TEXT, big);
            } catch (java.io.IOException closedAlready) {
                // closed while we were still writing
            }
            assertOneCloseThenEnd(ws.readUntilEnd(5_000), 1009);
        }
    }

    @Test
    void aFragmentedMessageUnderTheLimitIsOneRequest() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.baseUrl())) {
            ws.sendFrame(false, RawWebSocket.TEXT, "{\"id\":3,".getBytes(StandardCharsets.UTF_8));
            ws.sendFrame(true, RawWebSocket.CONTINUATION, "\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8));
            JsonNode r = response(ws);
            assertEquals(3, r.path("id").asInt(), r.toString());
        }
    }

    @Test
    void theClientsCloseIsAnsweredByExactlyOneClose() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.baseUrl())) {
            joinDemo(ws);
            ws.sendClose(1000, "bye");
            List<Frame> frames = ws.readUntilEnd(5_000);
            List<Frame> closes = frames.stream().filter(f -> f.opcode() == RawWebSocket.CLOSE).toList();
            assertEquals(1, closes.size(), "exactly one Close frame, got "
                    + frames.stream().map(RawWebSocket::describe).toList());
            assertEquals(1000, closes.get(0).closeCode(), "the echo of the client's status");
        }
    }

    @Test
    void leavingTheRoomClosesWithExactlyOneClose() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.baseUrl())) {
            joinDemo(ws);
            ws.sendText("{\"id\":9,\"type\":\"room.leave\"}");
            List<Frame> frames = ws.readUntilEnd(5_000);
            assertOneCloseThenEnd(frames, 1000);
            assertTrue(frames.stream().anyMatch(f -> f.opcode() == RawWebSocket.TEXT && f.text().contains("\"id\":9")),
                    "the response to room.leave comes before the Close frame");
        }
    }

    @Test
    void aProtocolErrorClosesWithExactlyOneClose() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.baseUrl())) {
            // A continuation frame with no message to continue (RFC 6455 section 5.4): a protocol error.
            ws.sendFrame(true, RawWebSocket.CONTINUATION, "x".getBytes(StandardCharsets.UTF_8));
            assertOneCloseThenEnd(ws.readUntilEnd(5_000), 1002);
        }
    }

    @Test
    void textThatIsNotUtf8ClosesWithExactlyOneClose() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.baseUrl())) {
            ws.sendFrame(true, RawWebSocket.TEXT, new byte[] {'{', (byte) 0xc3, (byte) 0x28, '}'});
            assertOneCloseThenEnd(ws.readUntilEnd(5_000), 1007);
        }
    }

    private static void joinDemo(RawWebSocket ws) throws Exception {
        String room = "framing-" + System.nanoTime();
        String token = server.tokens().mint(JoinGrant.of(room, "p" + System.nanoTime(), "Ann", Role.MODERATOR,
                Instant.now().plus(Duration.ofHours(1))));
        ws.sendText("{\"id\":1,\"type\":\"join\",\"room\":\"" + room + "\",\"token\":\"" + token + "\"}");
        JsonNode r = response(ws);
        assertTrue(r.path("ok").asBoolean(), r.toString());
    }
}
