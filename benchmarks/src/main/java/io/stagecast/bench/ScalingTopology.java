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

        /** The calling thread becomes the loop's own, before its first {@link #step}. */
        default void claim() {
        }
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
     * each packet once to every other loop with subscribers (the router's {@code LoopRelay}, one
     * batch per read cycle), which forwards to its own. With one loop it is {@link #independent}'s.
     * Loop 0 holds back while a loop is more than {@value CrossLoop#WINDOW} packets behind, as a
     * publisher's fixed rate would: otherwise it would outrun the others until the relay drops.
     */
    static ScalingTopology crossLoop(SrtpProfile profile, int packetBytes, boolean allocation) {
        return new CrossLoop(profile, packetBytes, allocation);
    }

    /** See {@link #crossLoop}. */
    final class CrossLoop implements ScalingTopology {
        /** Packets loop 0 may be ahead of the slowest other loop: well under the relay's 128 batches. */
        static final int WINDOW = 64;
        private final SrtpProfile profile;
        private final int packetBytes;
        private final boolean allocation;
        private ForwardingFixture fixture;

        CrossLoop(SrtpProfile profile, int packetBytes, boolean allocation) {
            this.profile = profile;
            this.packetBytes = packetBytes;
            this.allocation = allocation;
        }

        @Override
        public List<Loop> build(int[] subscribersPerLoop) {
            fixture = new ForwardingFixture(profile, packetBytes, subscribersPerLoop);
            if (subscribersPerLoop.length == 1) {
                return List.of(new FixtureLoop(fixture, packetBytes, allocation));
            }
            List<ViewerLoop> viewers = new ArrayList<>();
            for (int i = 1; i < fixture.sides.length; i++) {
                viewers.add(new ViewerLoop(fixture.sides[i], allocation));
            }
            List<Loop> loops = new ArrayList<>();
            // A loop without subscribers is handed nothing: loop 0 must not wait for it.
            loops.add(new PublisherLoop(fixture, packetBytes, allocation,
                    viewers.stream().filter(v -> v.subscribers() > 0).toList()));
            loops.addAll(viewers);
            return loops;
        }

        @Override
        public void close() {
            if (fixture != null) {
                fixture.close();
            }
        }
    }

    /** Loop 0 of {@link #crossLoop}: the publisher's packets in, its own subscribers' out, the hand-off queued. */
    final class PublisherLoop implements Loop {
        private final ForwardingFixture fixture;
        private final LoopSide side;
        private final DrivenEventLoop loop;
        private final boolean allocation;
        private final ViewerLoop[] viewers;
        private final byte[] plain = new byte[PacketBuffer.CAPACITY];
        private final PacketBuffer received = new PacketBuffer(plain);
        private final int packetBytes;
        private long published;
        private int seq;
        private long timestamp;

        PublisherLoop(ForwardingFixture fixture, int packetBytes, boolean allocation, List<ViewerLoop> viewers) {
            this.fixture = fixture;
            this.side = fixture.sides[0];
            this.loop = (DrivenEventLoop) side.loop;
            this.allocation = allocation;
            this.viewers = viewers.toArray(new ViewerLoop[0]);
            this.packetBytes = packetBytes;
            // A video consumer starts on a keyframe: on the building thread, through every loop.
            RtpTemplates.write(plain, packetBytes, ForwardingFixture.PUBLISHER_SSRC, 0, 0, fixture.video, true);
            fixture.path.receiveDecryptedRtp(fixture.publisher, received.wrap(plain, 0, packetBytes), System.nanoTime());
            fixture.runAllTasks();
            int sent = 0;
            int all = 0;
            for (LoopSide s : fixture.sides) {
                sent += s.discardWritten();
                all += s.subscribers.length;
            }
            if (sent != all) {
                throw new IllegalStateException("the first packet reached " + sent + " of " + all + " over "
                        + fixture.sides.length + " loops");
            }
            RtpTemplates.write(plain, packetBytes, ForwardingFixture.PUBLISHER_SSRC, 0, 0, fixture.video, false);
        }

        @Override
        public void claim() {
            loop.claim();
        }

        @Override
        public int step() {
            for (ViewerLoop viewer : viewers) {
                if (published - viewer.seen > CrossLoop.WINDOW) {
                    loop.runTasks();
                    return side.discardWritten();
                }
            }
            seq = (seq + 1) & 0xFFFF;
            timestamp += 3000;
            RtpTemplates.setSequence(plain, seq);
            RtpTemplates.setTimestamp(plain, timestamp);
            long now = System.nanoTime();
            fixture.path.receiveDecryptedRtp(fixture.publisher, received.wrap(plain, 0, packetBytes), now);
            published++;
            loop.runTasks(); // the read cycle ends: its batch goes to the other loops
            int sent = side.discardWritten();
            if (allocation && seq % EgressBenchmark.PACKETS_PER_TICK == 0) {
                sent += fixture.feedbackAndTick(EgressBenchmark.PACKETS_PER_TICK, now);
                sent += side.discardWritten();
            }
            return sent;
        }
    }

    /** Another loop of {@link #crossLoop}: runs the batches loop 0 hands it, forwards to its own subscribers. */
    final class ViewerLoop implements Loop {
        private final LoopSide side;
        private final DrivenEventLoop loop;
        private final boolean allocation;
        private long mediaDatagrams;
        private long ticked;
        /** Publisher packets this loop has forwarded (to all its subscribers); read by loop 0. */
        volatile long seen;

        ViewerLoop(LoopSide side, boolean allocation) {
            this.side = side;
            this.loop = (DrivenEventLoop) side.loop;
            this.allocation = allocation;
        }

        int subscribers() {
            return side.subscribers.length;
        }

        @Override
        public void claim() {
            loop.claim();
        }

        @Override
        public int step() {
            if (loop.runTasks() == 0) {
                return 0;
            }
            int sent = side.discardWritten();
            int subscribers = Math.max(1, side.subscribers.length);
            mediaDatagrams += sent;
            long forwarded = mediaDatagrams / subscribers;
            seen = forwarded;
            if (allocation && forwarded - ticked >= EgressBenchmark.PACKETS_PER_TICK) {
                ticked += EgressBenchmark.PACKETS_PER_TICK;
                long now = System.nanoTime();
                side.feedback(EgressBenchmark.PACKETS_PER_TICK, now);
                sent += side.tickSubscribers(now);
            }
            return sent;
        }
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
