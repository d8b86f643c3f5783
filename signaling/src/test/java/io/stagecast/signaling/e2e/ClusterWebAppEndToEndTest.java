package io.stagecast.signaling.e2e;

import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.cluster.ClusterNode;
import io.stagecast.signaling.e2e.ClientScripts.Playback;
import io.stagecast.signaling.room.Room;
import io.stagecast.signaling.testutil.LoopbackServer;
import io.stagecast.signaling.testutil.RedisProcess;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The web app's cluster redirect (docs/protocol.md {@code wrong_node}, docs/operations.md "Cluster
 * (Redis)") in real Chromium: a redis-server of the test's own and two in-process nodes in cluster
 * mode on loopback ({@code node-a}, {@code node-b}, each advertising its own
 * {@code http://127.0.0.1:<port>}). A presenter's web app, opened on node A's page, places the room
 * on A (same load, node-a wins the tie by id) and publishes its fake camera (1280x720, simulcast
 * q/h/f as the app sends it). A view-only viewer opens the room's page on node B with a token node
 * B made.
 *
 * <p>What the viewer sees: it is sent on to node A, joins there, is listed, and decodes the
 * presenter's full layer without freezes; node B holds nothing for the room. Then node A dies (its
 * sockets close at once; its key in Redis outlives it for its 3 s TTL, as after a SIGKILL): the
 * page's reconnect tries A, falls back to its own node B, and B, once A has dropped out of the
 * list, takes the room over from the state A kept in Redis (docs/operations.md, "The room's state in
 * Redis"): both pages rejoin there, the viewer as a viewer in the live session, the presenter on
 * stage, which publishes again, and the viewer watches it again: the test reports the media gap
 * from A's death to the viewer's first frame from B, and checks the video after it. The
 * presenter's page came from A, the node that died: it reconnects through the other nodes its
 * join listed ({@code nodes}).
 *
 * <p>Why a death and not a stop: a stopped node deletes its key, B forgets A at its next heartbeat,
 * and the page was back on B at its second attempt (~1.7 s) even before the fix this test came
 * with. A killed node is still listed for up to 3 s, B sends the page on to A again, and the page
 * showed "You could not enter the room" (Cannot reach the server) 1.8 s after A died, for good:
 * its reconnect gave up on the {@code unreachable} of that move. It now asks its own node again.
 * Everything stays on loopback: the nodes advertise 127.0.0.1 only and answer ICE from
 * 127.0.0.0/8 only; Redis listens on 127.0.0.1.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterWebAppEndToEndTest {
    private static final String ROOM = "cluster-web";
    private static final String VIEWER = "Vera Viewer";
    private static final String PRESENTER = "Presenter";
    /** From a node's death to the viewer's first frame from the node that took the room over. */
    private static final Duration MEDIA_BACK_LIMIT = Duration.ofSeconds(30);
    private static final int RESUMED_WATCH_SECONDS = 5;
    /** The full layer of the fake camera measured 700-790 kbit/s here; a thin stream must not pass. */
    private static final double MIN_KBPS_AFTER = 300;
    /** The fake camera's size, and the presenter's top simulcast layer (f). */
    private static final int FULL_WIDTH = 1280;
    private static final int FULL_HEIGHT = 720;
    /** Page opened on B to first frame decoded, the redirect included (1.0-2.0 s measured here). */
    private static final long FIRST_FRAME_LIMIT_MS = 6_000;
    /** First frame to the full layer for good, as the presenter's and the viewer's estimates ramp (0-5 s measured). */
    private static final long FULL_SIZE_LIMIT_MS = 15_000;
    /** How long the full layer must have lasted before the watch starts. */
    private static final long FULL_SIZE_HELD_MS = 2_000;
    private static final int WATCH_SECONDS = 10;
    /** The fake camera sends about 20 fps. */
    private static final double MIN_FPS = 15;
    /** With a third browser (the WHEP player) on the machine's two cores: 16.2 fps measured. */
    private static final double MIN_FPS_THREE_BROWSERS = 12;
    /**
     * The longest wait between two frames the viewer's video element shows: 50 ms at 20 fps, 83-117
     * ms measured here alone; 500 ms once while another engineer's test suite loaded both cores.
     */
    private static final double MAX_FRAME_GAP_MS = 700;
    /**
     * getStats' freezes over the watch, in all (Chromium's definition: a frame late by max(3x the
     * mean interval, mean + 150 ms)): none measured alone, 0.78 s once under that load.
     */
    private static final double MAX_FREEZE_SECONDS = 1.0;
    /** Node A's death to the page in the room on node B: 3.9-8.4 s measured (its third or fourth reconnect attempt). */
    private static final Duration FALLBACK_LIMIT = Duration.ofSeconds(25);

    private static RedisProcess redis;
    private static StagecastServer a;
    private static StagecastServer b;
    private static Chromium presenterBrowser;
    private static Chromium viewerBrowser;
    private static RoomPage viewer;
    private static long firstFrameMs = -1;
    private static long firstFrameNanos;
    private static long enteredMs = -1;

    @BeforeAll
    static void start() throws Exception {
        boolean ci = System.getenv("CI") != null;
        assumeTrue(ci || (Chromium.available() && RedisProcess.available()), "needs Chromium and redis-server");
        redis = RedisProcess.start();
        a = node("node-a");
        b = node("node-b");
        // At a heartbeat each (lastUrls): the presenter's join lists both nodes for its reconnects.
        await(Duration.ofSeconds(5), "both nodes list both", () -> cluster(a).registry().lastUrls().size() == 2
                && cluster(b).registry().lastUrls().size() == 2);
        assertTrue(!a.baseUrl().equals(b.baseUrl()) && a.baseUrl().startsWith("http://127.0.0.1:")
                && b.baseUrl().startsWith("http://127.0.0.1:"), a.baseUrl() + " " + b.baseUrl());

        // The presenter's first join places the room (same load, node-a wins the tie by id) and it publishes there.
        presenterBrowser = new Chromium();
        presenterBrowser.open(TestServer.roomUrl(a, ROOM, TestServer.token(a, ROOM, PRESENTER, Role.MODERATOR, false),
                "autopublish=1&autostart=1"));
        await(Duration.ofSeconds(20), "the presenter's camera and microphone on stage on node A",
                () -> a.rooms().get(ROOM) != null && a.rooms().get(ROOM).stageTracks().size() == 2);
        assertEquals(Optional.of("node-a"), cluster(b).placement().originOf(ROOM), "the room's origin in Redis");

        viewerBrowser = new Chromium();
        viewerBrowser.beforeEveryPage(StageProbe.beforeApp(StageProbe.Setup.plain()));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {viewerBrowser, presenterBrowser, b, a, redis}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.err.println("closing " + c + ": " + e);
            }
        }
    }

    private static StagecastServer node(String id) throws InterruptedException {
        // The redirect is what this test is about: web clients are sent to the origin (cluster.edge-web
        // off); with it on they stay where they connected (EdgeWebBrowserEndToEndTest).
        return LoopbackServer.start(Map.of("STAGECAST_CLUSTER_REDIS_URL", redis.url(), "STAGECAST_CLUSTER_NODE_ID", id,
                "STAGECAST_CLUSTER_EDGE_WEB", "false"));
    }

    private static ClusterNode cluster(StagecastServer server) {
        return server.cluster().orElseThrow();
    }

    private static String ws(StagecastServer server) {
        return server.baseUrl().replace("http://", "ws://") + "/ws";
    }

    /**
     * Once per class: the viewer opens the room's page on node B and enters; the time to the
     * room screen and to its first decoded frame are kept for the first test.
     */
    private static void viewerEntersOnNodeB() throws InterruptedException {
        if (viewer != null) {
            return;
        }
        long opened = System.nanoTime();
        viewer = new RoomPage(viewerBrowser, "viewer", TestServer.roomUrl(b, ROOM,
                TestServer.token(b, ROOM, VIEWER, Role.ATTENDEE, true), "autojoin=1"));
        viewer.visible("#screen-room");
        enteredMs = (System.nanoTime() - opened) / 1_000_000;
        viewer.await("a decoded video frame", d -> number(viewerBrowser.asyncResult(
                ClientScripts.inboundVideoScript("window.stagecast.sub")), "framesDecoded") > 0 ? true : null);
        firstFrameNanos = System.nanoTime();
        firstFrameMs = (firstFrameNanos - opened) / 1_000_000;
    }

    @Test
    @Order(1)
    void aViewerOpeningTheRoomOnNodeBIsSentToNodeAAndWatchesThePresenterThere() throws Exception {
        viewerEntersOnNodeB();
        String viewerId = viewerId();

        // The page's own node refused the join with wrong_node; the page moved its WebSocket to A and joined there.
        assertEquals(List.of(ws(b) + " closed", ws(a) + " open"), sockets(), "the page's WebSockets, in order");
        assertEquals(2L, viewer.js("return window.__sc.sent.filter(m => m.type === 'join').length"),
                "one join on B, the same join again on A");
        Room room = a.rooms().get(ROOM);
        assertNotNull(room.connectionOf(viewerId), "node A holds the viewer's connection");
        assertEquals(2, room.size(), "presenter and viewer on node A");
        assertNull(b.rooms().get(ROOM), "node B made no room");
        assertEquals(0, b.rooms().participantCount(), "node B holds no participant");
        assertEquals(0, b.media().transportCount(), "node B holds no transport");

        // Listed as the person sees it.
        viewer.openPanel("participants");
        viewer.withText(".row[data-group=viewers]", VIEWER);
        viewer.withText(".row[data-group=stage]", PRESENTER);
        viewer.withText("#participants-button", "People 2");

        // The full layer: the smallest of q (320x180), h (640x360), f (1280x720) that covers the tile.
        Map<String, Object> tile = tileSize();
        assertTrue(number(tile, "width") > 640 && number(tile, "height") > 360,
                "the viewer's tile is larger than the h layer, so f is what it should get: " + tile);
        long fullSizeMs = (awaitFullSizeHeld() - firstFrameNanos) / 1_000_000;

        viewer.js(FRAME_GAPS_START, PRESENTER);
        Map<String, Object> sentBefore = presenterBrowser.asyncResult(PRESENTER_SENT);
        Playback playback = ClientScripts.watch(viewerBrowser::asyncResult, "window.stagecast.sub", WATCH_SECONDS);
        Map<String, Object> shown = asMap(viewer.js("return window.__gaps.stop()"));
        Map<String, Object> sentAfter = presenterBrowser.asyncResult(PRESENTER_SENT);
        String sent = String.format("the presenter encoded %.0f frames of f meanwhile (cpu-limited %.1f s more, bandwidth-limited %.1f s more; now %s)",
                number(sentAfter, "frames") - number(sentBefore, "frames"), number(sentAfter, "cpu") - number(sentBefore, "cpu"),
                number(sentAfter, "bandwidth") - number(sentBefore, "bandwidth"), sentAfter.get("limit"));
        String detail = playback.detail() + "video element: " + shown + "\n" + sent;
        System.out.printf("cluster web: entered via B in %d ms; first frame %d ms after opening B's page; %dx%d for good"
                        + " %d ms later; tile %s; watched: %s; shown frames %s%n", enteredMs, firstFrameMs, FULL_WIDTH, FULL_HEIGHT,
                fullSizeMs, tile, playback.summary(), shown + "; " + sent);

        assertTrue(firstFrameMs <= FIRST_FRAME_LIMIT_MS, "first frame " + firstFrameMs + " ms after opening (<= "
                + FIRST_FRAME_LIMIT_MS + " ms wanted)");
        assertTrue(fullSizeMs <= FULL_SIZE_LIMIT_MS, "full size " + fullSizeMs + " ms after the first frame");
        assertEquals(FULL_WIDTH, playback.minWidth(), "every sample at full width\n" + detail);
        assertEquals(FULL_HEIGHT, playback.minHeight(), "every sample at full height\n" + detail);
        assertTrue(playback.fps() >= MIN_FPS, String.format("%.1f fps (>= %.0f wanted)%n%s", playback.fps(), MIN_FPS, detail));
        assertEquals(0, playback.stalls(), "a second without a decoded frame\n" + detail);
        assertEquals(0, playback.audioStalls(), "a second without audio packets\n" + detail);
        assertTrue(playback.freezeSeconds() <= MAX_FREEZE_SECONDS, "freezes in getStats\n" + detail);
        assertTrue(number(shown, "frames") >= MIN_FPS * WATCH_SECONDS, "frames the video element showed: " + shown);
        assertTrue(number(shown, "maxGapMs") <= MAX_FRAME_GAP_MS, "longest wait for the next shown frame: " + shown);
        viewerBrowser.screenshot("cluster-viewer-on-node-a");
    }

    /**
     * Issue 14, item 3: a Chromium WHEP player that POSTs to node B (not the room's origin) is
     * answered by B ({@code cluster.edge-whep}), which relays the stage from A once and gives the
     * player its own allocation: the presenter's full layer at full rate, from B's sockets.
     */
    @Test
    @Order(2)
    void aChromiumWhepPlayerOnNodeBWatchesThePresenterRelayedFromNodeA() throws Exception {
        try (Chromium player = new Chromium()) {
            player.open(b.baseUrl() + "/room/" + ROOM);
            String token = TestServer.token(b, ROOM, "WHEP player", Role.ATTENDEE, false);
            long posted = System.nanoTime();
            Map<String, Object> watched = player.asyncResult(ClientScripts.WHEP_VIEW, b.baseUrl() + "/whep/" + ROOM, token);
            assertEquals(null, watched.get("error"), "WHEP at node B failed");
            String resource = String.valueOf(watched.get("location"));
            assertTrue(resource.startsWith("/whep/" + ROOM + "/"), "answered by B itself: " + resource);
            ClientScripts.awaitVideo(player::asyncResult, "window.whep.pc", 15_000, "WHEP player on node B");
            long firstFrameMs = (System.nanoTime() - posted) / 1_000_000;
            assertNull(b.rooms().get(ROOM), "B holds no copy of the room");
            assertEquals(1, b.rooms().edges().viewers(ROOM));
            assertEquals(2, b.rooms().edges().tracks(ROOM), "the presenter's camera and microphone relayed");
            assertEquals(1, a.rooms().originRelays().count(ROOM), "one relay from A to B");

            // The player reports no tile: its allocation on B goes by its estimate, up to the full layer.
            long[] fullSince = {-1};
            long waited = System.nanoTime();
            java.util.concurrent.atomic.AtomicReference<Object> lastSample = new java.util.concurrent.atomic.AtomicReference<>();
            try {
            await(Duration.ofMillis(FULL_SIZE_LIMIT_MS), "the full layer at the WHEP player for 2 s", () -> {
                Map<String, Object> v = player.asyncResult(ClientScripts.inboundVideoScript("window.whep.pc"));
                lastSample.set(v);
                boolean full = number(v, "width") == FULL_WIDTH;
                long now = System.nanoTime();
                fullSince[0] = !full ? -1 : fullSince[0] < 0 ? now : fullSince[0];
                return full && now - fullSince[0] >= FULL_SIZE_HELD_MS * 1_000_000L;
            });
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nthe player's last sample: " + lastSample.get()
                        + "\nnode B's forwarding to it: " + b.rooms().edges().reports(ROOM), e);
            }
            long fullMs = (fullSince[0] - waited) / 1_000_000;
            Playback playback = ClientScripts.watch(player::asyncResult, "window.whep.pc", RESUMED_WATCH_SECONDS);
            System.out.printf("cluster web: WHEP player on node B, relayed from A: first frame %d ms after the POST,"
                    + " %dx%d for good %d ms later; watched: %s%n", firstFrameMs, FULL_WIDTH, FULL_HEIGHT, fullMs,
                    playback.summary());
            // Three browsers on two cores: the presenter's encoder may scale its top layer down for
            // CPU (1280x720 -> 960x540 measured); the player must keep that top layer, never h (640).
            assertTrue(playback.minWidth() > 640, "every sample above the h layer\n" + playback.detail());
            assertTrue(playback.fps() >= MIN_FPS_THREE_BROWSERS, String.format("%.1f fps%n%s", playback.fps(), playback.detail()));
            assertTrue(playback.kbps() >= MIN_KBPS_AFTER, String.format("%.0f kbit/s%n%s", playback.kbps(), playback.detail()));
            assertEquals(0, playback.stalls(), "a second without a decoded frame\n" + playback.detail());
            player.screenshot("cluster-whep-player-on-node-b");

            Map<String, Object> deleted = player.asyncResult("const [url, token, done] = arguments;"
                    + "fetch(url, {method: 'DELETE', headers: {'Authorization': 'Bearer ' + token}})"
                    + "  .then(r => { window.whep.pc.close(); done({status: r.status}); }, e => done({error: String(e)}));",
                    b.baseUrl() + resource, token);
            assertEquals(200L, ((Number) deleted.get("status")).longValue(), String.valueOf(deleted));
            await(Duration.ofSeconds(3), "the relay ended at both nodes with its last viewer",
                    () -> !b.rooms().edges().serves(ROOM) && a.rooms().originRelays().count(ROOM) == 0);
        }
    }

    @Test
    @Order(3)
    void whenNodeADiesThePageFallsBackToItsOwnNodeBWhichTakesTheRoomOver() throws Exception {
        viewerEntersOnNodeB();
        String viewerOnA = viewerId();
        assertEquals(ws(a) + " open", last(sockets()), "the viewer is on node A before it dies");

        // A dies: its sockets close at once; its last heartbeat stays in Redis for its TTL, as
        // after a SIGKILL (closing A in-process deletes its key: it is written back).
        String lastHeartbeat = redisCli("GET", "stagecast:node:node-a").trim();
        assertTrue(lastHeartbeat.contains(a.baseUrl()), lastHeartbeat);
        long died = System.nanoTime();
        a.close();
        assertEquals("OK", redisCli("SET", "stagecast:node:node-a", lastHeartbeat, "PX", "3000").trim());

        await(FALLBACK_LIMIT, "the page to be back in the room on node B", () -> {
            String title = String.valueOf(viewer.js("return document.querySelector('#message-title').textContent"));
            if (title.contains("could not")) {
                fail("the page gave up: '" + title + "' " + viewer.js("return document.querySelector('#message-text').textContent")
                        + "; its WebSockets: " + sockets());
            }
            Room there = b.rooms().get(ROOM);
            return last(sockets()).equals(ws(b) + " open") && there != null && there.connectionOf(viewerId()) != null;
        });
        long backMs = (System.nanoTime() - died) / 1_000_000;
        List<String> sockets = sockets();
        System.out.println("cluster web: node A died; the page is in the room on node B " + backMs + " ms later"
                + " (participant id " + (viewerId().equals(viewerOnA) ? "kept" : "new") + "); its WebSockets: " + sockets);

        // The first reconnect goes to the room's node, A (refused: it is gone); then the page asks its own node, B.
        assertEquals(List.of(ws(b) + " closed", ws(a) + " closed", ws(a) + " closed"), sockets.subList(0, 3),
                "the entry via B, the socket to A that died, the first reconnect to A");
        Room room = b.rooms().get(ROOM);
        assertNotNull(room, "node B took the room over");
        assertEquals(Optional.of("node-b"), cluster(b).placement().originOf(ROOM), "the room's origin in Redis");
        assertNotNull(room.connectionOf(viewerId()), "node B holds the viewer");

        // The room moved with its state: the session is still live, the viewer is a viewer again
        // (not in a new room's lobby), and the presenter is back on stage: its page came from A, the
        // node that died, and reconnected through B, which its join had listed.
        viewer.gone("#connection");
        assertEquals("viewer", String.valueOf(viewer.js("return window.stagecast.state.you.place")).toLowerCase());
        await(MEDIA_BACK_LIMIT, "the presenter back on stage on node B, publishing",
                () -> room.size() == 2 && room.stageTracks().size() == 2);
        assertEquals("STAGE", room.read(stage -> stage.participants().stream()
                .filter(p -> p.name().equals(PRESENTER)).findFirst().orElseThrow().place().name()));
        viewer.await("a decoded video frame from node B", d -> number(viewerBrowser.asyncResult(
                ClientScripts.inboundVideoScript("window.stagecast.sub")), "framesDecoded") > 0 ? true : null);
        long backNanos = System.nanoTime();
        long mediaBackMs = (backNanos - died) / 1_000_000;
        // The estimates ramp again from scratch on the new node: then the full layer, as before.
        long fullAgainMs = (awaitFullSizeHeld() - backNanos) / 1_000_000;
        Playback after = ClientScripts.watch(viewerBrowser::asyncResult, "window.stagecast.sub", RESUMED_WATCH_SECONDS);
        System.out.printf("cluster web: the viewer decodes the presenter again %d ms after node A died, %dx%d for good"
                + " %d ms after that; then %s%n", mediaBackMs, FULL_WIDTH, FULL_HEIGHT, fullAgainMs, after.summary());
        assertTrue(mediaBackMs <= MEDIA_BACK_LIMIT.toMillis(), "media back after " + mediaBackMs + " ms");
        assertTrue(fullAgainMs <= FULL_SIZE_LIMIT_MS, "full size " + fullAgainMs + " ms after the first frame from B");
        assertEquals(FULL_WIDTH, after.minWidth(), "every sample at full width after the take-over\n" + after.detail());
        assertTrue(after.fps() >= MIN_FPS, String.format("%.1f fps after the take-over%n%s", after.fps(), after.detail()));
        assertTrue(after.kbps() >= MIN_KBPS_AFTER, String.format("%.0f kbit/s after the take-over%n%s", after.kbps(),
                after.detail()));
        assertEquals(0, after.stalls(), "a second without a decoded frame after the take-over\n" + after.detail());
        viewerBrowser.screenshot("cluster-viewer-back-on-node-b");
    }

    /**
     * The presenter's estimate ramps (its top layer is encoded once it holds it), the viewer's too:
     * waits until the full layer has been decoded for FULL_SIZE_HELD_MS without a break, and
     * returns when that run began (System.nanoTime).
     */
    private static long awaitFullSizeHeld() {
        long[] fullSince = {-1};
        viewer.await("the presenter's video at " + FULL_WIDTH + "x" + FULL_HEIGHT + " for " + FULL_SIZE_HELD_MS + " ms", d -> {
            Map<String, Object> s = viewerBrowser.asyncResult(ClientScripts.inboundVideoScript("window.stagecast.sub"));
            boolean full = number(s, "width") == FULL_WIDTH && number(s, "height") == FULL_HEIGHT;
            long now = System.nanoTime();
            fullSince[0] = !full ? -1 : fullSince[0] < 0 ? now : fullSince[0];
            return full && now - fullSince[0] >= FULL_SIZE_HELD_MS * 1_000_000L ? true : null;
        });
        return fullSince[0];
    }

    /** The page's WebSockets in the order it opened them, each as "url open|closed|connecting|closing". */
    @SuppressWarnings("unchecked")
    private static List<String> sockets() {
        return new ArrayList<>((List<String>) viewer.js("return window.__sc.sockets.map(s => s.url + ' '"
                + " + ['connecting', 'open', 'closing', 'closed'][s.readyState])"));
    }

    private static String last(List<String> list) {
        return list.isEmpty() ? "" : list.get(list.size() - 1);
    }

    private static String viewerId() {
        Object id = viewer.js("const s = window.stagecast.state; return s.you ? s.you.id : null;");
        return id == null ? null : id.toString();
    }

    /** The presenter's tile in device pixels. */
    private Map<String, Object> tileSize() {
        return asMap(viewer.js("const t = [...document.querySelectorAll('.tile')].find(t => t.querySelector('.name')"
                + ".textContent.startsWith(arguments[0])); const v = t && t.querySelector('video');"
                + "if (!v) return {}; const r = v.getBoundingClientRect();"
                + "return {width: Math.round(r.width * devicePixelRatio), height: Math.round(r.height * devicePixelRatio)};", PRESENTER));
    }

    /**
     * Counts the frames the presenter's tile shows (requestVideoFrameCallback) and the longest wait
     * between two, until {@code __gaps.stop()}; what a person watching sees, not what was decoded.
     */
    private static final String FRAME_GAPS_START = "const t = [...document.querySelectorAll('.tile')].find(t =>"
            + " t.querySelector('.name').textContent.startsWith(arguments[0])); const v = t.querySelector('video');"
            + "const g = window.__gaps = {frames: 0, maxGapMs: 0, last: 0, running: true};"
            + "const tick = (now) => { if (!g.running) return; if (g.last) g.maxGapMs = Math.max(g.maxGapMs, now - g.last);"
            + "  g.last = now; g.frames++; v.requestVideoFrameCallback(tick); };"
            + "v.requestVideoFrameCallback(tick);"
            + "g.stop = () => { g.running = false; if (g.last) g.maxGapMs = Math.max(g.maxGapMs, performance.now() - g.last);"
            + "  return {frames: g.frames, maxGapMs: Math.round(g.maxGapMs), width: v.videoWidth, height: v.videoHeight}; };";

    /** The presenter's full layer (rid f) as it sends it: frames encoded, and why its quality is limited. */
    private static final String PRESENTER_SENT = "const done = arguments[arguments.length - 1];"
            + "const pc = window.stagecast && window.stagecast.pub; if (!pc) { done({}); return; }"
            + "pc.getStats().then(r => { let out = {}; r.forEach(s => { if (s.type === 'outbound-rtp' && s.kind === 'video' && s.rid === 'f')"
            + "  out = {frames: s.framesEncoded || 0, limit: s.qualityLimitationReason || '',"
            + "    cpu: (s.qualityLimitationDurations || {}).cpu || 0, bandwidth: (s.qualityLimitationDurations || {}).bandwidth || 0}; });"
            + "  done(out); }, e => done({error: String(e)}));";

    private static String redisCli(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/redis-cli", "-h", "127.0.0.1", "-p",
                String.valueOf(redis.port())));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "redis-cli " + args[0] + ": " + out);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return o instanceof Map ? (Map<String, Object>) o : Map.of();
    }

    static double number(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v instanceof Number n ? n.doubleValue() : 0;
    }

    /** Polls every 100 ms; fails after {@code limit} (a condition may also fail at once). */
    static void await(Duration limit, String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // polled again
            }
            Thread.sleep(100);
        }
        fail("timed out after " + limit + " waiting for: " + what + (viewer == null ? ""
                : "\nviewer's WebSockets: " + sockets() + "\nconsole:\n" + viewerBrowser.consoleLog()));
    }
}
