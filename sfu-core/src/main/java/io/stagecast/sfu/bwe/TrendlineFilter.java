package io.stagecast.sfu.bwe;

/**
 * The trend of the queuing delay: the slope of a least-squares line through the last
 * {@value #WINDOW} (arrival time, smoothed accumulated delay) points. This is libwebrtc's
 * replacement for the Kalman filter of draft-ietf-rmcat-gcc-02 5.3: the accumulated inter-group
 * delay variation is the queue's growth, its slope over ~20 groups (~100-300 ms at video rates)
 * says whether the queue is building (positive), stable (about 0) or draining (negative), and an
 * exponential smoothing (coefficient {@value #SMOOTHING}) keeps single jittery groups from moving it.
 *
 * <p>Points live in fixed arrays; no allocation after construction.
 */
final class TrendlineFilter {
    static final int WINDOW = 20;
    static final double SMOOTHING = 0.9;

    private final double[] xs = new double[WINDOW];
    private final double[] ys = new double[WINDOW];
    private int head;
    private int count;
    private double accumulatedMs;
    private double smoothedMs;
    private long firstArrivalMicros = Long.MIN_VALUE;
    private double trend;
    private int deltas;

    /** Adds one inter-group delay variation; returns the current slope (ms of delay per ms). */
    double update(double arrivalDeltaMs, double sendDeltaMs, long groupArrivalMicros) {
        double delta = arrivalDeltaMs - sendDeltaMs;
        if (deltas < 1000) {
            deltas++;
        }
        if (firstArrivalMicros == Long.MIN_VALUE) {
            firstArrivalMicros = groupArrivalMicros;
        }
        accumulatedMs += delta;
        smoothedMs = SMOOTHING * smoothedMs + (1 - SMOOTHING) * accumulatedMs;
        int slot = (head + count) % WINDOW;
        if (count == WINDOW) {
            head = (head + 1) % WINDOW;
        } else {
            count++;
        }
        xs[slot] = (groupArrivalMicros - firstArrivalMicros) / 1000.0;
        ys[slot] = smoothedMs;
        if (count == WINDOW) {
            trend = slope();
        }
        return trend;
    }

    /** How many delay variations went in (capped at 1000): the detector trusts a long history more. */
    int deltaCount() {
        return deltas;
    }

    double trend() {
        return trend;
    }

    private double slope() {
        double sumX = 0;
        double sumY = 0;
        for (int i = 0; i < count; i++) {
            sumX += xs[i];
            sumY += ys[i];
        }
        double meanX = sumX / count;
        double meanY = sumY / count;
        double num = 0;
        double den = 0;
        for (int i = 0; i < count; i++) {
            double dx = xs[i] - meanX;
            num += dx * (ys[i] - meanY);
            den += dx * dx;
        }
        // All points at one arrival time (a burst reported with equal times): no slope to see.
        return den == 0 ? trend : num / den;
    }

    void reset() {
        head = 0;
        count = 0;
        accumulatedMs = 0;
        smoothedMs = 0;
        firstArrivalMicros = Long.MIN_VALUE;
        trend = 0;
        deltas = 0;
    }
}
