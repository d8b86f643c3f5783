package io.stagecast.sfu.bwe;

/**
 * Compares the delay trend with an adaptive threshold (draft-ietf-rmcat-gcc-02 5.4). The trend is
 * scaled by the number of samples behind it (up to 60) and a gain of 4, as libwebrtc does, so that
 * it is in the units of the threshold (ms). Overuse is declared once the trend has stayed above the
 * threshold for more than 10 ms of send time over at least two groups and is not falling.
 *
 * <p>The threshold follows the trend: gamma += dt * k * (|m| - gamma), with k_u = 0.0087 when the
 * trend is above it and k_d = 0.039 below (gcc-02 5.4), clamped to [6, 600] ms. Adapting makes the
 * detector hold its own against a concurrent TCP flow (which keeps queues full) instead of starving,
 * while staying sensitive when nothing else queues. Trends far above the threshold (by more than
 * 15 ms, a sudden spike) do not move it, so a single outlier cannot desensitise it.
 */
final class OveruseDetector {
    static final double INITIAL_THRESHOLD_MS = 12.5;
    private static final double K_UP = 0.0087;
    private static final double K_DOWN = 0.039;
    private static final double MIN_THRESHOLD_MS = 6;
    private static final double MAX_THRESHOLD_MS = 600;
    private static final double MAX_ADAPT_OFFSET_MS = 15;
    private static final double MAX_TIME_DELTA_MS = 100;
    private static final double OVERUSE_TIME_MS = 10;
    private static final double THRESHOLD_GAIN = 4;
    private static final int MAX_SAMPLES_FOR_GAIN = 60;

    private double threshold = INITIAL_THRESHOLD_MS;
    private long lastUpdateMicros = Long.MIN_VALUE;
    private double timeOverUsingMs = -1;
    private int overuseCount;
    private double previousTrend;
    private BandwidthUsage state = BandwidthUsage.NORMAL;

    /**
     * @param trend slope from the {@link TrendlineFilter}
     * @param samples how many delay variations the trend rests on
     * @param sendDeltaMs the send spacing of the group that produced this trend
     * @param nowMicros remote arrival time of that group (only differences are used)
     */
    BandwidthUsage detect(double trend, int samples, double sendDeltaMs, long nowMicros) {
        if (samples < 2) {
            return state;
        }
        double modified = Math.min(samples, MAX_SAMPLES_FOR_GAIN) * trend * THRESHOLD_GAIN;
        if (modified > threshold) {
            timeOverUsingMs = timeOverUsingMs < 0 ? sendDeltaMs / 2 : timeOverUsingMs + sendDeltaMs;
            overuseCount++;
            if (timeOverUsingMs > OVERUSE_TIME_MS && overuseCount > 1 && trend >= previousTrend) {
                timeOverUsingMs = 0;
                overuseCount = 0;
                state = BandwidthUsage.OVERUSING;
            }
        } else if (modified < -threshold) {
            timeOverUsingMs = -1;
            overuseCount = 0;
            state = BandwidthUsage.UNDERUSING;
        } else {
            timeOverUsingMs = -1;
            overuseCount = 0;
            state = BandwidthUsage.NORMAL;
        }
        previousTrend = trend;
        adaptThreshold(modified, nowMicros);
        return state;
    }

    private void adaptThreshold(double modified, long nowMicros) {
        if (lastUpdateMicros == Long.MIN_VALUE) {
            lastUpdateMicros = nowMicros;
        }
        double magnitude = Math.abs(modified);
        if (magnitude > threshold + MAX_ADAPT_OFFSET_MS) {
            lastUpdateMicros = nowMicros;
            return;
        }
        double k = magnitude < threshold ? K_DOWN : K_UP;
        double dt = Math.min(Math.max(nowMicros - lastUpdateMicros, 0) / 1000.0, MAX_TIME_DELTA_MS);
        threshold += k * (magnitude - threshold) * dt;
        threshold = Math.max(MIN_THRESHOLD_MS, Math.min(MAX_THRESHOLD_MS, threshold));
        lastUpdateMicros = nowMicros;
    }

    BandwidthUsage state() {
        return state;
    }

    double thresholdMs() {
        return threshold;
    }

    void reset() {
        threshold = INITIAL_THRESHOLD_MS;
        lastUpdateMicros = Long.MIN_VALUE;
        timeOverUsingMs = -1;
        overuseCount = 0;
        previousTrend = 0;
        state = BandwidthUsage.NORMAL;
    }
}
