package io.stagecast.sfu.router;

/**
 * The last packets of one received stream, by sequence number, for answering NACKs
 * (RFC 4585 6.2.1) without asking the publisher. Preallocated slots: storing is one copy.
 */
public final class PacketCache {
    private final byte[][] slots;
    private final int[] lengths;
    private final int[] sequence;
    private final int mask;

    /** @param size a power of two: how many packets back a retransmission can reach */
    public PacketCache(int size, int maxPacket) {
        if (Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("cache size must be a power of two: " + size);
        }
        slots = new byte[size][maxPacket];
        lengths = new int[size];
        sequence = new int[size];
        mask = size - 1;
        java.util.Arrays.fill(sequence, -1);
    }

    public void put(int seq, byte[] buf, int off, int len) {
        int i = seq & mask;
        if (len > slots[i].length) {
            lengths[i] = 0;
            sequence[i] = -1;
            return;
        }
        System.arraycopy(buf, off, slots[i], 0, len);
        lengths[i] = len;
        sequence[i] = seq;
    }

    /** The slot's array holding {@code seq}, or null when that packet is gone. */
    public byte[] get(int seq) {
        int i = seq & mask;
        return sequence[i] == seq ? slots[i] : null;
    }

    /** Length of the packet held for {@code seq}; only meaningful after {@link #get} found it. */
    public int length(int seq) {
        return lengths[seq & mask];
    }
}
