package io.stagecast.signaling.e2e;

import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.e2e.ClientScripts.Playback;
import io.stagecast.signaling.testutil.LoopbackServer;
import io.stagecast.signaling.testutil.RedisProcess;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.stagecast.signaling.e2e.ClusterWebAppEndToEndTest.await;
import static io.stagecast.signaling.e2e.ClusterWebAppEndToEndTest.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 14, item 3 with real clients: Chromium publishes its fake camera (1280x720, simulcast
 * q/h/f by rid, as a browser WHIP client offers it) over WHIP to node B, which is not the room's
 * origin ({@code cluster.edge-whip}): B answers it, the origin A puts it on stage and takes its
 * tracks over B's uplink, and a Chromium WHEP player on A decodes it. Judged from the player's
 * getStats: time to first frame, a layer above q held, frames per second, bitrate, no second
 * without a frame. Two in-process nodes on a redis-server of the test's own, on loopback.
 */
class EdgeWhipBrowserEndToEndTest {
    private static final String ROOM = "edge-whip-web";
    private static final long FIRST_FRAME_LIMIT_MS = 15_000;
    /** Two browsers and two nodes on two cores: the top layer may be scaled down for CPU; never q (320). */
    private static final int MIN_WIDTH = 320;
    private static final double MIN_FPS = 12;
    private static final double MIN_KBPS = 250;
    private static final int WATCH_SECONDS = 5;

    private static RedisProcess redis;
    private static StagecastServer a;
    private static StagecastServer b;

    @BeforeAll
    static void start() throws Exception {
        boolean ci = System.getenv("CI") != null;
        assumeTrue(ci || (Chromium.available() && RedisProcess.available()), "needs Chromium and redis-server");
        redis = RedisProcess.start();
        a = LoopbackServer.start(Map.of("STAGECAST_CLUSTER_REDIS_URL", redis.url(), "STAGECAST_CLUSTER_NODE_ID", "node-a"));
        b = LoopbackServer.start(Map.of("STAGECAST_CLUSTER_REDIS_URL", redis.url(), "STAGECAST_CLUSTER_NODE_ID", "node-b"));
        await(Duration.ofSeconds(5), "both nodes list both", () -> a.cluster().orElseThrow().registry().lastUrls().size() == 2
                && b.cluster().orElseThrow().registry().lastUrls().size() == 2);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {b, a, redis}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.err.println("closing " + c + ": " + e);
            }
        }
    }

    @Test
    void chromiumPublishingOverWhipToAnEdgeIsDecodedByAChromiumWhepPlayerAtTheOrigin() throws Exception {
        try (Chromium player = new Chromium(); Chromium publisher = new Chromium()) {
            // The player's POST places the room on A (same load, node-a by id); it waits in the lobby.
            player.open(a.baseUrl() + "/room/" + ROOM);
            Map<String, Object> watched = player.asyncResult(ClientScripts.WHEP_VIEW, a.baseUrl() + "/whep/" + ROOM,
                    TestServer.token(a, ROOM, "WHEP player", Role.ATTENDEE, false));
            assertEquals(null, watched.get("error"), "WHEP at node A failed");

            // A moderator's encoder at B: going live starts the session, so the player is let in.
            publisher.open(b.baseUrl() + "/room/" + ROOM);
            String token = TestServer.token(b, ROOM, "Chromium encoder", Role.MODERATOR, false);
            long posted = System.nanoTime();
            Map<String, Object> published = publisher.asyncResult(ClientScripts.WHIP_PUBLISH, b.baseUrl() + "/whip/" + ROOM,
                    token, true);
            assertEquals(null, published.get("error"), "WHIP at node B failed");
            long answeredMs = (System.nanoTime() - posted) / 1_000_000;
            String resource = String.valueOf(published.get("location"));
            assertTrue(resource.startsWith("/whip/" + ROOM + "/"), "answered by B itself: " + resource);
            assertNull(b.rooms().get(ROOM), "B holds no copy of the room");
            assertEquals(1, b.rooms().edges().publisherCount());

            ClientScripts.awaitVideo(player::asyncResult, "window.whep.pc", FIRST_FRAME_LIMIT_MS, "WHEP player on node A");
            long firstFrameMs = (System.nanoTime() - posted) / 1_000_000;
            assertEquals(2, a.rooms().get(ROOM).stageTracks().size(), "its camera and microphone on stage at A");
            await(Duration.ofSeconds(15), "a layer above q at the player", () -> number(player.asyncResult(
                    ClientScripts.inboundVideoScript("window.whep.pc")), "width") > MIN_WIDTH);
            Playback playback = ClientScripts.watch(player::asyncResult, "window.whep.pc", WATCH_SECONDS);
            System.out.printf("edge WHIP (Chromium): answered at B %d ms after the POST, first frame at the player on A"
                    + " %d ms after it; watched: %s%n", answeredMs, firstFrameMs, playback.summary());
            assertTrue(playback.minWidth() > MIN_WIDTH, "every sample above the q layer\n" + playback.detail());
            assertTrue(playback.fps() >= MIN_FPS, String.format("%.1f fps%n%s", playback.fps(), playback.detail()));
            assertTrue(playback.kbps() >= MIN_KBPS, String.format("%.0f kbit/s%n%s", playback.kbps(), playback.detail()));
            assertEquals(0, playback.stalls(), "a second without a decoded frame\n" + playback.detail());

            Map<String, Object> deleted = publisher.asyncResult("const [url, token, done] = arguments;"
                    + "fetch(url, {method: 'DELETE', headers: {'Authorization': 'Bearer ' + token}})"
                    + "  .then(r => { window.whip.pc.close(); done({status: r.status}); }, e => done({error: String(e)}));",
                    b.baseUrl() + resource, token);
            assertEquals(200L, ((Number) deleted.get("status")).longValue(), String.valueOf(deleted));
            await(Duration.ofSeconds(3), "off the stage at A once its DELETE at B is done",
                    () -> a.rooms().get(ROOM).stageTracks().isEmpty() && b.rooms().edges().publisherCount() == 0);
        }
    }
}
