package io.stagecast.sfu.rtcp;

import java.util.Arrays;

/**
 * Decides which packets of one received video SSRC to NACK (RFC 4585 6.2.1) and when.
 *
 * <p>Every sequence number skipped over becomes missing; a missing packet is asked for at most once
 * per round trip and at most {@code maxRetries} times, then given up. Only the newest
 * {@code maxTracked} sequence numbers are tracked: older gaps are forgotten, since a retransmission
 * would arrive too late to be played, and a jump wider than that is a discontinuity that only a
 * key frame repairs. {@link #gaveUpCount()} counts the packets abandoned either way, so the owner
 * can ask for a key frame when it grows.
 *
 * <p>Single-threaded; no allocation after construction.
 */
public final class NackGenerator {
    private static final long NEVER = Long.MIN_VALUE;
    private static final long EMPTY = Long.MIN_VALUE;

    private final int maxRetries;
    private final int mask;
    /** Extended sequence number each slot describes, so stale slots are recognised. */
    private final long[] seqOf;
    private final boolean[] missing;
    private final int[] retries;
    private final long[] lastSentNanos;
    private final SequenceUnwrapper unwrapper = new SequenceUnwrapper();
    private long highest;
    private int missingCount;
    private long recovered;
    private long gaveUp;

    public NackGenerator(int maxTracked, int maxRetries) {
        if (maxTracked < 2 || maxTracked > 1 << 15 || maxRetries < 1) {
            throw new IllegalArgumentException("maxTracked " + maxTracked + " (2..32768), maxRetries " + maxRetries);
        }
        int size = Integer.highestOneBit(maxTracked - 1) << 1;
        this.maxRetries = maxRetries;
        this.mask = size - 1;
        this.seqOf = new long[size];
        this.missing = new boolean[size];
        this.retries = new int[size];
        this.lastSentNanos = new long[size];
        Arrays.fill(seqOf, EMPTY);
    }

    /** Records a received packet, original or retransmitted, and any gap it reveals. */
    public void onPacket(int seq, long nowNanos) {
        if (!unwrapper.started()) {
            highest = unwrapper.unwrap(seq);
            track(highest, false);
            return;
        }
        long extended = unwrapper.peek(seq);
        if (extended > highest) {
            int window = mask + 1;
            if (extended - highest > window) {
                forgetAll();
            } else {
                for (long s = highest + 1; s < extended; s++) {
                    track(s, true);
                }
            }
            unwrapper.unwrap(seq);
            highest = extended;
            track(extended, false);
        } else {
            int slot = slot(extended);
            if (seqOf[slot] == extended && missing[slot]) {
                missing[slot] = false;
                missingCount--;
                recovered++;
            }
        }
    }

    private void track(long seq, boolean isMissing) {
        int slot = slot(seq);
        if (missing[slot]) {
            // The slot's previous gap is now too old to be worth asking for.
            missingCount--;
            gaveUp++;
        }
        seqOf[slot] = seq;
        missing[slot] = isMissing;
        retries[slot] = 0;
        lastSentNanos[slot] = NEVER;
        if (isMissing) {
            missingCount++;
        }
    }

    /**
     * The stream resumes after a pause its sender chose (a relayed layer the other node stopped
     * and asks for again): the packets skipped meanwhile were never meant for us, so nothing
     * missing is kept (nor counted as given up) and the next packet starts afresh.
     */
    public void restart() {
        clear();
        unwrapper.reset();
    }

    private void forgetAll() {
        gaveUp += missingCount;
        clear();
    }

    private void clear() {
        missingCount = 0;
        Arrays.fill(missing, false);
        Arrays.fill(seqOf, EMPTY);
    }

    /**
     * Writes into {@code out} the sequence numbers to NACK now, oldest first, and returns how many.
     * A packet is asked for again only once {@code rttNanos} passed since the last request.
     */
    public int collect(long nowNanos, long rttNanos, int[] out) {
        if (missingCount == 0) {
            return 0;
        }
        int n = 0;
        for (long s = highest - mask; s <= highest && n < out.length; s++) {
            int slot = slot(s);
            if (seqOf[slot] != s || !missing[slot]) {
                continue;
            }
            if (retries[slot] >= maxRetries) {
                missing[slot] = false;
                missingCount--;
                gaveUp++;
                continue;
            }
            if (lastSentNanos[slot] == NEVER || nowNanos - lastSentNanos[slot] >= rttNanos) {
                out[n++] = (int) (s & 0xFFFF);
                lastSentNanos[slot] = nowNanos;
                retries[slot]++;
            }
        }
        return n;
    }

    /** Packets currently missing and still being asked for. */
    public int missingCount() {
        return missingCount;
    }

    /** Missing packets that arrived later (retransmitted or reordered). */
    public long recoveredCount() {
        return recovered;
    }

    /** Missing packets given up: out of retries, too old, or lost in a discontinuity. */
    public long gaveUpCount() {
        return gaveUp;
    }

    private int slot(long seq) {
        return (int) (seq & mask);
    }
}
