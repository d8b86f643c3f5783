package io.stagecast.sfu.bwe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProbeTest {
    private static final long MS = 1_000_000;

    private static SendSideEstimator quiet(long startBps) {
        SendSideEstimator e = new SendSideEstimator(startBps, 50_000, 30_000_000);
        e.setInitialProbing(false);
        return e;
    }

    @Test
    void probeIsRefusedWhenNotNeededWhileRunningAndTooSoon() {
        SendSideEstimator e = quiet(500_000);
        assertEquals(-1, e.startProbe(400_000, 0), "below the estimate: not needed");
        int id = e.startProbe(2_000_000, 0);
        assertTrue(id > 0);
        assertEquals(id, e.probeCluster());
        assertEquals(-1, e.startProbe(3_000_000, 10 * MS), "one is running");
        // nobody sends, no feedback: the cluster ends after its timeout
        for (long t = 0; t <= 1100; t += 20) {
            e.tick(t * MS);
        }
        assertEquals(-1, e.probeCluster());
        assertEquals(500_000, e.estimateBps(), "a probe that said nothing changed the estimate");
        assertEquals(-1, e.startProbe(2_000_000, 1500 * MS), "within a second of the last");
        assertTrue(e.startProbe(2_000_000, 2200 * MS) > 0);
    }

    @Test
    void probeBytesArePacedOverTheCluster() {
        SendSideEstimator e = quiet(500_000);
        int id = e.startProbe(2_000_000, 0);
        long total = 0;
        int first = e.probeBytesDue(0);
        assertTrue(first > 0 && first < 2_000_000 / 8 * 30 / 1000, "first burst " + first);
        int seq = 0;
        for (long t = 0; t <= 60; t += 5) {
            int due = e.probeBytesDue(t * MS);
            while (due > 0 && e.probeCluster() == id) {
                int size = Math.min(due, 250);
                e.onPacketSent(seq++, size, t * MS, id);
                total += size;
                due -= size;
            }
        }
        assertEquals(7_500, total, 250, "30 ms at 2 Mbit/s");
        assertEquals(-1, e.probeCluster(), "all bytes sent: the cluster stops asking");
        assertEquals(0, e.probeBytesDue(70 * MS));
    }

    @Test
    void successfulProbeLiftsTheEstimateAtOnce() {
        NetworkSimulator sim = new NetworkSimulator(quiet(300_000), 5_000_000, 21);
        sim.run(1_000);
        long before = sim.estimator.estimateBps();
        assertTrue(before < 400_000);
        assertTrue(sim.estimator.startProbe(1_500_000, sim.nowNanos()) > 0);
        sim.run(300);
        long after = sim.estimator.estimateBps();
        assertTrue(after > 1_300_000, "probe at 1.5 Mbit/s on a 5 Mbit/s path gave " + after);
        assertEquals(1, sim.estimator.probesSucceeded());
    }

    @Test
    void probeBeyondTheBottleneckMeasuresTheBottleneck() {
        NetworkSimulator sim = new NetworkSimulator(quiet(300_000), 1_000_000, 22);
        sim.run(1_000);
        assertTrue(sim.estimator.startProbe(4_000_000, sim.nowNanos()) > 0);
        sim.run(300);
        long result = sim.estimator.lastProbeResultBps();
        assertTrue(result > 600_000 && result < 1_100_000, "a 4 Mbit/s probe through 1 Mbit/s measured " + result);
        assertTrue(sim.estimator.estimateBps() < 1_100_000, "lifted past the bottleneck: " + sim.estimator.estimateBps());
    }

    @Test
    void probeWithCoarseTicksStillWorks() {
        NetworkSimulator sim = new NetworkSimulator(quiet(300_000), 5_000_000, 23);
        sim.probePollMs = 20; // the owner only asks on its 20 ms tick
        sim.run(1_000);
        assertTrue(sim.estimator.startProbe(1_500_000, sim.nowNanos()) > 0);
        sim.run(400);
        assertTrue(sim.estimator.estimateBps() > 1_200_000, "coarse probe gave " + sim.estimator.estimateBps());
    }

    @Test
    void startUpProbesFindAFastPathWithinASecond() {
        NetworkSimulator sim = new NetworkSimulator(new SendSideEstimator(), 10_000_000, 24);
        sim.run(1_000);
        assertTrue(sim.estimator.estimateBps() > 2_000_000, "after 1 s: " + sim.estimator.estimateBps());
    }

    @Test
    void startUpProbesDoNotFloodASlowPath() {
        NetworkSimulator sim = new NetworkSimulator(new SendSideEstimator(), 400_000, 25);
        sim.run(3_000);
        long est = sim.estimator.estimateBps();
        assertTrue(est <= 440_000, "400 kbit/s path, estimate " + est);
        sim.run(10_000);
        est = sim.estimator.estimateBps();
        assertTrue(est >= 250_000 && est <= 440_000, "400 kbit/s path, estimate " + est);
    }
}
