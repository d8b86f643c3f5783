package io.stagecast.sfu.bwe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** How the estimator reads transport-cc feedback: wraps, odd deltas, duplicates, garbage. */
class TransportFeedbackHandlingTest {
    private static final long MS = 1_000_000;

    /** 1 Mbit/s of 1250-byte packets (one per 10 ms) for {@code seconds}, feedback every 50 ms. */
    private static void steadyMegabit(FeedbackHarness h, long remoteStartMicros, int seconds, boolean duplicate) {
        for (int i = 0; i < seconds * 100; i++) {
            long now = i * 10 * MS;
            int seq = h.send(1250, now, -1);
            h.arrive(seq, remoteStartMicros + i * 10_000L + 20_000);
            if (i % 5 == 4) {
                int len = h.build();
                h.estimator.onTransportFeedback(h.buf, 0, len, now + 25 * MS);
                if (duplicate) {
                    h.estimator.onTransportFeedback(h.buf, 0, len, now + 26 * MS);
                }
            }
        }
    }

    private static SendSideEstimator quiet() {
        SendSideEstimator e = new SendSideEstimator(1_000_000, 50_000, 30_000_000);
        e.setInitialProbing(false);
        return e;
    }

    @Test
    void acknowledgedRateMatchesWhatArrived() {
        FeedbackHarness h = new FeedbackHarness(quiet(), 100);
        steadyMegabit(h, 5_000_000, 2, false);
        long acked = h.estimator.acknowledgedBps();
        assertTrue(Math.abs(acked - 1_000_000) < 60_000, "acked " + acked);
        assertEquals(40, h.estimator.feedbackCount());
        assertEquals(0, h.estimator.malformedFeedbackCount());
    }

    @Test
    void sequenceAndReferenceTimeWrapsAreSeamless() {
        // Transport sequence wraps after 36 packets; the 24-bit reference time (64 ms units) wraps
        // one second in: a wrong unwrap would show as a 12-day gap or a negative one.
        long wrapMicros = (1L << 24) * 64_000L;
        FeedbackHarness h = new FeedbackHarness(quiet(), 65_500);
        steadyMegabit(h, wrapMicros - 1_000_000, 3, false);
        long acked = h.estimator.acknowledgedBps();
        assertTrue(Math.abs(acked - 1_000_000) < 60_000, "acked " + acked + " across the wraps");
        assertTrue(!h.estimator.overusing());
        assertTrue(h.estimator.estimateBps() >= 1_000_000, "estimate fell across the wraps: " + h.estimator.estimateBps());
    }

    @Test
    void duplicatedFeedbackCountsOnce() {
        FeedbackHarness h = new FeedbackHarness(quiet(), 0);
        steadyMegabit(h, 0, 2, true);
        long acked = h.estimator.acknowledgedBps();
        assertTrue(Math.abs(acked - 1_000_000) < 60_000, "duplicates counted: acked " + acked);
    }

    @Test
    void largeAndNegativeDeltasAreRead() {
        FeedbackHarness h = new FeedbackHarness(quiet(), 0);
        // packets 10 ms apart; every fourth arrives 30 ms late (negative deltas for the next ones),
        // and a 200 ms outage gives a large positive delta
        long remote = 1_000_000;
        for (int i = 0; i < 200; i++) {
            long now = i * 10 * MS;
            int seq = h.send(1250, now, -1);
            long arrival = remote + i * 10_000L + 20_000 + (i % 4 == 0 ? 30_000 : 0) + (i >= 100 ? 200_000 : 0);
            h.arrive(seq, arrival);
            if (i % 5 == 4) {
                h.deliver(now + 260 * MS);
            }
        }
        assertEquals(0, h.estimator.malformedFeedbackCount());
        long acked = h.estimator.acknowledgedBps();
        assertTrue(Math.abs(acked - 1_000_000) < 100_000, "acked " + acked);
    }

