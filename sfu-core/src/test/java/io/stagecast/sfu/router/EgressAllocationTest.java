package io.stagecast.sfu.router;

import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.stagecast.sfu.buffer.PacketBuffer;
import io.stagecast.sfu.transport.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What forwarding one packet to one subscriber allocates (AES-CM), the publisher's receive side
 * and Netty's write path included: measured 172 B with a promise per write, 125 B with the one
 * void promise, ~0 since the datagrams are pooled (issue 10: the envelope and its direct buffer
 * come back to the loop's pool when Netty releases them). The bound catches a regression, e.g.
 * a promise, a view or an envelope per packet again.
 */
class EgressAllocationTest {
    private final EmbeddedRoom room = new EmbeddedRoom();

    @AfterEach
    void close() {
        room.close();
    }

    @Test
    void forwardingAPacketAllocatesNothing() throws InterruptedException {
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
        long[] perPacket = new long[1];
        // Measured on a FastThreadLocalThread, the kind of thread the node's media loop is:
        // Netty's Recycler pools ChannelOutboundBuffer entries only on such threads (on any other
        // it makes a 64-byte entry per write, which the node never does).
        Thread loop = new FastThreadLocalThread(() -> {
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
                perPacket[0] = (threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before) / 20_000;
            }
        }, "media-loop-test");
        loop.start();
        loop.join(60_000);
        assertFalse(loop.isAlive());
        // The one subscriber never has more than one datagram in flight: the pool made one slab.
        assertEquals(32, room.metrics.sendDatagramsCreated());
        assertEquals(0, room.metrics.sendDatagramOverflows());
        // 0 B measured (the estimator's onPacketSent allocates nothing either:
        // bwe.EstimatorAllocationTest); one object of 16 B per packet would fail this.
        assertTrue(perPacket[0] < 8, "bytes per packet: " + perPacket[0]);
    }
}
