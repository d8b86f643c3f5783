package io.stagecast.sfu.srtp;

import org.agrona.collections.Int2ObjectHashMap;

/**
 * The crypto contexts of one direction and one protocol (SRTP or SRTCP), keyed by SSRC, with a hard
 * cap so a peer spraying SSRCs cannot make us derive and keep unbounded key material.
 *
 * <p>The last context found is kept beside the map: a subscriber's packets come in runs of one
 * SSRC (a video frame's packets), and with many subscribers the map's arrays are cache misses
 * that the egress profile showed at ~5% of the media loop.
 */
final class SsrcContexts<T> {
    private final int limit;
    private final Int2ObjectHashMap<T> bySsrc;
    private int lastSsrc;
    private T last;

    SsrcContexts(int limit) {
        this.limit = limit;
        // Sized so that reaching the limit never triggers a rehash.
        this.bySsrc = new Int2ObjectHashMap<>(limit * 2, 0.65f);
    }

    T get(int ssrc) {
        if (last != null && ssrc == lastSsrc) {
            return last;
        }
        T found = bySsrc.get(ssrc);
        if (found != null) {
            lastSsrc = ssrc;
            last = found;
        }
        return found;
    }

    boolean isFull() {
        return bySsrc.size() >= limit;
    }

    void put(int ssrc, T context) {
        bySsrc.put(ssrc, context);
        lastSsrc = ssrc;
        last = context;
    }

    int size() {
        return bySsrc.size();
    }

    void clear() {
        bySsrc.clear();
        last = null;
    }
}
