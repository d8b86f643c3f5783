package io.stagecast.sfu.router;

import io.netty.channel.embedded.EmbeddedChannel;
import io.stagecast.sfu.rtp.RtpPacket;
import io.stagecast.sfu.transport.Transport;
import org.junit.jupiter.api.Test;

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
            assertEquals(0, relay.takeDropped(), "16 batches of 64 fit");
            for (int i = 0; i < 10; i++) {
                relay.add(replica, 0, rtp);
            }
            assertEquals(10, relay.takeDropped(), "past the cap every packet is dropped and counted");

            other.runPendingTasks(); // the target loop catches up: 16 batches run and come back
            long now = System.nanoTime();
            assertTrue(replica.stream(0).isActive(now, 1_000_000_000L), "the replica read the relayed packets");
            for (int i = 0; i < capacity; i++) {
                relay.add(replica, 0, rtp);
            }
            assertEquals(0, relay.takeDropped(), "recycled batches carry packets again");
            other.finishAndReleaseAll();
        }
    }
}
