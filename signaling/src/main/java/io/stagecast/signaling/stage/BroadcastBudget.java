package io.stagecast.signaling.stage;

/**
 * A room-wide budget of deliveries for what people post to everyone (chat messages, reactions):
 * each person's own rate limit bounds what one person asks, not what a large room asks of its
 * node, where one message is one write to each of N sessions and N people may each post at their
 * limit (N^2 writes a second). Measured (docs/benchmarks.md, "A large room's signaling at its
 * origin"): 10-50 us of the node's CPU per delivery, so {@link #DELIVERIES_PER_SECOND} is a few
 * tenths of a core at most. A token bucket counted in deliveries: a post costs the room's size and
 * is refused ({@code rate_limited}) when the bucket holds less; up to {@link #BURST_SECONDS} of it
 * may be spent at once. In a room of 50 that is 400 posts a second (never reached by people); of
 * 1,000, 20; of 5,000, 4: the chat of a large room slows down instead of its node. Moderators'
 * posts always pass (an announcement in a flooded room must get out) and use it up too.
 */
final class BroadcastBudget {
    static final long DELIVERIES_PER_SECOND = 20_000;
    static final long BURST_SECONDS = 2;
    private static final long CAPACITY = DELIVERIES_PER_SECOND * BURST_SECONDS;

    private long tokens = CAPACITY;
    private long lastRefillNanos;

    BroadcastBudget(long nowNanos) {
        this.lastRefillNanos = nowNanos;
    }

    /** Whether a post to {@code recipients} people fits now; it does not spend. */
    boolean allows(long nowNanos, int recipients) {
        refill(nowNanos);
        return tokens >= Math.min(recipients, CAPACITY);
    }

    /** Spends a post to {@code recipients} people (never below empty: a moderator's post that did not fit empties it). */
    void spend(long nowNanos, int recipients) {
        refill(nowNanos);
        tokens = Math.max(0, tokens - recipients);
    }

    /** A fraction of a delivery earned between two calls is dropped: one in tens of thousands a second. */
    private void refill(long nowNanos) {
        long elapsed = nowNanos - lastRefillNanos;
        if (elapsed >= BURST_SECONDS * 1_000_000_000L) {
            tokens = CAPACITY; // also keeps the product below from overflowing after a long quiet
            lastRefillNanos = nowNanos;
            return;
        }
        long earned = elapsed * DELIVERIES_PER_SECOND / 1_000_000_000L;
        if (earned > 0) {
            tokens = Math.min(CAPACITY, tokens + earned);
            lastRefillNanos = nowNanos;
        }
    }
}
