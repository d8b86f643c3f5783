package io.stagecast.sfu.bwe;

/**
 * The loss-based limit (draft-ietf-rmcat-gcc-02 6): with loss under 2 % the rate may grow, between
 * 2 and 10 % it holds, above 10 % it is cut to rate x (1 - 0.5 x loss), at most once per
 * 300 ms + RTT (libwebrtc's interval, so that one loss episode is answered once).
 *
 * <p>The limit is only "in force" after loss made it bind; until then it follows the delay-based
 * rate, so a probe that lifts the delay-based rate is not held back by a stale loss limit. Once in
 * force it grows by 8 % a second (gcc-02 6's increase, libwebrtc's 1.08 over the last second's
 * minimum) until it reaches the delay-based rate again, and then stops binding.
 *
 * <p>Loss fractions come from transport-cc statuses, or from receiver reports. Statuses are counted
 * over {@value #WINDOW_PACKETS} packets, or a second with at least {@value #MIN_PACKETS} (libwebrtc's
 * minimum; RRs come about once a second): over 20 packets 5 % random loss shows as more than 10 %
 * one window in 13, and every such window would cut the rate; over 200 it is one in a thousand.
 */
final class LossBasedRate {
    static final double LOW_LOSS = 0.02;
    static final double HIGH_LOSS = 0.10;
    static final int MIN_PACKETS = 20;
    static final int WINDOW_PACKETS = 200;
    private static final long WINDOW_NANOS = 1_000_000_000L;
    private static final long DECREASE_INTERVAL_NANOS = 300_000_000;
    private static final double INCREASE_PER_SECOND = 1.08;

    private final long minBps;
    private boolean inForce;
    private long limitBps = Long.MAX_VALUE;
    private long lastDecreaseNanos = Long.MIN_VALUE;
    private long lastUpdateNanos = Long.MIN_VALUE;
    private long rttNanos;
    private long expected;
    private long lost;
    private long windowStartNanos = Long.MIN_VALUE;
    private double lastLoss;

    LossBasedRate(long minBps) {
        this.minBps = minBps;
    }

    void setRtt(long nanos) {
        rttNanos = Math.max(0, nanos);
    }

    /** Statuses of one feedback: {@code lostCount} of {@code count} newly reported lost (may be negative when late arrivals correct earlier losses). */
    void onStatuses(int count, int lostCount, long currentBps, long nowNanos) {
        if (windowStartNanos == Long.MIN_VALUE) {
            windowStartNanos = nowNanos;
        }
        expected += count;
        lost += lostCount;
        if (expected < WINDOW_PACKETS && (expected < MIN_PACKETS || nowNanos - windowStartNanos < WINDOW_NANOS)) {
            return;
        }
        windowStartNanos = nowNanos;
        double fraction = Math.max(0, Math.min(1.0, (double) lost / expected));
        expected = 0;
        lost = 0;
        onLoss(fraction, currentBps, nowNanos);
    }

    /** A loss fraction measured elsewhere (an RR's fraction lost). */
    void onLoss(double fraction, long currentBps, long nowNanos) {
        lastLoss = fraction;
        if (fraction > HIGH_LOSS) {
            if (lastDecreaseNanos == Long.MIN_VALUE || nowNanos - lastDecreaseNanos >= DECREASE_INTERVAL_NANOS + rttNanos) {
                long base = inForce ? Math.min(limitBps, currentBps) : currentBps;
                limitBps = Math.max(minBps, (long) (base * (1 - 0.5 * fraction)));
                inForce = true;
                lastDecreaseNanos = nowNanos;
            }
        } else if (fraction > LOW_LOSS) {
            if (!inForce) {
                limitBps = currentBps;
                inForce = true;
            }
        } else if (inForce && lastUpdateNanos != Long.MIN_VALUE) {
            double dt = Math.min(nowNanos - lastUpdateNanos, 1_000_000_000L) / 1e9;
            limitBps = (long) (limitBps * Math.pow(INCREASE_PER_SECOND, dt)) + 1000;
        }
        lastUpdateNanos = nowNanos;
    }

    /** Called with the delay-based rate after each update: a limit that reached it stops binding. */
    void onDelayBased(long delayBasedBps) {
        if (inForce && limitBps >= delayBasedBps && lastLoss <= LOW_LOSS) {
            inForce = false;
            limitBps = Long.MAX_VALUE;
        }
    }

    /**
     * A probe carried {@code resultBps}: unless loss is high, that is evidence the loss is not
     * congestion, so a limit that holds (2-10 % loss, e.g. a lossy radio) moves up to it. Without
     * this a path with a few percent random loss from the start would stay at the start rate.
     */
    void onProbe(long resultBps) {
        if (inForce && lastLoss <= HIGH_LOSS && resultBps > limitBps) {
            limitBps = resultBps;
        }
    }

    /** The limit, Long.MAX_VALUE when loss does not bind. */
    long limitBps() {
        return inForce ? limitBps : Long.MAX_VALUE;
    }

    double lastLoss() {
        return lastLoss;
    }
}
