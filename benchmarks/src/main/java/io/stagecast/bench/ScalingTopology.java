package io.stagecast.bench;

import io.stagecast.sfu.buffer.PacketBuffer;
import io.stagecast.sfu.srtp.SrtpProfile;

import java.util.ArrayList;
import java.util.List;

/**
 * How {@link LoopScaling} lays a room over N media loops: what each loop's thread runs.
 */
interface ScalingTopology extends AutoCloseable {
    /** One loop's work, driven by its own thread only. */
    interface Loop {
        /** Forwards one publisher packet (or drains what another loop handed over); returns the datagrams sent. */
        int step();
    }

    /** One loop per entry of {@code subscribersPerLoop}, with that many subscribers on it. */
    List<Loop> build(int[] subscribersPerLoop);

    @Override
    void close();

    /**
     * Every loop owns a whole {@link ForwardingFixture}: its own publisher transport receiving the
     * same stream, its own subscribers, its own channel. No state is shared between loops, so this
     * is the upper bound of what N loops can carry, and it runs on the single-loop node of today.
     */
    static ScalingTopology independent(SrtpProfile profile, int packetBytes, boolean allocation) {
        return new Independent(profile, packetBytes, allocation);
    }

    /**
     * Issue 10's layout: one publisher on loop 0, its viewers spread over all loops; loop 0 hands
     * each packet once to every other loop with subscribers, which forwards to its own. Needs the
     * node's several media loops (sfu-core after issue 10 item 1-2: an in-process path with one
     * channel and event loop per media loop); until then it refuses to run.
     */
    static ScalingTopology crossLoop(SrtpProfile profile, int packetBytes, boolean allocation) {
        throw new UnsupportedOperationException("cross-loop needs the node's several media loops (issue 10 items 1-2): "
                + "wire it to the multi-loop in-process packet path once it exists; use --topology independent until then");
    }

    /** See {@link #independent}. */
    final class Independent implements ScalingTopology {
        private final SrtpProfile profile;
        private final int packetBytes;
        private final boolean allocation;
        private final List<ForwardingFixture> fixtures = new ArrayList<>();

        Independent(SrtpProfile profile, int packetBytes, boolean allocation) {
            this.profile = profile;
            this.packetBytes = packetBytes;
            this.allocation = allocation;
        }

        @Override
        public List<Loop> build(int[] subscribersPerLoop) {
            List<Loop> loops = new ArrayList<>();
            for (int n : subscribersPerLoop) {
                ForwardingFixture fixture = new ForwardingFixture(profile, packetBytes, n);
                fixtures.add(fixture);
                loops.add(new FixtureLoop(fixture, packetBytes, allocation));
            }
            return loops;
        }

        @Override
        public void close() {
            for (ForwardingFixture fixture : fixtures) {
                fixture.close();
            }
        }
    }

    /** {@link EgressBenchmark#forward} as a loop: one publisher packet in, every subscriber's out. */
    final class FixtureLoop implements Loop {
        private final ForwardingFixture fixture;
        private final int packetBytes;
        private final boolean allocation;
        private final byte[] plain = new byte[PacketBuffer.CAPACITY];
        private final PacketBuffer received = new PacketBuffer(plain);
        private int seq;
        private long timestamp;

        FixtureLoop(ForwardingFixture fixture, int packetBytes, boolean allocation) {
            this.fixture = fixture;
            this.packetBytes = packetBytes;
            this.allocation = allocation;
            // A video consumer starts on a keyframe (a decoder cannot start elsewhere).
            RtpTemplates.write(plain, packetBytes, ForwardingFixture.PUBLISHER_SSRC, 0, 0, fixture.video, true);
            fixture.path.receiveDecryptedRtp(fixture.publisher, received.wrap(plain, 0, packetBytes), System.nanoTime());
            int sent = fixture.discardWritten();
            if (sent != fixture.subscribers.length) {
                throw new IllegalStateException("the first packet reached " + sent + " of " + fixture.subscribers.length);
            }
            RtpTemplates.write(plain, packetBytes, ForwardingFixture.PUBLISHER_SSRC, 0, 0, fixture.video, false);
        }

        @Override
        public int step() {
            seq = (seq + 1) & 0xFFFF;
            timestamp += 3000;
            RtpTemplates.setSequence(plain, seq);
            RtpTemplates.setTimestamp(plain, timestamp);
            long now = System.nanoTime();
            fixture.path.receiveDecryptedRtp(fixture.publisher, received.wrap(plain, 0, packetBytes), now);
            if (allocation && seq % EgressBenchmark.PACKETS_PER_TICK == 0) {
                // The forwarded packets leave first, as in EgressBenchmark; the ticks' own go per transport.
                int sent = fixture.discardWritten();
                sent += fixture.feedbackAndTick(EgressBenchmark.PACKETS_PER_TICK, now);
                return sent + fixture.discardWritten();
            }
            return fixture.discardWritten();
        }
    }
}
