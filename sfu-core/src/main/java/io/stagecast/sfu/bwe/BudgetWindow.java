package io.stagecast.sfu.bwe;

/**
 * The lowest and highest budget of the last {@link #WINDOW_NANOS}, in 100-ms buckets (a fixed
 * ring: allocation-free, whatever the call rate). The lowest is what a step up must fit for it
 * to be taken ("the budget has exceeded it for that long"); the highest is what the desired
 * layer follows, so a layer is asked for at once but paused at the source only once the budget
 * has stayed below it for that long.
 */
final class BudgetWindow {
    /** How long a higher budget must last before the allocation follows it up. */
    static final long WINDOW_NANOS = 1_500_000_000L;
    private static final long BUCKET_NANOS = 100_000_000L;
    /** The longest window {@link #lowestOver} looks back (a step that failed repeatedly waits that long). */
    static final long LONGEST_NANOS = 6_000_000_000L;
    private static final int BUCKETS = 64; // > LONGEST / BUCKET

    private final long[] bucketOf = new long[BUCKETS];
    private final long[] low = new long[BUCKETS];
    private final long[] high = new long[BUCKETS];
    private long lowest;
    private long highest;

    BudgetWindow() {
        java.util.Arrays.fill(bucketOf, Long.MIN_VALUE);
    }

    void record(long budgetBps, long nowNanos) {
        long bucket = Math.floorDiv(nowNanos, BUCKET_NANOS);
        int slot = (int) Math.floorMod(bucket, BUCKETS);
        if (bucketOf[slot] != bucket) {
            bucketOf[slot] = bucket;
            low[slot] = budgetBps;
            high[slot] = budgetBps;
        } else {
            low[slot] = Math.min(low[slot], budgetBps);
            high[slot] = Math.max(high[slot], budgetBps);
        }
        long oldest = bucket - WINDOW_NANOS / BUCKET_NANOS;
        lowest = Long.MAX_VALUE;
        highest = Long.MIN_VALUE;
        for (int k = 0; k < BUCKETS; k++) {
            if (bucketOf[k] >= oldest && bucketOf[k] <= bucket) {
                lowest = Math.min(lowest, low[k]);
                highest = Math.max(highest, high[k]);
            }
        }
    }

    long lowest() {
        return lowest;
    }

    /** The lowest budget of the last {@code windowNanos} (at most {@link #LONGEST_NANOS}) up to the last record. */
    long lowestOver(long windowNanos) {
        long newest = Long.MIN_VALUE;
        for (long b : bucketOf) {
            newest = Math.max(newest, b);
        }
        long oldest = newest - Math.min(windowNanos, LONGEST_NANOS) / BUCKET_NANOS;
        long min = Long.MAX_VALUE;
        for (int k = 0; k < BUCKETS; k++) {
            if (bucketOf[k] >= oldest && bucketOf[k] <= newest) {
                min = Math.min(min, low[k]);
            }
        }
        return min;
    }

    long highest() {
        return highest;
    }
}
