package io.stagecast.signaling.e2e;

import io.stagecast.signaling.e2e.StagePage.Track;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 12, TURN: a Chromium viewer whose network drops every UDP datagram to the node except
 * those to the TURN port (nftables in the viewer's namespace, made by the test) watches the stage
 * through a real coturn (Debian's {@code turnserver}, started by the test in the node's namespace
 * with {@code use-auth-secret}), with the credential the join response gave it. Judged from the
 * viewer's getStats: video decoded at a real frame rate, over a relay candidate pair; and the
 * nftables counter shows the direct path was tried and dropped.
 */
class TurnEndToEndTest {
    private static final String SECRET = "stagecast-test-turn-secret-0123";
    private static final String TURN_PORT = "3478";
    private static ShapedLink link;
    private static NodeProcess node;
    private static Process coturn;

    @BeforeAll
    static void start() throws Exception {
        boolean ci = System.getenv("CI") != null;
        assumeTrue(ci || (NetNamespace.available() && Chromium.available() && new File("/usr/bin/turnserver").canExecute()),
                "needs root (network namespaces, nftables), Chromium and coturn");
        link = ShapedLink.create("sc-turn");
        Files.createDirectories(Path.of("target", "interop"));
        coturn = link.nodeSide.start(new ProcessBuilder("/usr/bin/turnserver", "-n", "--no-cli", "--no-tls", "--no-dtls",
                "--listening-ip=" + ShapedLink.NODE_ADDRESS, "--relay-ip=" + ShapedLink.NODE_ADDRESS,
                "--listening-port=" + TURN_PORT, "--min-port=49160", "--max-port=49260",
                "--use-auth-secret", "--static-auth-secret=" + SECRET, "--realm=stagecast.test",
                "--log-file=stdout", "--simple-log", "--pidfile=" + Path.of("target", "interop", "coturn.pid").toAbsolutePath())
                .redirectErrorStream(true).redirectOutput(Path.of("target", "interop", "coturn.log").toFile()));
        node = link.startNode("turn-node", Map.of("STAGECAST_TURN_URLS", "turn:" + ShapedLink.NODE_ADDRESS + ":" + TURN_PORT
                + "?transport=udp", "STAGECAST_TURN_SECRET", SECRET));
        // The viewer's network: UDP to the node's address only to the TURN port (TCP to the page and
        // its WebSocket passes).
        link.viewerSide.exec("nft", "add", "table", "inet", "scturn");
        link.viewerSide.exec("nft", "add", "chain", "inet", "scturn", "out", "{ type filter hook output priority 0 ; }");
        link.viewerSide.exec("nft", "add", "rule", "inet", "scturn", "out", "ip", "daddr", ShapedLink.NODE_ADDRESS,
                "udp", "dport", "!=", TURN_PORT, "counter", "drop");
        // Nor TCP to the media ports (ICE-TCP, media.tcp-port + i): only TURN leads to the media.
        link.viewerSide.exec("nft", "add", "rule", "inet", "scturn", "out", "ip", "daddr", ShapedLink.NODE_ADDRESS,
                "tcp", "dport", "20000-20099", "drop");
    }

    @AfterAll
    static void stop() {
        try {
            if (node != null) {
                node.close();
            }
            if (coturn != null) {
                NetNamespace.stop(coturn.toHandle());
            }
        } finally {
            if (link != null) {
                link.close(); // the namespace goes, and its nftables table with it
            }
        }
    }

    @Test
    void aViewerThatCanReachTheNodeOnlyThroughCoturnWatchesOverARelay() throws Exception {
        String room = "turn";
        try (NamespacedChromium publisherBrowser = new NamespacedChromium(link.nodeSide);
             NamespacedChromium viewerBrowser = new NamespacedChromium(link.viewerSide, "1280,800", List.of(ShapedLink.NODE_ADDRESS))) {
            StagePage publisher = new StagePage(publisherBrowser, "publisher", StageProbe.Setup.plain());
            StagePage viewer = new StagePage(viewerBrowser, "viewer behind the firewall", StageProbe.Setup.plain());
            publisher.open(node.insideUrl + "/room/" + room + "?token=" + node.token(room, "Presenter", Role.MODERATOR)
                    + "&autopublish=1&autostart=1&simulcast=0");
            String presenter = publisher.participantId(20_000);
            viewer.open(ShapedLink.viewerUrl(node) + "/room/" + room + "?token=" + node.token(room, "Viewer", Role.ATTENDEE)
                    + "&autojoin=1");
            StagePage.Viewer seen = viewer.awaitVideo(presenter, 40_000);
            Track before = seen.video(presenter);
            Thread.sleep(3_000);
            Track after = viewer.viewer().video(presenter);
            double fps = (after.framesDecoded() - before.framesDecoded()) / 3.0;
            SelectedPair pair = SelectedPair.of(viewerBrowser);
            String dropped = link.viewerSide.nftCounter("inet", "scturn", "out");
            System.out.println("turn: viewer decodes " + after.width() + "x" + after.height() + " at " + fps + " fps over "
                    + pair + "; direct UDP dropped by the viewer's firewall: " + dropped);
            assertEquals("relay", pair.localType(), "the viewer's media goes through coturn: " + pair);
            assertTrue(after.width() >= 320, "the viewer decodes the publisher's camera: " + after);
            double kbps = (after.bytes() - before.bytes()) * 8 / 3.0 / 1000;
            double frozen = after.freezeSeconds() - before.freezeSeconds();
            System.out.println("  video " + kbps + " kbit/s, frozen " + frozen + " s over the window");
            assertTrue(kbps >= 100, "the viewer receives " + kbps + " kbit/s of video (>= 100 wanted: a real camera, not a trickle)");
            assertTrue(frozen <= 1.0, "the viewer's video froze " + frozen + " s over the window (<= 1 s wanted)");
            assertTrue(fps >= 10, "the viewer decodes " + fps + " frames/s through TURN (>= 10 wanted)");
            assertTrue(!dropped.contains("packets 0 "), "the direct path was tried and dropped: " + dropped);
        }
    }
}
