package io.stagecast.sfu.bwe;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** The per-packet and per-feedback paths allocate nothing (DESIGN.md: no allocation per packet). */
class EstimatorAllocationTest {
    private final SendSideEstimator estimator = new SendSideEstimator();
    private final FeedbackHarness h = new FeedbackHarness(estimator, 0);
    private long sink;

    private void run(int from, int count) {
        for (int i = from; i < from + count; i++) {
            long now = i * 2_000_000L;
            int cluster = estimator.probeCluster();
            int seq = h.send(cluster > 0 ? 200 : 1200, now, cluster);
            if (i % 50 != 7) {
                h.arrive(seq, i * 2_000L + 20_000 + (i % 13 == 0 ? 6_000 : 0));
            }
            if (i % 25 == 0) {
                h.deliver(now + 20_000_000L);
            }
            if (i % 10 == 0) {
                estimator.tick(now);
                sink += estimator.probeBytesDue(now);
                if (i % 5000 == 0) {
                    sink += estimator.startProbe(estimator.estimateBps() * 2, now);
                }
            }
            sink += estimator.estimateBps();
        }
    }

    @Test
    void steadyStateAllocatesNothing() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        run(0, 200_000); // warm up, wrap the sequence numbers
        long before = threads.getCurrentThreadAllocatedBytes();
        run(200_000, 100_000);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes for 100000 packets and 4000 feedbacks");
        assertTrue(sink != 0);
    }
}
