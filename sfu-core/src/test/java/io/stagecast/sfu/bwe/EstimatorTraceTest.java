package io.stagecast.sfu.bwe;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.LongPredicate;
import org.junit.jupiter.api.Test;

/**
 * The estimator on simulated paths ({@link NetworkSimulator}): real transport-cc feedback bytes
 * from the production writer, a paced sender at the estimate, a drop-tail bottleneck. Each trace
 * has the time within which a GoogCC-like estimator converges; the measured times are printed.
 */
class EstimatorTraceTest {
    private static final int STEP_MS = 100;

    /** Runs until {@code condition} holds for the estimate; ms it took, or -1 after {@code maxMs}. */
    private static long timeUntil(NetworkSimulator sim, long maxMs, LongPredicate condition) {
        for (long t = 0; t <= maxMs; t += STEP_MS) {
            if (condition.test(sim.estimator.estimateBps())) {
                return t;
            }
            sim.run(STEP_MS);
        }
        return -1;
    }

    /** Runs {@code ms}, asserting {@code condition} at every step. */
    private static void assertStays(NetworkSimulator sim, long ms, LongPredicate condition, String what) {
        for (long t = 0; t < ms; t += STEP_MS) {
            sim.run(STEP_MS);
            long est = sim.estimator.estimateBps();
            assertTrue(condition.test(est), what + ": " + est + " bit/s at " + sim.nowMs() + " ms");
        }
    }

    private static void report(String trace, String what, long ms) {
        System.out.printf("trace %-22s %-40s %6d ms%n", trace, what, ms);
    }

    @Test
    void steadyLinkConvergesWithinTenSecondsAndStays() {
        NetworkSimulator sim = new NetworkSimulator(new SendSideEstimator(), 2_500_000, 1);
        long t = timeUntil(sim, 10_000, est -> est >= 1_750_000 && est <= 2_750_000);
        report("steady 2.5M", "in [70%, 110%]", t);
        assertTrue(t >= 0, "not within [70%, 110%] of 2.5 Mbit/s after 10 s: " + sim.estimator.estimateBps());
        assertStays(sim, 30_000, est -> est >= 1_750_000 && est <= 2_750_000, "left [70%, 110%] of 2.5 Mbit/s");
        assertTrue(sim.droppedPackets() < sim.sentPackets() / 200, "queue overflowed: " + sim.droppedPackets());
    }

    @Test
    void stepDownIsFollowedWithinTwoSeconds() {
        NetworkSimulator sim = new NetworkSimulator(new SendSideEstimator(), 5_000_000, 2);
        sim.run(20_000);
        assertTrue(sim.estimator.estimateBps() > 3_500_000, "did not reach 5 Mbit/s: " + sim.estimator.estimateBps());
        sim.capacityBps = 500_000;
        long t = timeUntil(sim, 2_000, est -> est < 600_000);
        report("step 5M -> 500k", "below 600 kbit/s", t);
        assertTrue(t >= 0, "still " + sim.estimator.estimateBps() + " bit/s 2 s after the step down");
        // and then it stays on the new link, neither above it for long nor starved
        sim.run(3_000);
        assertStays(sim, 15_000, est -> est >= 150_000 && est <= 600_000, "off the 500 kbit/s link");
    }

    @Test
    void stepUpWithTheOwnersProbesIsFoundWithinFifteenSeconds() {
        NetworkSimulator sim = new NetworkSimulator(new SendSideEstimator(), 500_000, 3);
        sim.run(20_000);
        long before = sim.estimator.estimateBps();
        assertTrue(before > 350_000 && before < 600_000, "not on the 500 kbit/s link: " + before);
        sim.capacityBps = 5_000_000;
        long t = -1;
        for (long ms = 0; ms <= 15_000; ms += STEP_MS) {
            long est = sim.estimator.estimateBps();
            if (est > 2_500_000) {
                t = ms;
                break;
            }
            // as the allocator does when a higher layer waits: ask for a probe at twice the estimate
            sim.estimator.startProbe(2 * est, sim.nowNanos());
            sim.run(STEP_MS);
        }
        report("step 500k -> 5M probed", "above 2.5 Mbit/s", t);
        assertTrue(t >= 0, "still " + sim.estimator.estimateBps() + " bit/s 15 s after the step up");
        assertStays(sim, 10_000, est -> est <= 5_500_000, "above 110% of 5 Mbit/s");
    }

