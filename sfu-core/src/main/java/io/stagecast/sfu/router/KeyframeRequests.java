package io.stagecast.sfu.router;

/**
 * Keyframe requests (PLI, RFC 4585 6.3.1) towards the publisher of one stream, aggregated: every
 * subscriber that starts, switches or loses its picture asks, but the publisher hears at most one
 * request per {@value #INTERVAL_MS} ms, and a request still unanswered then is repeated (a PLI
 * can be lost too). Event loop only; no allocation.
 */
final class KeyframeRequests {
    static final long INTERVAL_MS = 500;
    private static final long INTERVAL_NANOS = INTERVAL_MS * 1_000_000L;

    private boolean wanted;
    private long lastSentNanos = Long.MIN_VALUE / 2;
    private long sent;

    /** Someone needs a keyframe; true when a PLI should go out now. */
    boolean request(long nowNanos) {
        wanted = true;
        return sendIfDue(nowNanos);
    }

    /** Wanted, but nothing may be sent yet (the stream's SSRC is still unknown): the tick sends it. */
    void markWanted() {
        wanted = true;
    }

    /** A keyframe arrived: every request so far is answered. */
    void onKeyframe() {
        wanted = false;
    }

    /** Per tick: true when a request is still unanswered after the interval (send it again). */
    boolean retryDue(long nowNanos) {
        return wanted && sendIfDue(nowNanos);
    }

    boolean isWanted() {
        return wanted;
    }

    /** PLIs this stream asked to send so far. */
    long sent() {
        return sent;
    }

    private boolean sendIfDue(long nowNanos) {
        if (nowNanos - lastSentNanos < INTERVAL_NANOS) {
            return false;
        }
        lastSentNanos = nowNanos;
        sent++;
        return true;
    }
}
