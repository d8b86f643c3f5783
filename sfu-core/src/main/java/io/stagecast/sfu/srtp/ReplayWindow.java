package io.stagecast.sfu.srtp;

/**
 * The replay list of one received stream (RFC 3711 3.3.2): the highest authenticated index and a
 * bitmap of which of the {@value #SIZE} indices at and below it were seen. 128 as in libsrtp, twice
 * RFC 3711's minimum of 64, so a burst of reordering on a fast video stream is not mistaken for replay.
 * Indices are SRTP's 48-bit packet index or SRTCP's 31-bit index.
 */
final class ReplayWindow {
    static final int SIZE = 128;

    /** -1 until the first packet is accepted. */
    private long highest = -1;
    /** Bit i of {@code recent} (i < 64) or of {@code older} (i - 64) is set if highest - i was seen. */
    private long recent;
    private long older;

    long highest() {
        return highest;
    }

    /** Whether {@code index} was accepted before or lies below the window. */
    boolean isReplay(long index) {
        if (highest < 0) {
            return false;
        }
        long behind = highest - index;
        if (behind < 0) {
            return false;
        }
        if (behind >= SIZE) {
            return true;
        }
        long bits = behind < 64 ? recent : older;
        return (bits >>> (behind & 63) & 1) != 0;
    }

    /** Records {@code index} as received; call only after the packet authenticated. */
    void accept(long index) {
        long ahead = index - highest;
        if (highest < 0 || ahead >= SIZE) {
            recent = 1;
            older = 0;
            highest = index;
        } else if (ahead > 0) {
            int n = (int) ahead;
            if (n >= 64) {
                older = recent << (n - 64);
                recent = 0;
            } else {
                older = (older << n) | (recent >>> (64 - n));
                recent <<= n;
            }
            recent |= 1;
            highest = index;
        } else {
            int behind = (int) -ahead;
            if (behind < 64) {
                recent |= 1L << behind;
            } else if (behind < SIZE) {
                older |= 1L << (behind - 64);
            }
        }
    }

    void reset() {
        highest = -1;
        recent = 0;
        older = 0;
    }
}
