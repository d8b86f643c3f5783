package io.stagecast.sfu.bwe;

/**
 * The packets sent to one subscriber, by transport-wide sequence number, until their feedback
 * comes back: size, send time and probe cluster, so that a feedback status can be turned into a
 * (send time, arrival time, size) sample. A ring of {@value #CAPACITY} slots indexed by the
 * unwrapped sequence number; at 30 Mbit/s of 1200-byte packets that is about 2.6 s of history,
 * far longer than the feedback interval (50-100 ms) plus a round trip.
 *
 * <p>Single-threaded (the subscriber transport's event loop); no allocation after construction.
 */
final class SentPacketHistory {
    static final int CAPACITY = 8192;
    private static final int MASK = CAPACITY - 1;

    /** Nothing recorded in this slot for its sequence number. */
    static final byte EMPTY = 0;
    /** Sent, no status reported yet. */
    static final byte SENT = 1;
    /** A feedback said it arrived; later statuses for it are duplicates. */
    static final byte RECEIVED = 2;
    /** A feedback said it was lost; it may still arrive late (reordering). */
    static final byte REPORTED_LOST = 3;

    /*
     * A slot is three longs side by side: the unwrapped sequence number, the send time, and
     * (probe cluster << 32 | state << 24 | size). Recording a send writes one or two cache lines;
     * five parallel arrays were five misses per subscriber packet, the estimator's whole cost in
     * the egress benchmark's profile (~10% of it at fan-out 100).
     */
    private static final int STRIDE = 3;
    private static final int SEQ = 0;
    private static final int SEND_NANOS = 1;
    private static final int PACKED = 2;
    private static final int SIZE_MASK = 0xFFFFFF;
    private final long[] slots = new long[CAPACITY * STRIDE];
    private long highest = -1;

    /** Records a packet; returns its unwrapped sequence number. */
    long onSent(int transportSeq, int sizeBytes, long nanos, int probeClusterId) {
        long seq = unwrap(transportSeq);
        if (seq > highest) {
            highest = seq;
        }
        int at = (int) (seq & MASK) * STRIDE;
        slots[at + SEQ] = seq;
        slots[at + SEND_NANOS] = nanos;
        slots[at + PACKED] = pack(probeClusterId, SENT, sizeBytes);
        return seq;
    }

    private static long pack(int cluster, byte state, int size) {
        return (long) cluster << 32 | (long) state << 24 | Math.min(size, SIZE_MASK);
    }

    /**
     * The slot of a packet a feedback reports, or -1 when we never sent it or it fell out of the
     * history (the remote side is confused, or the feedback is very late).
     */
    int find(int transportSeq) {
        if (highest < 0) {
            return -1;
        }
        long seq = unwrap(transportSeq);
        if (seq > highest || seq <= highest - CAPACITY) {
            return -1;
        }
        int slot = (int) (seq & MASK);
        return slots[slot * STRIDE + SEQ] == seq && state(slot) != EMPTY ? slot : -1;
    }

    /** The 64-bit value nearest to the highest sent, as RFC 3550 A.1 extends sequence numbers. */
    private long unwrap(int transportSeq) {
        int seq16 = transportSeq & 0xFFFF;
        if (highest < 0) {
            // One cycle up, so that a packet sent out of order before the first stays positive.
            return 0x1_0000L + seq16;
        }
        return highest + (short) (seq16 - (int) (highest & 0xFFFF));
    }

    long highest() {
        return highest;
    }

    int size(int slot) {
        return (int) slots[slot * STRIDE + PACKED] & SIZE_MASK;
    }

    long sendNanos(int slot) {
        return slots[slot * STRIDE + SEND_NANOS];
    }

    int cluster(int slot) {
        return (int) (slots[slot * STRIDE + PACKED] >> 32);
    }

    byte state(int slot) {
        return (byte) (slots[slot * STRIDE + PACKED] >>> 24);
    }

    void setState(int slot, byte state) {
        int at = slot * STRIDE + PACKED;
        long packed = slots[at];
        slots[at] = packed & ~(0xFFL << 24) | (long) state << 24;
    }
}