    @Test
    void packetsReportedLostThatArriveLaterAreNotLoss() {
        FeedbackHarness h = new FeedbackHarness(quiet(), 0);
        long remote = 0;
        for (int i = 0; i < 600; i++) {
            long now = i * 5 * MS;
            int seq = h.send(600, now, -1);
            // one in five arrives only after the next feedback went out, reported lost first
            h.arrive(seq, remote + i * 5_000L + 20_000 + (i % 5 == 2 ? 60_000 : 0));
            if (i % 10 == 9) {
                h.deliver(now + 25 * MS);
            }
        }
        assertEquals(Long.MAX_VALUE, h.estimator.lossBasedBps(), "late packets were counted as loss");
    }

    @Test
    void realLossIsCounted() {
        FeedbackHarness h = new FeedbackHarness(quiet(), 0);
        for (int i = 0; i < 1000; i++) {
            long now = i * 5 * MS;
            int seq = h.send(600, now, -1);
            if (i % 4 != 0) { // 25 % lost
                h.arrive(seq, i * 5_000L + 20_000);
            }
            if (i % 10 == 9) {
                h.deliver(now + 25 * MS);
            }
        }
        assertTrue(h.estimator.lossBasedBps() < 1_000_000, "25% loss did not bind: " + h.estimator.lossBasedBps());
    }

    @Test
    void feedbackAboutPacketsNeverSentIsIgnored() {
        SendSideEstimator e = quiet();
        FeedbackHarness h = new FeedbackHarness(e, 0);
        h.send(1000, 0, -1);
        for (int seq = 30_000; seq < 30_100; seq++) {
            h.arrive(seq, seq * 1000L);
        }
        h.deliver(10 * MS);
        assertEquals(1_000_000, e.estimateBps());
        assertEquals(-1, e.acknowledgedBps());
    }

    @Test
    void malformedInputIsRejectedWithoutExceptions() {
        SendSideEstimator e = quiet();
        FeedbackHarness h = new FeedbackHarness(e, 0);
        for (int i = 0; i < 50; i++) {
            h.arrive(h.send(1000, i * MS, -1), i * 1000L + (i % 7) * 70_000L);
        }
        int len = h.build();
        byte[] valid = Arrays.copyOf(h.buf, len);
        long before = e.malformedFeedbackCount();
        e.onTransportFeedback(null, 0, 100, 0);
        e.onTransportFeedback(valid, -1, len, 0);
        e.onTransportFeedback(valid, 0, len + 1, 0);
        e.onTransportFeedback(valid, 8, len, 0);
        e.onTransportFeedback(valid, 0, 12, 0);
        e.onTransportFeedback(new byte[64], 0, 64, 0);
        for (int cut = 20; cut < len - 4; cut++) {
            byte[] truncated = Arrays.copyOf(valid, cut);
            truncated[2] = (byte) ((cut / 4 - 1) >> 8);
            truncated[3] = (byte) (cut / 4 - 1);
            e.onTransportFeedback(truncated, 0, cut, 0); // deltas missing: must be refused, not misread
        }
        assertTrue(e.malformedFeedbackCount() - before >= 6 + (len - 24) / 4, "rejections counted");
        assertEquals(1_000_000, e.estimateBps(), "garbage moved the estimate");
        SplittableRandom random = new SplittableRandom(42);
        byte[] fuzz = new byte[len];
        for (int i = 0; i < 20_000; i++) {
            System.arraycopy(valid, 0, fuzz, 0, len);
            int flips = 1 + random.nextInt(6);
            for (int f = 0; f < flips; f++) {
                fuzz[random.nextInt(len)] = (byte) random.nextInt(256);
            }
            e.onTransportFeedback(fuzz, 0, random.nextInt(len + 1), i * MS);
        }
        long est = e.estimateBps();
        assertTrue(est >= 50_000 && est <= 30_000_000, "estimate out of range after fuzzing: " + est);
    }
}
