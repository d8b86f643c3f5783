package io.stagecast.signaling.http;

import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.testutil.LoopbackServer;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 9112 9.3.2: a pipelining client gets its responses in the order of its requests, now that
 * a request needing a room is answered on the room's executor while the next one (here
 * {@code /health}) would be answered at once on the event loop.
 */
class PipelinedResponsesTest {
    private static StagecastServer server;

    @BeforeAll
    static void start() throws Exception {
        server = LoopbackServer.start(Map.of());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aRoomsSlowAnswerStillComesBeforeTheNextRequestsQuickOne() throws Exception {
        String room = "pipelined";
        server.rooms().getOrCreate(room);
        // The room is busy for 300 ms: the debug request waits behind that, /health would not.
        server.rooms().get(room).executor().execute(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        String token = server.tokens().mint(JoinGrant.of(room, "mod", "mod", Role.MODERATOR, Instant.now().plus(Duration.ofHours(1))));
        URI base = URI.create(server.baseUrl());
        String requests = "GET /debug/rooms/" + room + "/participants/nobody/media HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + token + "\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
            String answers = readAll(socket.getInputStream());
            int first = answers.indexOf("HTTP/1.1 404");
            int second = answers.indexOf("HTTP/1.1 200");
            assertTrue(first >= 0 && second > first, "the room's 404 first, then /health's 200: " + answers);
            assertTrue(answers.endsWith("ok\n"), "the health answer last: " + answers);
        }
    }

    private static String readAll(InputStream in) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
