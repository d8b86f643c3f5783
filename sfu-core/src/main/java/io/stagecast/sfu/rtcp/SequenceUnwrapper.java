package io.stagecast.sfu.rtcp;

/**
 * Extends 16-bit sequence numbers to a monotonic 64-bit space: each new number is placed at the
 * candidate nearest to the highest seen so far, so reordering within half the space is handled.
 */
final class SequenceUnwrapper {
    private long highest;
    private boolean started;

    /** The extended value of {@code seq}; also advances the highest when it is newer. */
    long unwrap(int seq) {
        seq &= 0xFFFF;
        if (!started) {
            started = true;
            // Start one cycle up so that packets reordered before the first stay non-negative.
            highest = 0x1_0000L + seq;
            return highest;
        }
        int delta = (short) (seq - (int) (highest & 0xFFFF));
        long extended = highest + delta;
        if (extended > highest) {
            highest = extended;
        }
        return extended;
    }

    /** The extended value {@code seq} would get, without remembering it. */
    long peek(int seq) {
        if (!started) {
            return 0x1_0000L + (seq & 0xFFFF);
        }
        return highest + (short) ((seq & 0xFFFF) - (int) (highest & 0xFFFF));
    }

    boolean started() {
        return started;
    }

    long highest() {
        return highest;
    }

    void reset() {
        started = false;
        highest = 0;
    }
}