    @Test
    void stepUpWithoutProbesRampsAtEightPercentASecond() {
        NetworkSimulator sim = new NetworkSimulator(new SendSideEstimator(), 500_000, 4);
        sim.run(20_000);
        sim.capacityBps = 5_000_000;
        long t = timeUntil(sim, 30_000, est -> est > 2_500_000);
        report("step 500k -> 5M", "above 2.5 Mbit/s (AIMD alone)", t);
        // ln(2.5M / 0.45M) / ln(1.08) = 22 s of multiplicative increase, and it must not be slower
        assertTrue(t >= 0 && t <= 30_000, "AIMD alone: " + t + " ms, at " + sim.estimator.estimateBps());
    }

    @Test
    void fivePercentRandomLossHoldsTheRate() {
        NetworkSimulator sim = new NetworkSimulator(new SendSideEstimator(), 2_500_000, 5);
        sim.lossRate = 0.05;
        long t = timeUntil(sim, 10_000, est -> est >= 1_500_000);
        report("2.5M, 5% random loss", "above 60%", t);
        assertTrue(t >= 0, "5% loss starved the start: " + sim.estimator.estimateBps());
        assertStays(sim, 20_000, est -> est >= 1_500_000 && est <= 2_750_000, "left [60%, 110%] under 5% loss");
    }

    @Test
    void fivePercentLossAfterConvergenceStaysNearTheLink() {
        NetworkSimulator sim = new NetworkSimulator(new SendSideEstimator(), 2_500_000, 6);
        sim.run(10_000);
        sim.lossRate = 0.05;
        assertStays(sim, 20_000, est -> est >= 1_750_000 && est <= 2_750_000, "left [70%, 110%] under 5% loss");
    }

    @Test
    void twentyPercentLossDecreases() {
        NetworkSimulator sim = new NetworkSimulator(new SendSideEstimator(), 2_500_000, 7);
        sim.run(10_000);
        long before = sim.estimator.estimateBps();
        sim.lossRate = 0.2;
        long t = timeUntil(sim, 8_000, est -> est < before / 2);
        report("2.5M, then 20% loss", "below half", t);
        assertTrue(t >= 0, "20% loss: from " + before + " to only " + sim.estimator.estimateBps() + " in 8 s");
    }

    @Test
    void reorderingIsNoOveruse() {
        NetworkSimulator sim = new NetworkSimulator(new SendSideEstimator(), 10_000_000, 8);
        sim.reorderRate = 0.1;
        sim.applicationMaxBps = 1_500_000;
        sim.run(2_000);
        for (int i = 0; i < 200; i++) {
            sim.run(STEP_MS);
            assertFalse(sim.estimator.overusing(), "overuse on a 10 Mbit/s path at 1.5 Mbit/s, at " + sim.nowMs());
            assertTrue(sim.estimator.estimateBps() >= 1_500_000, "decreased: " + sim.estimator.estimateBps());
        }
    }

    @Test
    void reorderingAtTheBottleneckStillConverges() {
        NetworkSimulator sim = new NetworkSimulator(new SendSideEstimator(), 2_500_000, 9);
        sim.reorderRate = 0.05;
        long t = timeUntil(sim, 10_000, est -> est >= 1_750_000 && est <= 2_750_000);
        report("2.5M, 5% reordered", "in [70%, 110%]", t);
        assertTrue(t >= 0, "reordering: " + sim.estimator.estimateBps());
        assertStays(sim, 20_000, est -> est >= 1_750_000 && est <= 2_750_000, "left [70%, 110%] with reordering");
    }

    @Test
    void rembCapsTheEstimate() {
        NetworkSimulator sim = new NetworkSimulator(new SendSideEstimator(), 5_000_000, 10);
        sim.run(10_000);
        assertTrue(sim.estimator.estimateBps() > 3_000_000);
        sim.estimator.onRemb(800_000, sim.nowNanos());
        assertTrue(sim.estimator.estimateBps() <= 800_000, "REMB did not cap at once");
        assertStays(sim, 5_000, est -> est <= 800_000, "above the REMB");
        sim.estimator.onRemb(0, sim.nowNanos()); // libwebrtc: 0 lifts the cap
        sim.run(5_000);
        assertTrue(sim.estimator.estimateBps() > 800_000, "did not grow again without REMB");
    }

    @Test
    void feedbackTimeoutBacksOff() {
        NetworkSimulator sim = new NetworkSimulator(new SendSideEstimator(), 2_500_000, 11);
        sim.run(10_000);
        long before = sim.estimator.estimateBps();
        sim.feedbackIntervalMs = 1_000_000; // the subscriber's feedback stops
        sim.run(1_000);
        assertTrue(sim.estimator.estimateBps() >= before * 0.8, "cut before the timeout");
        sim.run(3_000);
        long after = sim.estimator.estimateBps();
        assertTrue(after < before * 0.8 * 0.8, "no back-off without feedback: " + before + " -> " + after);
    }
}
