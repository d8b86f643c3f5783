package io.stagecast.sfu.transport;

/**
 * How much one subscriber may be sent in retransmissions: a token bucket filled by a quarter of
 * every media byte it is sent, plus a floor of {@value #FLOOR_BYTES_PER_SECOND} bytes/s so that a
 * subscriber of a quiet or low-rate stream can still recover a loss, holding at most
 * {@value #BURST_BYTES} bytes (about 80 full packets: one lost burst of a keyframe).
 *
 * <p>Why: a NACK costs its sender 16 bytes per 17 packets it names, and every answer is a full
 * packet, so without a budget one subscriber could make the node send 2,000 times what it sends
 * (issue 8, item 16). Tied to the subscriber's own rate, the worst it can cause is its own stream
 * plus a quarter, over a burst; no other subscriber's share is touched.
 *
 * <p>Over any interval, retransmitted bytes are at most {@code BURST_BYTES + sent / 4 +
 * FLOOR_BYTES_PER_SECOND * seconds}. Single-threaded (the transport's event loop); no allocation.
 */
public final class RetransmissionBudget {
    /** Retransmissions may use a quarter of what is sent: a media byte adds one token, a retransmitted byte costs four. */
    public static final int SHARE_DIVISOR = 4;
    public static final long FLOOR_BYTES_PER_SECOND = 16_000;
    public static final long BURST_BYTES = 96_000;
    private static final long CAPACITY = BURST_BYTES * SHARE_DIVISOR;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** In quarter bytes; starts full so a new subscriber can recover its first loss at once. */
    private long tokens = CAPACITY;
    private long lastRefillNanos;
    private boolean refilled;

    /** Media packets of {@code bytes} in all went to the subscriber (not retransmissions). */
    public void onSent(long bytes) {
        tokens = Math.min(CAPACITY, tokens + bytes);
    }

    /** Adds the floor's share for the time since the last call; called once per tick. */
    public void refill(long nowNanos) {
        if (refilled) {
            long elapsed = Math.max(0, nowNanos - lastRefillNanos);
            tokens = Math.min(CAPACITY, tokens + elapsed * FLOOR_BYTES_PER_SECOND * SHARE_DIVISOR / NANOS_PER_SECOND);
        }
        lastRefillNanos = nowNanos;
        refilled = true;
    }

    /** Takes {@code bytes} of retransmission if the budget holds them; false (nothing taken) if not. */
    public boolean tryTake(int bytes) {
        long cost = (long) bytes * SHARE_DIVISOR;
        if (tokens < cost) {
            return false;
        }
        tokens -= cost;
        return true;
    }

    /** Bytes of retransmission the budget holds now. */
    public long available() {
        return tokens / SHARE_DIVISOR;
    }
}
