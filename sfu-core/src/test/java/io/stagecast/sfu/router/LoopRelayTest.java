package io.stagecast.sfu.router;

import io.netty.channel.embedded.EmbeddedChannel;
import io.stagecast.sfu.rtp.RtpPacket;
import io.stagecast.sfu.transport.Transport;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hand-over between two loops is bounded: a target loop that does not run its tasks gets at
 * most {@value LoopRelay#MAX_BATCHES} batches, then packets are dropped and counted, and once it
 * catches up the recycled batches carry packets again (two embedded loops stand in for two
 * media loops: nothing runs until the test runs their tasks).
 */
class LoopRelayTest {
    @Test
    void aTargetLoopThatFallsBehindGetsBoundedBatchesThenCountedDrops() {
        try (EmbeddedRoom room = new EmbeddedRoom()) {
            Transport publisher = room.transport();
            Producer origin = room.video(publisher, 0x100);
            EmbeddedChannel other = new EmbeddedChannel();
            RouterShard target = room.router.shardOf(other.eventLoop());
            ProducerReplica replica = new ProducerReplica(origin, target, false);
            LoopRelay relay = new LoopRelay(room.channel.eventLoop(), target);
            byte[] bytes = new byte[1200];
            bytes[0] = (byte) 0x80;
            bytes[1] = 96;
            RtpPacket rtp = new RtpPacket().wrap(bytes, 0, bytes.length);

            int capacity = LoopRelay.MAX_BATCHES * RelayBatch.MAX_PACKETS;
            for (int i = 0; i < capacity; i++) {
                relay.add(replica, 0, rtp);
            }
            assertEquals(0, relay.takeDropped(), LoopRelay.MAX_BATCHES + " batches of " + RelayBatch.MAX_PACKETS + " fit");
            for (int i = 0; i < 10; i++) {
                relay.add(replica, 0, rtp);
            }
            assertEquals(10, relay.takeDropped(), "past the cap every packet is dropped and counted");

            other.runPendingTasks(); // the target loop catches up: the batches run and come back
            long now = System.nanoTime();
            assertTrue(replica.stream(0).isActive(now, 1_000_000_000L), "the replica read the relayed packets");
            for (int i = 0; i < capacity; i++) {
                relay.add(replica, 0, rtp);
            }
            assertEquals(0, relay.takeDropped(), "recycled batches carry packets again");
            other.finishAndReleaseAll();
        }
    }

    @Test
    void aVideoPacketTheRelayDropsAsksThePublisherForOneKeyframe() {
        try (EmbeddedRoom room = new EmbeddedRoom()) {
            Transport publisher = room.transport();
            int ssrc = 0x100;
            Producer origin = room.video(publisher, ssrc);
            EmbeddedChannel other = new EmbeddedChannel();
            RouterShard target = room.router.shardOf(other.eventLoop());
            ProducerReplica replica = new ProducerReplica(origin, target, false);
            origin.addReplica(replica);
            LoopRelay relay = room.router.shardOf(room.channel.eventLoop()).relayTo(target);
            long t = System.nanoTime();
            room.receive(publisher, TestMedia.vp8(ssrc, 1000, 0, 10, 0, 0, false, true, 640, 360, 200), t);
            room.run(); // the read cycle ends: its batch goes to the target loop, which does not run
            room.sent();

            int seq = 1001;
            for (int i = 1; i < LoopRelay.MAX_BATCHES; i++, seq++) {
                room.receive(publisher, TestMedia.vp8(ssrc, seq, 3000L * i, 10 + i, 0, 0, false, false, 640, 360, 200),
                        t + i * 1_000_000L);
                room.run();
            }
            assertEquals(0, relay.takeDropped(), "one batch per read cycle: " + LoopRelay.MAX_BATCHES + " fit");
            assertEquals(0, plis(room, publisher, ssrc), "nothing lost yet, no keyframe asked");

            // Three packets of one read cycle: no task of the loop runs in between (the router's
            // ticker, due on a slow machine, would take the drop count first).
            long late = t + 200_000_000L;
            for (int i = 0; i < 3; i++, seq++) {
                room.receive(publisher, TestMedia.vp8(ssrc, seq, 900_000L + i, 300 + i, 0, 0, false, false, 640, 360, 200),
                        late + i * 1_000_000L);
            }
            // On a slow machine the router's tick (a scheduled task of the loop) may have taken
            // some of the count into the metrics already: together they are the three.
            double ticked = room.metrics.drops(io.stagecast.sfu.metrics.DropReason.LOOP_RELAY_FULL);
            assertEquals(3, relay.takeDropped() + (long) ticked, "the stalled loop's share is dropped and counted");
            assertEquals(1, plis(room, publisher, ssrc),
                    "the replica's viewers lost a packet: one keyframe request (three drops, one per 500 ms)");
            other.finishAndReleaseAll();
        }
    }

    private static int plis(EmbeddedRoom room, Transport publisher, int ssrc) {
        List<byte[]> plis = EmbeddedRoom.rtcp(room.sent().getOrDefault(publisher, List.of()), 206, 1);
        return (int) plis.stream().filter(p -> mediaSsrc(p) == ssrc).count();
    }

    /** The media source SSRC of a PLI (RFC 4585 6.1). */
    private static int mediaSsrc(byte[] rtcp) {
        return (rtcp[8] & 0xFF) << 24 | (rtcp[9] & 0xFF) << 16 | (rtcp[10] & 0xFF) << 8 | (rtcp[11] & 0xFF);
    }
}
