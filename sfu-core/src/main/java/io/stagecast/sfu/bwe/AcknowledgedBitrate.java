package io.stagecast.sfu.bwe;

/**
 * The rate at which packets reached the subscriber, from the arrival times its feedback reports:
 * the bytes that arrived in the last {@value #WINDOW_MICROS} us of remote time. This is the
 * "acknowledged bitrate" the rate control decreases from on overuse (draft-ietf-rmcat-gcc-02 5.5
 * uses the incoming rate R_hat measured over a 0.5-1 s window; libwebrtc's estimator adapts from
 * 500 ms down to 150 ms, 300 ms is between and keeps the quantisation of 250 us deltas far below
 * 1 %).
 *
 * <p>A ring of arrivals; no allocation after construction.
 */
final class AcknowledgedBitrate {
    static final long WINDOW_MICROS = 300_000;
    /** Before this much remote time has been seen the rate is not trusted. */
    private static final long MIN_SPAN_MICROS = 150_000;
    private static final int CAPACITY = 4096;
    private static final int MASK = CAPACITY - 1;

    private final long[] arrivals = new long[CAPACITY];
    private final int[] sizes = new int[CAPACITY];
    private int head;
    private int count;
    private long bytes;
    private long first = Long.MIN_VALUE;
    private long latest = Long.MIN_VALUE;

    /** One packet the feedback reported received, in (roughly) arrival order. */
    void onReceived(long arrivalMicros, int sizeBytes) {
        if (first == Long.MIN_VALUE) {
            first = arrivalMicros;
        }
        if (arrivalMicros > latest) {
            latest = arrivalMicros;
        }
        if (count == CAPACITY) {
            evictHead();
        }
        int slot = (head + count) & MASK;
        arrivals[slot] = arrivalMicros;
        sizes[slot] = sizeBytes;
        count++;
        bytes += sizeBytes;
        while (count > 0 && arrivals[head] <= latest - WINDOW_MICROS) {
            evictHead();
        }
    }

    private void evictHead() {
        bytes -= sizes[head];
        head = (head + 1) & MASK;
        count--;
    }

    /** Bits per second, or -1 while too little has arrived to say. */
    long bps() {
        if (first == Long.MIN_VALUE) {
            return -1;
        }
        long span = Math.min(WINDOW_MICROS, latest - first);
        if (span < MIN_SPAN_MICROS) {
            return -1;
        }
        if (count == CAPACITY) {
            // The ring is full, so it holds less than the window: the rate over what it holds.
            span = Math.min(span, Math.max(latest - arrivals[head], MIN_SPAN_MICROS));
        }
        return bytes * 8 * 1_000_000 / span;
    }

    void reset() {
        head = 0;
        count = 0;
        bytes = 0;
        first = Long.MIN_VALUE;
        latest = Long.MIN_VALUE;
    }
}
