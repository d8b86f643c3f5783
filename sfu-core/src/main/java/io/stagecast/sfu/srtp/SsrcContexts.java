package io.stagecast.sfu.srtp;

import org.agrona.collections.Int2ObjectHashMap;

/**
 * The crypto contexts of one direction and one protocol (SRTP or SRTCP), keyed by SSRC, with a hard
 * cap so a peer spraying SSRCs cannot make us derive and keep unbounded key material.
 */
final class SsrcContexts<T> {
    private final int limit;
    private final Int2ObjectHashMap<T> bySsrc;

    SsrcContexts(int limit) {
        this.limit = limit;
        // Sized so that reaching the limit never triggers a rehash.
        this.bySsrc = new Int2ObjectHashMap<>(limit * 2, 0.65f);
    }

    T get(int ssrc) {
        return bySsrc.get(ssrc);
    }

    boolean isFull() {
        return bySsrc.size() >= limit;
    }

    void put(int ssrc, T context) {
        bySsrc.put(ssrc, context);
    }

    int size() {
        return bySsrc.size();
    }

    void clear() {
        bySsrc.clear();
    }
}
