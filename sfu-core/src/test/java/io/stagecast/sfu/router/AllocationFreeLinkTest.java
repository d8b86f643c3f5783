package io.stagecast.sfu.router;

import io.stagecast.sfu.rtcp.TransportCcFeedback;
import io.stagecast.sfu.transport.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The subscriber's periodic work (estimator tick, allocation, sender reports off) and the
 * feedback path (transport-cc from the subscriber into the estimator) allocate nothing once warm:
 * they run per tick and per feedback for every subscriber of a node. (The estimate is sampled
 * into a Micrometer summary once per second; that is the less than 1 B per tick allowed.)
 */
class AllocationFreeLinkTest {
    private final EmbeddedRoom room = new EmbeddedRoom();

    @AfterEach
    void close() {
        room.close();
    }

    @Test
    void feedbackAndTicksAllocateNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Transport publisher = room.transport();
        Producer video = room.video(publisher, 0x1111);
        Transport subscriber = room.transport();
        room.consume(subscriber, video, 0xC1, 0xC2);
        room.receive(publisher, TestMedia.vp8(0x1111, 1, 0, 1, 0, 0, false, true, 640, 360, 300), System.nanoTime());
        room.sent();
        TransportCcFeedback feedback = new TransportCcFeedback(0x5EED, 0xC1);
        byte[] rtcp = new byte[1500];
        long now = System.nanoTime();
        long[] allocated = new long[2];
        io.stagecast.sfu.buffer.PacketBuffer view = new io.stagecast.sfu.buffer.PacketBuffer(rtcp);
        for (int round = 0; round < 2; round++) { // the first warms up
            long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
            for (int i = 0; i < 20_000; i++) {
                now += 20_000_000L;
                feedback.onPacket(i & 0xFFFF, now / 1000);
                int len = feedback.build(rtcp, 0, 1200);
                if (len > 0) {
                    room.path.receiveDecryptedRtcp(subscriber, view.wrap(rtcp, 0, len), now);
                }
                room.path.tick(subscriber, now, false);
            }
            allocated[round] = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        }
        assertEquals(0, allocated[1] / 20_000, "bytes per feedback and tick: " + allocated[1] / 20_000.0);
    }
}
