package io.stagecast.sfu.router;

import io.netty.util.ReferenceCountUtil;
import io.stagecast.sfu.buffer.PacketBuffer;
import io.stagecast.sfu.transport.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What forwarding one packet to one subscriber allocates (AES-CM), the publisher's receive side
 * and Netty's write path included: measured 172 B with a promise per write, 125 B with the one
 * void promise; what is left is Netty's {@code DatagramPacket} envelope and the embedded
 * channel's queue. The bound catches a regression, e.g. a promise or a view per packet again.
 */
class EgressAllocationTest {
    private final EmbeddedRoom room = new EmbeddedRoom();

    @AfterEach
    void close() {
        room.close();
    }

    @Test
    void forwardingAPacketAllocatesNoMoreThanNettysEnvelope() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Transport publisher = room.transport();
        Producer video = room.video(publisher, 0x1111);
        Transport subscriber = room.transport();
        room.consume(subscriber, video, 0xC1, 0xC2);
        byte[] key = TestMedia.vp8(0x1111, 0, 0, 1, 0, 0, false, true, 640, 360, 1000);
        byte[] delta = TestMedia.vp8(0x1111, 0, 0, 1, 0, 0, false, false, 0, 0, 1000);
        PacketBuffer view = new PacketBuffer(delta);
        room.receive(publisher, key, System.nanoTime());
        room.sent();
        long perPacket = 0;
        for (int round = 0; round < 2; round++) {
            long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
            for (int i = 1; i <= 20_000; i++) {
                int seq = round * 20_000 + i;
                delta[2] = (byte) (seq >> 8);
                delta[3] = (byte) seq;
                room.path.receiveDecryptedRtp(publisher, view.wrap(delta, 0, delta.length), System.nanoTime());
                room.channel.flushOutbound();
                for (Object o; (o = room.channel.readOutbound()) != null; ) {
                    ReferenceCountUtil.release(o);
                }
            }
            perPacket = (threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before) / 20_000;
        }
        // ~125 B measured: Netty's envelope and the embedded channel's queue (the estimator's
        // onPacketSent allocates nothing: bwe.EstimatorAllocationTest); the margin is the pooled
        // allocator's own bookkeeping, which varies by a few bytes between runs.
        assertTrue(perPacket <= 140, "bytes per packet: " + perPacket);
    }
}
