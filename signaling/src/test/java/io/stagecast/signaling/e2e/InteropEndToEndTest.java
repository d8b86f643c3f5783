package io.stagecast.signaling.e2e;

import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Standard tools against a node, as an integrator would use them: GStreamer's webrtcbin (Debian's
 * GStreamer 1.22 with libnice) publishes over WHIP with a moderator's token, and a Chromium WHEP
 * player with an attendee's token watches it for 90 s.
 *
 * <p>Everything runs inside a network namespace the test makes (libnice needs a non-loopback
 * interface: a veth with 127.0.0.2): the node as its own JVM, GStreamer, chromedriver and Chromium.
 * The test reaches them through forwarded loopback ports. Nothing leaves the namespace.
 */
class InteropEndToEndTest {
    /** Longer than ICE consent's 30 s (RFC 7675): libnice keeps the pair alive with indications only. */
    private static final int WATCH_SECONDS = 90;
    private static NetNamespace ns;
    private static NodeProcess node;

    @BeforeAll
    static void start() throws Exception {
        boolean ci = System.getenv("CI") != null;
        assumeTrue(ci || (NetNamespace.available() && GstWhipPublisher.available() && Chromium.available()),
                "needs root (network namespaces), GStreamer webrtcbin with PyGObject, and Chromium");
        ns = NetNamespace.create("sc-gst");
        node = NodeProcess.inNamespace(ns, "interop-gstreamer-node", Map.of());
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        if (ns != null) {
            ns.close();
        }
    }

    @Test
    void gstreamerPublishesOverWhipAndAChromiumWhepViewerSeesItFor90sWithoutAGap() throws Exception {
        String room = "gst-live";
        String whip = node.insideUrl + "/whip/" + room;
        // --nack: webrtcbin answers the node's NACKs, as set up for a real (lossy) network.
        try (GstWhipPublisher gst = GstWhipPublisher.start(ns, whip, node.token(room, "GStreamer encoder", Role.MODERATOR), "--nack");
             NamespacedChromium viewer = new NamespacedChromium(ns)) {
            String answer = gst.await("answer ", 20_000);
            assertTrue(answer.startsWith("answer 201 "), "WHIP answered 201: " + answer);
            gst.await("answer-applied", 5_000); // webrtcbin took the answer (item 11: it refused it before)
            gst.await("connection-state connected", 15_000);

            viewer.open(node.insideUrl + "/room/" + room);
            Map<String, Object> watched = viewer.asyncResult(ClientScripts.WHEP_VIEW, node.insideUrl + "/whep/" + room,
                    node.token(room, "WHEP player", Role.ATTENDEE));
            assertEquals(null, watched.get("error"), "WHEP view failed");
            // A moderator's WHIP publish is the host going live (item 13): the attendee is not held in the lobby.
            ClientScripts.awaitVideo(viewer::asyncResult, "window.whep.pc", 15_000, "WHEP viewer");

            ClientScripts.Playback playback = ClientScripts.watch(viewer::asyncResult, "window.whep.pc", WATCH_SECONDS);
            viewer.screenshot("whep-viewer-watching-gstreamer");
            System.out.println("interop: Chromium WHEP viewer of GStreamer " + playback.summary()
                    + "; GStreamer " + gst.last("stats"));
            String counters = node.mediaCounters();
            System.out.println("interop: node counters after the watch:\n" + counters);
            String detail = playback.detail() + "\nGStreamer:\n" + gst.output() + "\nnode:\n" + node.logTail()
                    + "\nnode counters:\n" + counters;

            assertTrue(gst.isAlive(), "the publisher is still running\n" + detail);
            assertEquals(0, playback.stalls(), "a frame every second, for " + WATCH_SECONDS + " s\n" + detail);
            assertEquals(0, playback.audioStalls(), "audio every second\n" + detail);
            assertTrue(playback.freezeSeconds() < 0.5, "no freeze\n" + detail);
            assertTrue(playback.fps() >= 20, "about the publisher's 30 fps\n" + detail);
            assertTrue(playback.minWidth() >= 640 && playback.minHeight() >= 360, "640x360 as sent\n" + detail);
            assertTrue(playback.kbps() >= 300, "a real picture's bitrate, not a trickle\n" + detail);
        }
    }
}
