package io.stagecast.signaling.e2e;

import io.stagecast.signaling.e2e.StagePage.Track;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 12, ICE-TCP: a Chromium viewer whose network drops every UDP datagram to the node
 * (nftables in the viewer's namespace, made by the test and gone with it) connects to the node's
 * passive TCP candidate (RFC 6544) and watches the stage over it, with no TURN server configured.
 * Judged from the viewer's getStats: video decoded at a real resolution and frame rate over a TCP
 * candidate pair; the nftables counter shows UDP was tried and dropped.
 */
class IceTcpEndToEndTest {
    private static ShapedLink link;
    private static NodeProcess node;

    @BeforeAll
    static void start() throws Exception {
        boolean ci = System.getenv("CI") != null;
        assumeTrue(ci || (NetNamespace.available() && Chromium.available()),
                "needs root (network namespaces, nftables) and Chromium");
        link = ShapedLink.create("sc-tcp");
        node = link.startNode("ice-tcp-node", Map.of());
        link.viewerSide.exec("nft", "add", "table", "inet", "sctcp");
        link.viewerSide.exec("nft", "add", "chain", "inet", "sctcp", "out", "{ type filter hook output priority 0 ; }");
        link.viewerSide.exec("nft", "add", "rule", "inet", "sctcp", "out", "ip", "daddr", ShapedLink.NODE_ADDRESS,
                "meta", "l4proto", "udp", "counter", "drop");
    }

    @AfterAll
    static void stop() {
        try {
            if (node != null) {
                node.close();
            }
        } finally {
            if (link != null) {
                link.close(); // the namespace goes, and its nftables table with it
            }
        }
    }

    @Test
    void aViewerWhoseNetworkDropsUdpWatchesOverTcp() throws Exception {
        String room = "tcp";
        try (NamespacedChromium publisherBrowser = new NamespacedChromium(link.nodeSide);
             NamespacedChromium viewerBrowser = new NamespacedChromium(link.viewerSide, "1280,800", List.of(ShapedLink.NODE_ADDRESS))) {
            StagePage publisher = new StagePage(publisherBrowser, "publisher", StageProbe.Setup.plain());
            StagePage viewer = new StagePage(viewerBrowser, "viewer without UDP", StageProbe.Setup.plain());
            publisher.open(node.insideUrl + "/room/" + room + "?token=" + node.token(room, "Presenter", Role.MODERATOR)
                    + "&autopublish=1&autostart=1&simulcast=0");
            String presenter = publisher.participantId(20_000);
            long joined = System.nanoTime();
            viewer.open(ShapedLink.viewerUrl(node) + "/room/" + room + "?token=" + node.token(room, "Viewer", Role.ATTENDEE)
                    + "&autojoin=1");
            StagePage.Viewer seen = viewer.awaitVideo(presenter, 40_000);
            long firstFrameMs = (System.nanoTime() - joined) / 1_000_000;
            Track before = seen.video(presenter);
            Thread.sleep(4_000);
            Track after = viewer.viewer().video(presenter);
            double fps = (after.framesDecoded() - before.framesDecoded()) / 4.0;
            SelectedPair pair = SelectedPair.of(viewerBrowser);
            String dropped = link.viewerSide.nftCounter("inet", "sctcp", "out");
            System.out.println("ice-tcp: viewer decodes " + after.width() + "x" + after.height() + " at " + fps
                    + " fps, first frame " + firstFrameMs + " ms after opening the page, over " + pair
                    + "; UDP dropped by the viewer's firewall: " + dropped);
            assertEquals("tcp", pair.localProtocol(), "the viewer's media comes over TCP: " + pair);
            // An active TCP candidate has no port of its own until it connects (RFC 6544 4.5: port 9),
            // so the browser learns its local end from our answer: host or peer-reflexive, never a relay.
            assertTrue(List.of("host", "prflx").contains(pair.localType()), "a direct TCP pair, no relay: " + pair);
            assertTrue(pair.remote() != null && pair.remote().startsWith(ShapedLink.NODE_ADDRESS + ":"),
                    "the pair ends at the node's passive candidate: " + pair);
            assertTrue(after.width() >= 320, "the viewer decodes the publisher's camera: " + after);
            double kbps = (after.bytes() - before.bytes()) * 8 / 4.0 / 1000;
            double frozen = after.freezeSeconds() - before.freezeSeconds();
            System.out.println("  video " + kbps + " kbit/s, frozen " + frozen + " s over the window");
            assertTrue(kbps >= 100, "the viewer receives " + kbps + " kbit/s of video (>= 100 wanted: a real camera, not a trickle)");
            assertTrue(frozen <= 1.0, "the viewer's video froze " + frozen + " s over the window (<= 1 s wanted)");
            assertTrue(fps >= 10, "the viewer decodes " + fps + " frames/s over TCP (>= 10 wanted)");
            assertTrue(!dropped.contains("packets 0 "), "UDP was tried and dropped: " + dropped);
        }
    }
}
