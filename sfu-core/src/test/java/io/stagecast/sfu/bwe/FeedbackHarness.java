package io.stagecast.sfu.bwe;

import io.stagecast.sfu.rtcp.TransportCcFeedback;

/**
 * Sends packets to an estimator and writes the receiver's transport-cc feedback about them with the
 * production writer, with the arrival times a test chooses. Allocation-free after construction.
 */
final class FeedbackHarness {
    final SendSideEstimator estimator;
    final TransportCcFeedback receiver = new TransportCcFeedback(7, 8);
    final byte[] buf = new byte[1500];
    int nextSeq;

    FeedbackHarness(SendSideEstimator estimator, int firstSeq) {
        this.estimator = estimator;
        this.nextSeq = firstSeq & 0xFFFF;
    }

    /** Sends one packet now; returns its transport-wide sequence number. */
    int send(int size, long sendNanos, int cluster) {
        int seq = nextSeq;
        nextSeq = (nextSeq + 1) & 0xFFFF;
        estimator.onPacketSent(seq, size, sendNanos, cluster);
        return seq;
    }

    void arrive(int seq, long remoteMicros) {
        receiver.onPacket(seq, remoteMicros);
    }

    /** Builds the pending feedback (one packet) into {@link #buf}; its length, 0 when nothing. */
    int build() {
        return receiver.build(buf, 0, 1200);
    }

    /** Builds and delivers everything pending; the number of feedback packets. */
    int deliver(long nowNanos) {
        int n = 0;
        int len;
        while ((len = build()) > 0) {
            estimator.onTransportFeedback(buf, 0, len, nowNanos);
            n++;
        }
        return n;
    }
}
