package io.stagecast.signaling.e2e;

import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Real Chromium publishes camera and microphone to the stage; real Chromium viewers decode it. */
class StageMediaEndToEndTest {
    private static StagecastServer server;

    @BeforeAll
    static void startServer() throws Exception {
        assumeTrue(Chromium.available() || System.getenv("CI") != null, "Chromium not installed");
        server = TestServer.start(Map.of());
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everyViewerDecodesThePublishersVideoAndReceivesItsAudio() throws Exception {
        String room = "e2e-stage";
        List<Chromium> browsers = new ArrayList<>();
        try {
            Chromium publisher = new Chromium();
            browsers.add(publisher);
            publisher.open(TestServer.roomUrl(server, room, TestServer.token(server, room, "Presenter", Role.MODERATOR, false), "autopublish=1"));
            List<Chromium> viewers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Chromium viewer = new Chromium();
                browsers.add(viewer);
                viewers.add(viewer);
                viewer.open(TestServer.roomUrl(server, room, TestServer.token(server, room, "Viewer " + i, Role.ATTENDEE, false), ""));
            }
            long start = System.nanoTime();
            for (Chromium viewer : viewers) {
                awaitMediaFlowing(viewer, start);
            }
            viewers.get(0).screenshot("viewer-watching-stage");
            publisher.screenshot("publisher-on-stage");
        } finally {
            for (Chromium b : browsers) {
                b.close();
            }
        }
    }

    /** framesDecoded and audio packetsReceived must both rise, within 15 s of the viewers joining. */
    static void awaitMediaFlowing(Chromium viewer, long startNanos) throws InterruptedException {
        long deadline = startNanos + 15_000_000_000L;
        long firstFrames = -1;
        long firstAudio = -1;
        Map<String, Object> stats = Map.of();
        while (System.nanoTime() < deadline) {
            try {
                stats = viewer.inboundStats();
            } catch (RuntimeException e) {
                fail("cannot read stats: " + e.getMessage() + "\nconsole:\n" + viewer.consoleLog() + "\npage:\n"
                        + viewer.driver().getCurrentUrl() + "\n" + viewer.driver().getPageSource());
            }
            long frames = ((Number) stats.getOrDefault("framesDecoded", 0)).longValue();
            long audio = ((Number) stats.getOrDefault("audioPacketsReceived", 0)).longValue();
            if (frames > 0 && audio > 0) {
                if (firstFrames < 0) {
                    firstFrames = frames;
                    firstAudio = audio;
                } else if (frames > firstFrames && audio > firstAudio) {
                    return;
                }
            }
            Thread.sleep(250);
        }
        fail("media did not flow to the viewer within 15 s; last stats " + stats + "\nconsole:\n" + viewer.consoleLog());
    }
}
