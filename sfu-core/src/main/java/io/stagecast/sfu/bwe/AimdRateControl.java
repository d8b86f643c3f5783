package io.stagecast.sfu.bwe;

/**
 * The delay-based rate (draft-ietf-rmcat-gcc-02 5.5): a state machine driven by the overuse
 * detector. Overuse decreases to {@value #BETA} x the acknowledged rate and holds; underuse holds
 * (the queue is draining, the rate that drains it is already right); normal increases.
 *
 * <p>The increase is multiplicative (8 % per second, gcc-02 5.5's eta = 1.08) while the rate is far
 * from the link capacity seen at the last overuses, and additive (about one packet per response
 * time, response time = RTT + 100 ms) once it is within three standard deviations of it, where
 * libwebrtc found multiplicative steps overshoot. It never rises past 1.5 x the acknowledged rate
 * + 10 kbit/s (gcc-02 5.5: A_hat must stay near what is actually delivered): a sender that uses
 * less than its estimate cannot grow it; a probe must show the headroom.
 */
final class AimdRateControl {
    static final double BETA = 0.85;
    private static final double MULTIPLICATIVE_PER_SECOND = 1.08;
    private static final long DEFAULT_RTT_NANOS = 200_000_000;
    private static final long MIN_INCREASE_BPS_PER_SECOND = 4_000;
    private static final int ASSUMED_FPS = 30;
    private static final int PACKET_BITS = 1200 * 8;

    private final long minBps;
    private final long maxBps;
    private long bps;
    private long rttNanos = DEFAULT_RTT_NANOS;
    private long lastChangeNanos = Long.MIN_VALUE;
    private long lastDecreaseNanos = Long.MIN_VALUE;
    private boolean holding;
    /** Link capacity estimate from the acknowledged rates at overuse, kbit/s; -1 when none. */
    private double capacityKbps = -1;
    private double capacityVariance = 0.4;

    AimdRateControl(long startBps, long minBps, long maxBps) {
        this.minBps = minBps;
        this.maxBps = maxBps;
        this.bps = clamp(startBps);
    }

    long bps() {
        return bps;
    }

    void setRtt(long nanos) {
        if (nanos > 0) {
            rttNanos = nanos;
        }
    }

    /** Moves to {@code newBps} at once: a probe measured it (gcc has no such step; libwebrtc does). */
    void setEstimate(long newBps, long nowNanos) {
        bps = clamp(newBps);
        lastChangeNanos = nowNanos;
    }

    /**
     * True when an overuse may decrease again: at most once per RTT (10-200 ms) unless the rate is
     * still more than twice what arrives, so that one queue is not answered with a cascade of cuts.
     */
    boolean timeToReduceFurther(long nowNanos, long ackedBps) {
        long interval = Math.max(10_000_000L, Math.min(rttNanos, 200_000_000L));
        if (lastChangeNanos == Long.MIN_VALUE || nowNanos - lastChangeNanos >= interval) {
            return true;
        }
        return ackedBps > 0 && bps / 2 > ackedBps;
    }

    /** One step with the detector's state and the acknowledged rate (-1 when unknown). */
    void update(BandwidthUsage usage, long ackedBps, long nowNanos) {
        long throughput = ackedBps > 0 ? ackedBps : bps;
        switch (usage) {
            case OVERUSING -> decrease(throughput, ackedBps > 0, nowNanos);
            case UNDERUSING -> {
                holding = true;
                lastChangeNanos = nowNanos;
            }
            case NORMAL -> {
                if (holding) {
                    // Leave hold: the increase is timed from now, not from before the hold.
                    holding = false;
                    lastChangeNanos = nowNanos;
                } else {
                    increase(throughput, nowNanos);
                }
            }
        }
    }

    private void increase(long throughput, long nowNanos) {
        if (lastChangeNanos == Long.MIN_VALUE) {
            lastChangeNanos = nowNanos;
            return;
        }
        if (capacityKbps > 0 && throughput / 1000.0 > capacityKbps + 3 * capacityStdKbps()) {
            // Well past the old capacity: the path changed, search multiplicatively again.
            capacityKbps = -1;
        }
        double dt = Math.min(nowNanos - lastChangeNanos, 1_000_000_000L) / 1e9;
        long limit = (long) (1.5 * throughput) + 10_000;
        if (bps < limit) {
            long step;
            if (capacityKbps > 0 && bps / 1000.0 > capacityKbps - 3 * capacityStdKbps()) {
                step = (long) (additiveBpsPerSecond() * dt);
            } else {
                // At least 1 kbit/s a step, so that very low rates do not get stuck (libwebrtc too).
                step = Math.max((long) (bps * (Math.pow(MULTIPLICATIVE_PER_SECOND, dt) - 1)), 1000);
            }
            bps = clamp(Math.min(bps + step, limit));
        }
        lastChangeNanos = nowNanos;
    }

    private void decrease(long throughput, boolean measured, long nowNanos) {
        long decreased = (long) (BETA * throughput);
        if (decreased > bps && capacityKbps > 0) {
            decreased = (long) (BETA * capacityKbps * 1000);
        }
        if (decreased < bps) {
            bps = clamp(decreased);
        }
        if (measured) {
            double kbps = throughput / 1000.0;
            if (capacityKbps > 0 && kbps < capacityKbps - 3 * capacityStdKbps()) {
                capacityKbps = -1; // far below: the link got narrower, forget the old capacity
            }
            onCapacitySample(kbps);
        }
        holding = true;
        lastChangeNanos = nowNanos;
        lastDecreaseNanos = nowNanos;
    }

    /** Additive step: one packet of a 30 fps stream at this rate per response time. */
    private double additiveBpsPerSecond() {
        double bitsPerFrame = (double) bps / ASSUMED_FPS;
        double packetsPerFrame = Math.ceil(bitsPerFrame / PACKET_BITS);
        double packetBits = bitsPerFrame / packetsPerFrame;
        double responseSeconds = (rttNanos + 100_000_000L) / 1e9;
        return Math.max(MIN_INCREASE_BPS_PER_SECOND, packetBits / responseSeconds);
    }

    private void onCapacitySample(double kbps) {
        double alpha = 0.05;
        if (capacityKbps < 0) {
            capacityKbps = kbps;
        } else {
            capacityKbps = (1 - alpha) * capacityKbps + alpha * kbps;
        }
        double norm = Math.max(capacityKbps, 1.0);
        double error = capacityKbps - kbps;
        capacityVariance = (1 - alpha) * capacityVariance + alpha * error * error / norm;
        capacityVariance = Math.max(0.4, Math.min(2.5, capacityVariance));
    }

    /** The capacity's standard deviation in kbit/s: variance is kept normalised by the estimate. */
    private double capacityStdKbps() {
        return Math.sqrt(capacityVariance * capacityKbps);
    }

    /** Link capacity seen at overuses, bit/s; -1 when none yet. */
    long capacityBps() {
        return capacityKbps < 0 ? -1 : (long) (capacityKbps * 1000);
    }

    long lastDecreaseNanos() {
        return lastDecreaseNanos;
    }

    private long clamp(long v) {
        return Math.max(minBps, Math.min(maxBps, v));
    }
}
