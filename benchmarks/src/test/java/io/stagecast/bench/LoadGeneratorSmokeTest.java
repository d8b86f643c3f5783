package io.stagecast.bench;

import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.config.StagecastConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A short load run against an in-process node on loopback: 1 publisher, 3 viewers, 5 s. */
class LoadGeneratorSmokeTest {
    private static final String SECRET = "smoke-secret-smoke-secret-smoke-secret-01";

    @Test
    @Timeout(20)
    void threeViewersReceiveAuthenticatedMediaWithoutLoss() throws Exception {
        try (StagecastServer server = startLoopbackNode()) {
            LoadResult result = LoadGenerator.run(System.out, "--url", server.baseUrl(), "--token-secret", SECRET,
                    "--publishers", "1", "--viewers", "3", "--duration", "PT5S", "--join-timeout", "PT8S",
                    "--server-pid", String.valueOf(ProcessHandle.current().pid()));

            assertEquals(3, result.viewersJoined(), result.summary());
            // 1.5 Mbit/s at 30 fps is 6 packets per frame, + 50 audio packets: ~230 pkt/s per viewer.
            assertTrue(result.delivered() > 3 * 150 * 4, "viewers received too little: " + result.summary());
            assertEquals(0, result.authFailures(), result.summary());
            // One in 16 per stream is authenticated (SRTP): ~14 per viewer and second.
            assertTrue(result.authenticated() > 3 * 4 * 4, "too few packets authenticated: " + result.summary());
            assertTrue(result.loss() < 0.01, "loss over 1%: " + result.summary());
            assertTrue(result.latencyP50Millis() > 0 && result.latencyP50Millis() < 100, result.summary());
        }
    }

    @Test
    void refusesAnyHostButLoopback() {
        assertThrows(IllegalArgumentException.class, () -> LoadGenerator.requireLoopback("10.0.0.1"));
        assertThrows(IllegalArgumentException.class, () -> LoadGenerator.requireLoopback("localhost"));
        assertThrows(IllegalStateException.class, () -> LoadGenerator.run(System.out, "--url", "http://192.0.2.1:8080",
                "--token-secret", SECRET, "--duration", "PT1S"));
    }

    private static StagecastServer startLoopbackNode() throws InterruptedException {
        Map<String, String> env = Map.of(
                "STAGECAST_HTTP_HOST", "127.0.0.1",
                "STAGECAST_HTTP_PORT", "0",
                "STAGECAST_MEDIA_PORT", "0",
                "STAGECAST_MEDIA_BIND_ADDRESS", "127.0.0.1",
                "STAGECAST_MEDIA_ANNOUNCED_ADDRESSES", "127.0.0.1",
                "STAGECAST_MEDIA_ALLOWED_REMOTE_NETWORKS", "127.0.0.0/8",
                "STAGECAST_TOKEN_SECRET", SECRET);
        return StagecastServer.start(StagecastConfig.load(null, env, new Properties()));
    }
}
