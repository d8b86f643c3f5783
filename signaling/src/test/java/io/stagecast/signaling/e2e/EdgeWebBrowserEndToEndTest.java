package io.stagecast.signaling.e2e;

import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.e2e.ClientScripts.Playback;
import io.stagecast.signaling.room.Participant;
import io.stagecast.signaling.room.Room;
import io.stagecast.signaling.testutil.LoopbackServer;
import io.stagecast.signaling.testutil.RedisProcess;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.stagecast.signaling.e2e.ClusterWebAppEndToEndTest.await;
import static io.stagecast.signaling.e2e.ClusterWebAppEndToEndTest.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 14, web clients at an edge ({@code cluster.edge-web}, on by default) in real Chromium: a
 * redis-server of the test's own and two in-process nodes on loopback. A presenter's web app,
 * opened on node A's page, places the room on A (same load, node-a by id) and publishes its fake
 * camera (1280x720, simulcast q/h/f). A view-only viewer opens the room's page on node B.
 *
 * <p>What the viewer sees: it stays on B (one WebSocket, B's; one join), is in A's room (B holds
 * no copy of it), and its receiving connection's media come from B's own sockets, the stage
 * relayed from A to B. Judged from the viewer's getStats over a watch: time to first frame, the
 * presenter's full layer reached and held, frames per second, bitrate, no freezes. Then through
 * the passage to A, what a person sees: the viewer's raised hand and chat message on the
 * presenter's page, the presenter's answer on the viewer's.
 */
class EdgeWebBrowserEndToEndTest {
    private static final String ROOM = "edge-web-app";
    private static final String VIEWER = "Edgar Viewer";
    private static final String PRESENTER = "Presenter";
    /** The fake camera's size, and the presenter's top simulcast layer (f). */
    private static final int FULL_WIDTH = 1280;
    private static final int FULL_HEIGHT = 720;
    /** Page opened on B to first frame decoded (as ClusterWebAppEndToEndTest, where the redirect is included). */
    private static final long FIRST_FRAME_LIMIT_MS = 6_000;
    /** First frame to the full layer for good, as the presenter's and the viewer's estimates ramp (as ClusterWebAppEndToEndTest). */
    private static final long FULL_SIZE_LIMIT_MS = 15_000;
    /** How long the full layer must have lasted before the watch starts. */
    private static final long FULL_SIZE_HELD_MS = 2_000;
    private static final int WATCH_SECONDS = 8;
    /** The fake camera sends about 20 fps. */
    private static final double MIN_FPS = 15;
    /** The full layer of the fake camera measured 700-790 kbit/s (ClusterWebAppEndToEndTest); a thin stream must not pass. */
    private static final double MIN_KBPS = 300;
    /** getStats' freezes over the watch, in all (as ClusterWebAppEndToEndTest). */
    private static final double MAX_FREEZE_SECONDS = 1.0;
    /** A click on one page to what it changes on the other, through the edge's passage to the origin. */
    private static final long PASSAGE_LIMIT_MS = 5_000;

    private static RedisProcess redis;
    private static StagecastServer a;
    private static StagecastServer b;
    private static Chromium presenterBrowser;
    private static Chromium viewerBrowser;
    /** The viewer's candidate pairs that received anything, at the last {@link #subscriberRemote()}. */
    private static List<String> lastPaths = List.of();

    @BeforeAll
    static void start() throws Exception {
        boolean ci = System.getenv("CI") != null;
        assumeTrue(ci || (Chromium.available() && RedisProcess.available()), "needs Chromium and redis-server");
        redis = RedisProcess.start();
        a = LoopbackServer.start(Map.of("STAGECAST_CLUSTER_REDIS_URL", redis.url(), "STAGECAST_CLUSTER_NODE_ID", "node-a"));
        b = LoopbackServer.start(Map.of("STAGECAST_CLUSTER_REDIS_URL", redis.url(), "STAGECAST_CLUSTER_NODE_ID", "node-b"));
        await(Duration.ofSeconds(5), "both nodes list both", () -> a.cluster().orElseThrow().registry().lastUrls().size() == 2
                && b.cluster().orElseThrow().registry().lastUrls().size() == 2);
        presenterBrowser = new Chromium();
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

    @Test
    @Timeout(150)
    void aViewerOpeningTheRoomOnAnEdgeStaysThereWatchesThePresenterFromItAndTalksToTheOrigin() throws Exception {
        // The presenter's first join places the room on A, and it publishes there.
        RoomPage presenter = new RoomPage(presenterBrowser, "presenter", TestServer.roomUrl(a, ROOM,
                TestServer.token(a, ROOM, PRESENTER, Role.MODERATOR, false), "autopublish=1&autostart=1"));
        await(Duration.ofSeconds(20), "the presenter's camera and microphone on stage on node A",
                () -> a.rooms().get(ROOM) != null && a.rooms().get(ROOM).stageTracks().size() == 2);
        assertEquals(Optional.of("node-a"), b.cluster().orElseThrow().placement().originOf(ROOM), "the room's origin in Redis");

        long opened = System.nanoTime();
        RoomPage viewer = new RoomPage(viewerBrowser, "viewer", TestServer.roomUrl(b, ROOM,
                TestServer.token(b, ROOM, VIEWER, Role.ATTENDEE, true), "autojoin=1"));
        viewer.visible("#screen-room");
        long enteredMs = (System.nanoTime() - opened) / 1_000_000;
        viewer.await("a decoded video frame", d -> number(viewerBrowser.asyncResult(
                ClientScripts.inboundVideoScript("window.stagecast.sub")), "framesDecoded") > 0 ? true : null);
        long firstFrameNanos = System.nanoTime();
        long firstFrameMs = (firstFrameNanos - opened) / 1_000_000;

        // 1. It stays on B: one WebSocket, B's, and one join; B holds no room, A's room holds the viewer.
        String viewerId = String.valueOf(viewer.js("return window.stagecast.state.you.id"));
        assertEquals(List.of(ws(b) + " open"), viewer.js("return window.__sc.sockets.map(s => s.url + ' '"
                + " + ['connecting', 'open', 'closing', 'closed'][s.readyState])"), "the page's WebSockets");
        assertEquals(1L, viewer.js("return window.__sc.sent.filter(m => m.type === 'join').length"), "one join, at B");
        assertNull(b.rooms().get(ROOM), "B holds no copy of the room");
        assertEquals(1, b.rooms().edges().webClients(ROOM), "one web client at the edge B");
        Room room = a.rooms().get(ROOM);
        assertEquals(Participant.Via.WEBSOCKET, room.connectionOf(viewerId), "A's room holds the viewer " + viewerId);
        assertEquals(2, room.size(), "presenter and viewer in A's room");
        assertEquals(1, room.sizeHere(), "of them, the viewer watches at an edge");
        assertEquals("VIEWER", room.state(viewerId).orElseThrow().place().name());
        assertEquals(1, a.rooms().originRelays().count(ROOM), "one relay from A to B");

        // 2. The viewer's receiving connection talks to B's media sockets (UDP, or B's ICE-TCP), not A's.
        String remote = subscriberRemote(); // just after the first frame
        assertFromB(remote);
        List<String> pathsAtFirstFrame = lastPaths;

        // 3. The presenter's full layer: the tile is larger than h (640x360), so f is what it should get.
        Map<String, Object> tile = presenterTile();
        assertTrue(number(tile, "shownWidth") > 640 && number(tile, "shownHeight") > 360,
                "the viewer's tile is larger than the h layer: " + tile);
        long[] fullSince = {-1};
        Object[] lastSample = {null};
        // Each size the viewer decodes, with when (after the first frame), and what the presenter sent then.
        List<String> sizes = new java.util.ArrayList<>();
        try {
            await(Duration.ofMillis(FULL_SIZE_LIMIT_MS + FULL_SIZE_HELD_MS), "the full layer at the viewer for 2 s", () -> {
                Map<String, Object> s = viewerBrowser.asyncResult(ClientScripts.inboundVideoScript("window.stagecast.sub"));
                lastSample[0] = s;
                String size = (long) number(s, "width") + "x" + (long) number(s, "height");
                if (sizes.isEmpty() || !sizes.get(sizes.size() - 1).startsWith(size + " ")) {
                    sizes.add(size + " at " + (System.nanoTime() - firstFrameNanos) / 1_000_000 + " ms (presenter: "
                            + presenterBrowser.asyncResult(ClientScripts.outboundScript("window.stagecast.pub")).get("layers") + ")");
                }
                boolean full = number(s, "width") == FULL_WIDTH && number(s, "height") == FULL_HEIGHT;
                long now = System.nanoTime();
                fullSince[0] = !full ? -1 : fullSince[0] < 0 ? now : fullSince[0];
                return full && now - fullSince[0] >= FULL_SIZE_HELD_MS * 1_000_000L;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nthe viewer's last sample: " + lastSample[0]
                    + "\nthe presenter sends: " + presenterBrowser.asyncResult(ClientScripts.outboundScript("window.stagecast.pub"))
                    + "\nnode B's forwarding: " + b.rooms().edges().reports(ROOM) + "\nsizes: " + sizes, e);
        }
        long fullSizeMs = (fullSince[0] - firstFrameNanos) / 1_000_000;
        Playback playback = ClientScripts.watch(viewerBrowser::asyncResult, "window.stagecast.sub", WATCH_SECONDS);
        String remoteAfter = subscriberRemote();
        String detail = playback.detail() + "the presenter sends: "
                + presenterBrowser.asyncResult(ClientScripts.outboundScript("window.stagecast.pub"));
        System.out.printf("edge web app: entered on B in %d ms; first frame %d ms after opening B's page;"
                + " selected pair's remote %s at the first frame, %s after the watch; pairs that received: %s then %s"
                + " (B's ports: UDP %s, TCP %s; A's: UDP %s, TCP %s)%n", enteredMs, firstFrameMs, remote, remoteAfter,
                pathsAtFirstFrame, lastPaths, b.media().ports(), b.media().tcpPorts(), a.media().ports(), a.media().tcpPorts());
        System.out.printf("edge web app: %dx%d for good %d ms after the first frame (tile %.0fx%.0f); sizes decoded: %s%n",
                FULL_WIDTH, FULL_HEIGHT, fullSizeMs, number(tile, "shownWidth"), number(tile, "shownHeight"), sizes);
        System.out.printf("edge web app: watched %.0f s: %.1f fps, %.0f kbit/s, at least %dx%d, %d freezes (%.2f s),"
                        + " %d stalled seconds; %s%n", playback.seconds(), playback.fps(), playback.kbps(), playback.minWidth(),
                playback.minHeight(), playback.last().freezes() - playback.first().freezes(), playback.freezeSeconds(),
                playback.stalls(), playback.summary());

        assertFromB(remoteAfter);
        assertFalse(lastPaths.isEmpty(), "a candidate pair that received the media");
        for (String path : lastPaths) {
            assertFromB(path.replaceAll(" [0-9]+ kB$", ""));
        }
        assertTrue(firstFrameMs <= FIRST_FRAME_LIMIT_MS, "first frame " + firstFrameMs + " ms after opening (<= "
                + FIRST_FRAME_LIMIT_MS + " ms wanted)");
        assertTrue(fullSizeMs <= FULL_SIZE_LIMIT_MS, "full size " + fullSizeMs + " ms after the first frame");
        assertEquals(FULL_WIDTH, playback.minWidth(), "every sample at full width\n" + detail);
        assertEquals(FULL_HEIGHT, playback.minHeight(), "every sample at full height\n" + detail);
        assertTrue(playback.fps() >= MIN_FPS, String.format("%.1f fps (>= %.0f wanted)%n%s", playback.fps(), MIN_FPS, detail));
        assertTrue(playback.kbps() >= MIN_KBPS, String.format("%.0f kbit/s (>= %.0f wanted)%n%s", playback.kbps(), MIN_KBPS, detail));
        assertEquals(0, playback.stalls(), "a second without a decoded frame\n" + detail);
        assertEquals(0, playback.audioStalls(), "a second without audio packets\n" + detail);
        assertTrue(playback.freezeSeconds() <= MAX_FREEZE_SECONDS, "freezes in getStats\n" + detail);
        viewerBrowser.screenshot("edge-web-viewer-on-node-b");

        // 4. Through the passage to A: listed as the person sees it, a raised hand, chat both ways.
        viewer.openPanel("participants");
        viewer.withText(".row[data-group=viewers]", VIEWER);
        viewer.withText(".row[data-group=stage]", PRESENTER);
        viewer.withText("#participants-button", "People 2");

        long raised = System.nanoTime();
        viewer.click("#hand-toggle");
        presenter.openPanel("participants");
        presenter.withText(".row[data-group=hands]", VIEWER);
        long handMs = (System.nanoTime() - raised) / 1_000_000;
        assertTrue(room.state(viewerId).orElseThrow().handRaised(), "A's room has the viewer's hand up");

        viewer.openPanel("chat");
        viewer.type("#chat-input", "Hello from the edge");
        long sent = System.nanoTime();
        viewer.click("#chat-send");
        presenter.openPanel("chat");
        presenter.withText(".message", "Hello from the edge");
        long chatMs = (System.nanoTime() - sent) / 1_000_000;

        presenter.type("#chat-input", "Welcome, Edgar");
        long answered = System.nanoTime();
        presenter.click("#chat-send");
        viewer.withText(".message", "Welcome, Edgar");
        long replyMs = (System.nanoTime() - answered) / 1_000_000;
        System.out.printf("edge web app: the viewer's hand shown on the presenter's page %d ms after the click; its chat"
                + " message %d ms after sending; the presenter's answer on the viewer's page %d ms after%n", handMs, chatMs, replyMs);
        assertTrue(handMs <= PASSAGE_LIMIT_MS && chatMs <= PASSAGE_LIMIT_MS && replyMs <= PASSAGE_LIMIT_MS,
                "hand " + handMs + " ms, chat " + chatMs + " ms, answer " + replyMs + " ms");
        assertEquals(List.of(ws(b) + " open"), viewer.js("return window.__sc.sockets.map(s => s.url + ' '"
                + " + ['connecting', 'open', 'closing', 'closed'][s.readyState])"), "still the one WebSocket, B's");
        viewerBrowser.screenshot("edge-web-viewer-chat");
        presenterBrowser.screenshot("edge-web-presenter-hand-and-chat");
    }

    private static String ws(StagecastServer server) {
        return server.baseUrl().replace("http://", "ws://") + "/ws";
    }

    /**
     * The remote (server) candidate of the viewer's receiving connection's selected candidate pair,
     * as "protocol address:port" (as SelectedPair, which takes a NamespacedChromium), and in
     * {@code lastPaths} every pair that received anything, with its kB.
     */
    @SuppressWarnings("unchecked")
    private static String subscriberRemote() {
        Map<String, Object> pair = viewerBrowser.asyncResult("const done = arguments[arguments.length - 1];"
                + "window.stagecast.sub.getStats().then(report => { let pair = null; const paths = [];"
                + "const name = (c) => c ? c.protocol + ' ' + c.address + ':' + c.port : null;"
                + "report.forEach(s => { if (s.type === 'transport' && s.selectedCandidatePairId) pair = report.get(s.selectedCandidatePairId);"
                + "  if (s.type === 'candidate-pair' && s.bytesReceived > 0) paths.push(name(report.get(s.remoteCandidateId))"
                + "    + ' ' + Math.round(s.bytesReceived / 1000) + ' kB'); });"
                + "done({remote: pair ? name(report.get(pair.remoteCandidateId)) : null, paths}); });");
        assertNotNull(pair.get("remote"), "a selected candidate pair: " + pair);
        lastPaths = (List<String>) pair.get("paths");
        return (String) pair.get("remote");
    }

    /** One of B's media sockets: its UDP port, or its ICE-TCP port for a tcp candidate; none of A's. */
    private static void assertFromB(String remote) {
        int port = Integer.parseInt(remote.substring(remote.lastIndexOf(':') + 1));
        boolean tcp = remote.startsWith("tcp ");
        List<Integer> ofB = tcp ? b.media().tcpPorts() : b.media().ports();
        List<Integer> ofA = tcp ? a.media().tcpPorts() : a.media().ports();
        assertTrue(remote.endsWith(" 127.0.0.1:" + port) && ofB.contains(port),
                "the viewer's media come from B's sockets " + ofB + ": " + remote);
        assertFalse(ofA.contains(port), "not from A's " + ofA + ": " + remote);
    }

    /** The presenter's tile on the viewer's page (CSS pixels; the window's device pixel ratio is 1). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> presenterTile() {
        List<Map<String, Object>> tiles = (List<Map<String, Object>>) viewerBrowser.asyncResult(StageProbe.VIEWER_STATS).get("tiles");
        return tiles.stream().filter(t -> !Boolean.TRUE.equals(t.get("mine")))
                .max((x, y) -> Double.compare(number(x, "shownWidth"), number(y, "shownWidth"))).orElse(Map.of());
    }
}
