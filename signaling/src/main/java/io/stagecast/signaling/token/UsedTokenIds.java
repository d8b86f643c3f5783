package io.stagecast.signaling.token;

import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The ids of single-use tokens already redeemed, each remembered until its token could no longer
 * be accepted anyway (expiry plus clock skew); after that a replay fails on expiry instead.
 * Bounded: when full of still-valid ids it refuses new ones rather than forgetting a live one,
 * which would let that token be replayed. Joins are rare, so a monitor is fine here.
 */
final class UsedTokenIds {

    enum Outcome { FIRST_USE, REPLAYED, FULL }

    private record Entry(String tokenId, Instant forgetAt) {
    }

    private final int capacity;
    private final Map<String, Instant> forgetAtById = new HashMap<>();
    private final PriorityQueue<Entry> byForgetAt = new PriorityQueue<>(Comparator.comparing(Entry::forgetAt));

    UsedTokenIds(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
    }

    synchronized Outcome markUsed(String tokenId, Instant forgetAt, Instant now) {
        forgetExpired(now);
        if (forgetAtById.containsKey(tokenId)) {
            return Outcome.REPLAYED;
        }
        if (forgetAtById.size() >= capacity) {
            return Outcome.FULL;
        }
        forgetAtById.put(tokenId, forgetAt);
        byForgetAt.add(new Entry(tokenId, forgetAt));
        return Outcome.FIRST_USE;
    }

    synchronized boolean contains(String tokenId, Instant now) {
        forgetExpired(now);
        return forgetAtById.containsKey(tokenId);
    }

    /** Un-redeems an id (its join was refused). Linear in the ids remembered, like joins rare. */
    synchronized void forget(String tokenId) {
        Instant forgetAt = forgetAtById.remove(tokenId);
        if (forgetAt != null) {
            byForgetAt.remove(new Entry(tokenId, forgetAt));
        }
    }

    synchronized int size() {
        return forgetAtById.size();
    }

    int capacity() {
        return capacity;
    }

    private void forgetExpired(Instant now) {
        Entry oldest;
        while ((oldest = byForgetAt.peek()) != null && oldest.forgetAt().isBefore(now)) {
            byForgetAt.poll();
            forgetAtById.remove(oldest.tokenId());
        }
    }
}
