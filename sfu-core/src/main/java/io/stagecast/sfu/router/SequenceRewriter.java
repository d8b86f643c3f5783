package io.stagecast.sfu.router;

import io.stagecast.sfu.rtp.SequenceNumbers;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The sequence numbers and timestamps one subscriber sees on one of our SSRCs: continuous across
 * changes of source (a simulcast layer switch, a WHEP slot's next track) and across packets we
 * drop on purpose (frames of a temporal layer the viewer does not get): a dropped packet leaves
 * no gap, since a gap reads as a loss to the receiver, which would NACK it, count it in its
 * reports, and hold its jitter buffer for it.
 *
 * <p>A packet that arrives late (reordered) behind packets dropped after it is numbered as if it
 * came in order: the last {@value #DROPS_REMEMBERED} drops are remembered for that. A packet
 * dropped late cannot give its number back (the ones after it are out): that rare gap is NACKed
 * and refused. Event loop only; no allocation.
 */
final class SequenceRewriter {
    static final int DROPS_REMEMBERED = 64;

    private final int clockRate;
    private boolean started;
    private int seqOffset;
    private long tsOffset;
    /** The newest input sequence of the current source (forwarded or dropped). */
    private int highestSeqIn;
    private int lastSeqOut;
    private long lastTsOut;
    private long lastOutNanos;
    private final int[] drops = new int[DROPS_REMEMBERED];
    private int dropCount;
    private int dropNext;

    SequenceRewriter(int clockRate) {
        this.clockRate = clockRate;
    }

    boolean started() {
        return started;
    }

    /**
     * The packet {@code seqIn}/{@code tsIn} starts a new source (the first, or a switch): its
     * numbers follow the last ones sent, the timestamp advanced by the wall time since then.
     */
    void startSource(int seqIn, long tsIn, long nowNanos) {
        if (!started) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            seqOffset = random.nextInt(1 << 15) - seqIn;
            tsOffset = (random.nextInt() & 0xFFFFFFFFL) - tsIn;
            started = true;
            lastSeqOut = (seqIn + seqOffset - 1) & 0xFFFF;
            lastTsOut = (tsIn + tsOffset) & 0xFFFFFFFFL;
        } else {
            seqOffset = lastSeqOut + 1 - seqIn;
            long elapsedTicks = Math.max(1, (nowNanos - lastOutNanos) * clockRate / 1_000_000_000L);
            tsOffset = lastTsOut + elapsedTicks - tsIn;
        }
        highestSeqIn = (seqIn - 1) & 0xFFFF;
        dropCount = 0;
    }

    /** Our sequence number for a forwarded packet of the current source. */
    int sequenceOut(int seqIn) {
        if (SequenceNumbers.isNewer(seqIn, highestSeqIn)) {
            highestSeqIn = seqIn;
            return (seqIn + seqOffset) & 0xFFFF;
        }
        int droppedAfter = 0;
        for (int i = 0; i < dropCount; i++) {
            if (SequenceNumbers.isNewer(drops[i], seqIn)) {
                droppedAfter++;
            }
        }
        return (seqIn + seqOffset + droppedAfter) & 0xFFFF;
    }

    long timestampOut(long tsIn) {
        return (tsIn + tsOffset) & 0xFFFFFFFFL;
    }

    /** A packet of the current source not forwarded: the packets after it close up. */
    void drop(int seqIn) {
        if (!SequenceNumbers.isNewer(seqIn, highestSeqIn)) {
            return; // late: its number is taken by now (see the class comment)
        }
        highestSeqIn = seqIn;
        seqOffset--;
        drops[dropNext] = seqIn;
        dropNext = (dropNext + 1) % DROPS_REMEMBERED;
        dropCount = Math.min(dropCount + 1, DROPS_REMEMBERED);
    }

    /** The packet went out as {@code seqOut}/{@code tsOut}: the newest so far is what a switch continues. */
    void onSent(int seqOut, long tsOut, long nowNanos) {
        if (SequenceNumbers.isNewer(seqOut, lastSeqOut)) {
            lastSeqOut = seqOut;
            lastTsOut = tsOut;
            lastOutNanos = nowNanos;
        }
    }

    /** Goes on from another rewriter's numbers on the same SSRC (a WHEP slot's next track). */
    void continueAfter(SequenceRewriter previous) {
        if (!previous.started) {
            return;
        }
        started = true;
        lastSeqOut = previous.lastSeqOut;
        lastTsOut = previous.lastTsOut;
        lastOutNanos = previous.lastOutNanos;
    }

    int lastSequenceOut() {
        return lastSeqOut;
    }

    long lastTimestampOut() {
        return lastTsOut;
    }

    long lastOutNanos() {
        return lastOutNanos;
    }
}
