package io.stagecast.signaling.stage;

/**
 * At most {@code burst} actions in any sliding window: a ring of the last {@code burst} action
 * times. {@link #allows} only looks, {@link #record} only writes, so a refused action leaves it
 * untouched.
 */
public final class RateWindow {
    private final long[] times;
    private final long windowNanos;
    private int next;
    private int count;

    public RateWindow(int burst, long windowNanos) {
        this.times = new long[burst];
        this.windowNanos = windowNanos;
    }

    public boolean allows(long now) {
        // The slot to be overwritten next holds the oldest of the last `burst` actions.
        return count < times.length || now - times[next] >= windowNanos;
    }

    public void record(long now) {
        times[next] = now;
        next = (next + 1) % times.length;
        count = Math.min(count + 1, times.length);
    }

    @Override
    public String toString() {
        return "RateWindow" + java.util.Arrays.toString(times) + "@" + next + "/" + count;
    }
}
