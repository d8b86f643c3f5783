package io.stagecast.sfu.router;

import io.stagecast.sfu.rtp.RtpPacket;

import java.util.Arrays;

/**
 * Packets relayed from one loop to another in one task ({@link LoopRelay}): their bytes back to
 * back in one array, and per packet the replica it is for and its stream. Filled on the source
 * loop, run on the target loop (Netty's task queue orders the hand-over), then recycled.
 */
final class RelayBatch implements Runnable {
    /**
     * A read cycle of a paced publisher holds one or two packets, so a batch is small (16
     * full-size packets, 24 KB) and a relay keeps many of them ({@link LoopRelay#MAX_BATCHES}):
     * what bounds a stall of the target loop is the number of batches out, one per read cycle.
     */
    static final int MAX_PACKETS = 16;
    static final int BYTES = MAX_PACKETS * 1500;

    private final LoopRelay relay;
    private final byte[] data = new byte[BYTES];
    private final int[] offsets = new int[MAX_PACKETS];
    private final int[] lengths = new int[MAX_PACKETS];
    private final int[] layers = new int[MAX_PACKETS];
    private final ProducerReplica[] replicas = new ProducerReplica[MAX_PACKETS];
    private final RtpPacket view = new RtpPacket();
    private int count;
    private int used;

    RelayBatch(LoopRelay relay) {
        this.relay = relay;
    }

    boolean fits(int length) {
        return count < MAX_PACKETS && used + length <= BYTES;
    }

    boolean isEmpty() {
        return count == 0;
    }

    void add(ProducerReplica replica, int layer, byte[] buffer, int offset, int length) {
        System.arraycopy(buffer, offset, data, used, length);
        offsets[count] = used;
        lengths[count] = length;
        layers[count] = layer;
        replicas[count] = replica;
        count++;
        used += length;
    }

    /** On the target loop: every packet to its replica, then back to the relay. */
    @Override
    public void run() {
        long now = System.nanoTime();
        try {
            for (int i = 0; i < count; i++) {
                replicas[i].onRelayed(layers[i], view.wrap(data, offsets[i], lengths[i]), now);
            }
        } finally {
            // Even after a failure: a batch not returned would be one fewer for the relay forever.
            Arrays.fill(replicas, 0, count, null);
            count = 0;
            used = 0;
            relay.recycle(this);
        }
    }
}
