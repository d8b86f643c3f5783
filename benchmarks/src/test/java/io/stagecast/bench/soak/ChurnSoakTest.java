package io.stagecast.bench.soak;

import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.config.StagecastConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CI's short churn (issue 13, item 4): for 60 s, 3 synthetic viewers at a time join an
 * in-process node on loopback (real ICE, DTLS, SRTP), get media from a publisher that streams
 * throughout, stay 1 s and disconnect; a 5 s churn before it makes the baseline. Then the node
 * must be back at baseline, within these bounds:
 * <ul>
 *   <li>heap after GC (the smallest of 5 readings right after {@code System.gc()}): at most
 *       +8 MB. About 170 joins, so anything over ~50 KB kept per join fails; measured +0.2-0.5 MB.
 *   <li>open file descriptors: at most +10 (one socket kept per join would be +170).
 *   <li>threads, leaving out the bounded pools whose idle threads end only after 30-60 s, longer
 *       than this test waits: the node's DTLS handshake threads ({@code dtls-handshake-}: up to
 *       64, since every handshake starts a new core thread until there are 64; 30 s idle) and
 *       record drains, the synthetic peers' DTLS threads and the JDK HTTP client's workers: at
 *       most +4. The 10-minute soak ({@code benchmarks/bin/soak.sh churn}) counts them all, after
 *       they ended.
 *   <li>transports and participants: exactly the baseline's (the publisher's). The reconnect
 *       grace is 2 s here (30 s by default), so that the disconnected viewers' places are freed
 *       within the test.
 *   <li>at least 60 joins that got media (the churn ran), at most 2 % without.
 * </ul>
 * The node, the publisher and the viewers share this JVM, so a leak on either side counts.
 * Takes about 80 s.
 */
class ChurnSoakTest {
    private static final String SECRET = "churn-secret-churn-secret-churn-secret-01";

    @Test
    @Timeout(115)
    void heapDescriptorsThreadsTransportsAndParticipantsReturnToBaselineAfterAMinuteOfChurn() throws Exception {
        try (StagecastServer server = startLoopbackNode()) {
            ChurnResult result = ChurnSoak.run(System.out, "--url", server.baseUrl(), "--token-secret", SECRET,
                    "--node-pid", String.valueOf(ProcessHandle.current().pid()), "--duration", "PT60S", "--warmup", "PT5S",
                    "--concurrency", "3", "--hold", "PT1S", "--settle-timeout", "PT20S", "--report-interval", "PT15S",
                    "--max-heap-growth-mb", "8", "--max-file-growth", "10", "--max-thread-growth", "4",
                    "--max-failed-joins-percent", "2",
                    "--pool-threads", "dtls-handshake-,dtls-records-,synthetic-peer-dtls-,HttpClient-");

            String summary = result.summary();
            assertTrue(result.joins() >= 60, "too few joins for a churn: " + summary);
            assertTrue(result.after().heapAfterGcBytes() - result.baseline().heapAfterGcBytes() <= 8_000_000,
                    "heap after GC grew: " + summary);
            assertTrue(result.after().openFiles() - result.baseline().openFiles() <= 10, "descriptors grew: " + summary);
            assertTrue(result.after().threads() - result.baseline().threads() <= 4, "threads grew: " + summary);
            assertEquals(result.baseline().transports(), result.after().transports(), summary);
            assertEquals(result.baseline().participants(), result.after().participants(), summary);
            assertTrue(result.failures() <= 0.02 * (result.joins() + result.failures()), "joins failed: " + summary);
            assertTrue(result.passed(), summary);
        }
    }

    private static StagecastServer startLoopbackNode() throws InterruptedException {
        Map<String, String> env = Map.of(
                "STAGECAST_HTTP_HOST", "127.0.0.1",
                "STAGECAST_HTTP_PORT", "0",
                "STAGECAST_MEDIA_PORT", "0",
                "STAGECAST_MEDIA_BIND_ADDRESS", "127.0.0.1",
                "STAGECAST_MEDIA_ANNOUNCED_ADDRESSES", "127.0.0.1",
                "STAGECAST_MEDIA_ALLOWED_REMOTE_NETWORKS", "127.0.0.0/8",
                "STAGECAST_ROOMS_RECONNECT_GRACE_SECONDS", "2",
                "STAGECAST_TOKEN_SECRET", SECRET);
        return StagecastServer.start(StagecastConfig.load(null, env, new Properties()));
    }
}
