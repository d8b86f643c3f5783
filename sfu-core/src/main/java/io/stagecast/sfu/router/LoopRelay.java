package io.stagecast.sfu.router;

import io.netty.channel.EventLoop;
import io.stagecast.sfu.rtp.RtpPacket;
import io.netty.util.internal.PlatformDependent;

import java.util.Queue;

/**
 * One router's packets from one media loop to another: each packet of a producer whose replica
 * lives on the target loop is copied once into the current {@link RelayBatch}; the batch goes to
 * the target loop as one task when the source loop has finished its read cycle (a task the
 * source queues on itself when the batch gets its first packet runs after the I/O of that cycle),
 * or at once when full. So a loop hands over one task per read cycle per target loop, not one per
 * packet, and never one per subscriber.
 *
 * <p>Bounded: at most {@value #MAX_BATCHES} batches are out per relay; when the target loop is
 * that far behind, a packet is dropped and counted rather than queued without end. Batches come
 * back through a bounded lock-free queue (the target loop offers, the source polls), so the steady state allocates nothing. Source loop only, except {@link #recycle}.
 */
final class LoopRelay {
    /**
     * Batches out at once: one per read cycle of the source loop, which for a paced publisher is
     * one or two packets, so this is how many read cycles the target loop may fall behind
     * (~0.6 s of a 1.5 Mbit/s stream) before packets are dropped. At 16 a target loop held up for
     * ~80 ms under a loaded 2-core CI machine dropped a packet twice in 90 s, each a 2 s freeze
     * at the viewer until the next keyframe (InteropEndToEndTest). At most 3 MB per relay, made
     * only when needed.
     */
    static final int MAX_BATCHES = 128;

    private final EventLoop source;
    private final EventLoop target;
    private final RouterShard targetShard;
    /**
     * Netty's bounded lock-free array queue (JCTools' MPSC, shaded in Netty): Agrona's would need
     * jdk.internal.misc exported to the node's classpath.
     */
    private final Queue<RelayBatch> free = PlatformDependent.newFixedMpscQueue(MAX_BATCHES);
    private final Runnable flushAfterRead = this::flushAfterRead;
    private RelayBatch current;
    private int batches;
    private boolean flushQueued;
    /** Packets dropped because the target loop was {@value #MAX_BATCHES} batches behind; read by the tick. */
    private long dropped;

    LoopRelay(EventLoop source, RouterShard target) {
        this.source = source;
        this.target = target.loop();
        this.targetShard = target;
    }

    /**
     * Source loop: {@code rtp} of stream {@code layer} goes to {@code replica} on the target loop.
     * Returns false when it was dropped (counted): the replica's viewers will miss it.
     */
    boolean add(ProducerReplica replica, int layer, RtpPacket rtp) {
        int length = rtp.length();
        if (current != null && !current.fits(length)) {
            flush();
        }
        if (current == null) {
            current = take();
            if (current == null) {
                dropped++;
                return false;
            }
        }
        current.add(replica, layer, rtp.buffer(), rtp.offset(), length);
        if (!flushQueued) {
            flushQueued = true;
            source.execute(flushAfterRead);
        }
        return true;
    }

    private void flushAfterRead() {
        flushQueued = false;
        flush();
    }

    private void flush() {
        RelayBatch batch = current;
        if (batch != null && !batch.isEmpty()) {
            current = null;
            target.execute(batch);
        }
    }

    private RelayBatch take() {
        RelayBatch batch = free.poll();
        if (batch == null && batches < MAX_BATCHES) {
            batches++;
            batch = new RelayBatch(this);
        }
        return batch;
    }

    /**
     * Target loop: a batch is done with. What its packets made the target's consumers queue
     * leaves now: the target loop ran this as a task, after its own read batch's flush.
     */
    void recycle(RelayBatch batch) {
        targetShard.flush();
        free.offer(batch);
    }

    /** Packets dropped since the last call (source loop). */
    long takeDropped() {
        long n = dropped;
        dropped = 0;
        return n;
    }
}
