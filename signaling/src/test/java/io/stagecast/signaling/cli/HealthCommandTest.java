package io.stagecast.signaling.cli;

import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.testutil.LoopbackServer;
import org.junit.jupiter.api.Test;

import io.stagecast.signaling.testutil.JsonWebSocketClient;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.RandomIds;
import io.stagecast.signaling.token.Role;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code stagecast health}, the image's HEALTHCHECK: 0 against a running node, 1 against a stopped or draining one. */
class HealthCommandTest {
    @Test
    void succeedsAgainstARunningNodeAndFailsAgainstAStoppedOne() throws Exception {
        StagecastServer server = LoopbackServer.start(CliTest.ENV);
        Map<String, String> env = new HashMap<>(CliTest.ENV);
        env.put("STAGECAST_HTTP_PORT", Integer.toString(server.httpPort()));
        try {
            CliRun alive = CliRun.run(env, "health");
            assertEquals(0, alive.exit(), alive.out() + alive.err());
            assertTrue(alive.out().contains("/health: 200 ok"), alive.out());
            CliRun ready = CliRun.run(env, "health", "--ready");
            assertEquals(0, ready.exit(), ready.out());

            server.drainAndClose(Duration.ZERO); // nobody in a room: it closes at once
        } finally {
            server.close();
        }
        CliRun stopped = CliRun.run(env, "health", "--timeout", "PT1S");
        assertEquals(1, stopped.exit(), stopped.out());
        assertTrue(stopped.out().contains("no answer"), stopped.out());
        CliRun elsewhere = CliRun.run(Map.of(), "health", "--url", "http://127.0.0.1:" + server.httpPort() + "/ready");
        assertEquals(1, elsewhere.exit(), elsewhere.out());
    }

    @Test
    void aDrainingNodeIsAliveButNotReady() throws Exception {
        StagecastServer server = LoopbackServer.start(CliTest.ENV);
        Map<String, String> env = new HashMap<>(CliTest.ENV);
        env.put("STAGECAST_HTTP_PORT", Integer.toString(server.httpPort()));
        Thread drain = new Thread(() -> server.drainAndClose(Duration.ofSeconds(30)), "test-drain");
        try (JsonWebSocketClient ws = JsonWebSocketClient.connect(server.baseUrl())) {
            // Someone in a room keeps the node draining.
            ws.request("join", "room", "busy", "token", server.tokens().mint(
                    JoinGrant.of("busy", RandomIds.participantId(), "Busy", Role.ATTENDEE, Instant.now().plusSeconds(600))));
            drain.start();
            CliRun ready = CliRun.run(env, "health", "--ready");
            for (int i = 0; i < 50 && ready.exit() == 0; i++) {
                Thread.sleep(20);
                ready = CliRun.run(env, "health", "--ready");
            }
            assertEquals(1, ready.exit(), ready.out());
            assertTrue(ready.out().contains("503 draining"), ready.out());
            CliRun alive = CliRun.run(env, "health");
            assertEquals(0, alive.exit(), "draining, the node is still alive: " + alive.out());
        } finally {
            drain.interrupt();
            drain.join(5_000);
            server.close();
        }
    }
}
