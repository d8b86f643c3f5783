package io.stagecast.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoopScalingTest {
    @Test
    void independentLoopsEachForwardToTheirOwnSubscribers() {
        try (ScalingTopology topology = ScalingTopology.independent(io.stagecast.sfu.srtp.SrtpProfile.AEAD_AES_128_GCM,
                1200, false)) {
            List<ScalingTopology.Loop> loops = topology.build(new int[]{3, 2});
            assertEquals(2, loops.size());
            for (int i = 0; i < 10; i++) {
                assertEquals(3, loops.get(0).step(), "every packet reaches loop 0's three subscribers");
                assertEquals(2, loops.get(1).step(), "and loop 1's two");
            }
        }
    }

    /** With feedback and ticks every 5th step, RTCP and probes come on top of the media packets. */
    @Test
    void withAllocationEveryPacketStillReachesEverySubscriber() {
        try (ScalingTopology topology = ScalingTopology.independent(io.stagecast.sfu.srtp.SrtpProfile.AES_CM_128_HMAC_SHA1_80,
                1200, true)) {
            ScalingTopology.Loop loop = topology.build(new int[]{3}).get(0);
            int sent = 0;
            for (int i = 0; i < 50; i++) {
                sent += loop.step();
            }
            assertTrue(sent >= 150, "50 packets to 3 subscribers, plus RTCP: " + sent);
        }
    }

    @Test
    @Timeout(30)
    void runsRoundsOfOneAndTwoLoops() {
        int exit = new picocli.CommandLine(new LoopScaling()).execute("--loops", "1,2", "--subscribers", "4",
                "--duration", "PT0.3S", "--warmup", "PT0.2S", "--rounds", "1", "--first-cpu", "-1");
        assertEquals(0, exit);
    }

    /**
     * One publisher on loop 0, viewers on loops 0 and 1: every packet reaches loop 0's viewers at
     * once, and loop 1's only through the router's hand-off, when loop 1 runs what it was handed.
     */
    @Test
    void crossLoopForwardsToTheOtherLoopsViewersThroughTheHandOff() {
        try (ScalingTopology topology = ScalingTopology.crossLoop(io.stagecast.sfu.srtp.SrtpProfile.AEAD_AES_128_GCM,
                1200, false)) {
            List<ScalingTopology.Loop> loops = topology.build(new int[]{3, 2});
            assertEquals(2, loops.size());
            for (int i = 0; i < 10; i++) {
                assertEquals(3, loops.get(0).step(), "every packet reaches loop 0's three subscribers");
            }
            int other = 0;
            for (int i = 0; i < 10; i++) {
                other += loops.get(1).step();
            }
            assertEquals(20, other, "loop 1's two subscribers get the ten packets through the hand-off");
            assertEquals(0, loops.get(1).step(), "and nothing more");
        }
    }

    @Test
    @Timeout(30)
    void crossLoopRunsOnTwoThreads() {
        int exit = new picocli.CommandLine(new LoopScaling()).execute("--loops", "1,2", "--subscribers", "4",
                "--duration", "PT0.3S", "--warmup", "PT0.2S", "--rounds", "1", "--first-cpu", "-1",
                "--topology", "cross-loop");
        assertEquals(0, exit);
    }

    @Test
    void threadNamesGroupWithoutTheirNumbers() {
        assertEquals("media-loop", ServerThreads.group("media-loop-3-1"));
        assertEquals("GC Thread", ServerThreads.group("GC Thread#0"));
        assertEquals("C2 CompilerThre", ServerThreads.group("C2 CompilerThre"));
        assertEquals("42", ServerThreads.group("42"));
    }

    @Test
    void threadReportIsPerDeliveredPacketLargestFirst() {
        String report = ServerThreads.report(Map.of("media-loop", new long[]{100, 100, 0}),
                Map.of("media-loop", new long[]{200, 300, 2_000_000_000L}, "http", new long[]{10, 0, 0}), 1_000_000, 10);
        // 100 user ticks + 200 kernel ticks = 3 s over a million packets: 3 us/pkt.
        assertTrue(report.startsWith("load: server threads 'media-loop'"), report);
        assertTrue(report.contains("3.00 us/pkt (user  1.00, kernel  2.00),  30.0% of a core, waited for a CPU  20.0%"), report);
        assertTrue(report.contains("'http'") && report.indexOf("'http'") > report.indexOf("'media-loop'"), report);
    }
}
