package io.stagecast.sfu.transport;

import io.stagecast.sfu.metrics.MediaMetrics;
import io.stagecast.sfu.metrics.NackRefusal;
import io.stagecast.sfu.rtcp.RoundTripEstimator;

/**
 * What one subscriber may be sent again when it NACKs (RFC 4585 6.2.1): its
 * {@link RetransmissionBudget}, how long a packet resent to it is not resent (a round trip), and
 * the counts of what was resent or refused, summed here and reported once per tick so that no
 * shared counter is touched per packet. Event loop only; no allocation.
 */
final class RetransmissionControl {
    private static final long NANOS_PER_MS = 1_000_000L;
    static final long MIN_RESEND_INTERVAL_MS = 20;
    static final long UNKNOWN_RTT_RESEND_NANOS = 100 * NANOS_PER_MS;

    private final RetransmissionBudget budget = new RetransmissionBudget();
    private final RoundTripEstimator roundTrip;
    /** NACKed sequence numbers refused since the last report, by {@link NackRefusal#ordinal()}. */
    private final long[] refusedNacks = new long[NackRefusal.values().length];
    private long retransmittedPackets;
    private long retransmittedBytes;

    RetransmissionControl(RoundTripEstimator roundTrip) {
        this.roundTrip = roundTrip;
    }

    /** Media packets of {@code bytes} in all went out for the first time: a quarter adds to the budget. */
    void onSent(long bytes) {
        budget.onSent(bytes);
    }

    /** Takes {@code bytes} from the budget; false, counted as refused, when it is spent. */
    boolean tryRetransmit(int bytes) {
        if (budget.tryTake(bytes)) {
            return true;
        }
        refuse(NackRefusal.OVER_BUDGET, 1);
        return false;
    }

    /** Counts NACKed sequence numbers not answered. */
    void refuse(NackRefusal reason, int count) {
        refusedNacks[reason.ordinal()] += count;
    }

    /** A retransmission of {@code bytes} (protected) went out. */
    void onRetransmitted(int bytes) {
        retransmittedPackets++;
        retransmittedBytes += bytes;
    }

    /**
     * How long a packet retransmitted to this subscriber is not sent again: a round trip (from its
     * receiver reports, RFC 3550 6.4.1), since a repeated NACK within it cannot have seen the
     * answer yet; at least {@value #MIN_RESEND_INTERVAL_MS} ms, and 100 ms until an RTT is known.
     */
    long resendIntervalNanos() {
        long rttNanos = roundTrip.rttNanos();
        return rttNanos < 0 ? UNKNOWN_RTT_RESEND_NANOS : Math.max(rttNanos, MIN_RESEND_INTERVAL_MS * NANOS_PER_MS);
    }

    /** The floor's share of the budget for the time since the last tick. */
    void refill(long nowNanos) {
        budget.refill(nowNanos);
    }

    /** Reports what was resent and refused since the last call, then starts counting again. */
    void reportTo(MediaMetrics metrics) {
        metrics.retransmissions(retransmittedPackets, retransmittedBytes, refusedNacks);
        retransmittedPackets = 0;
        retransmittedBytes = 0;
        java.util.Arrays.fill(refusedNacks, 0);
    }
}
