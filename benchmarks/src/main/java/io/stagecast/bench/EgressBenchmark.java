package io.stagecast.bench;

import io.stagecast.sfu.buffer.PacketBuffer;
import io.stagecast.sfu.srtp.SrtpProfile;
import io.stagecast.sfu.transport.Transport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The send side, per subscriber: one decrypted packet of the publisher enters the router
 * (receive statistics, cache, keyframe check: shared by all subscribers, so it weighs 1/fan-out),
 * and every consumer copies it into the loop's scratch array, rewrites SSRC, sequence number,
 * timestamp and payload type, remaps the header extension ids, stamps abs-send-time and the
 * transport-wide sequence, protects it with the subscriber's own SRTP context, copies it into a
 * pooled direct datagram and writes that to the channel. The channel is an
 * {@code EmbeddedChannel}; its flush (once per packet, as once per read batch in the server)
 * queues the datagrams, which are then released unsent (back to the pool). The benchmark thread
 * is a Netty {@code FastThreadLocalThread}, as the node's loop ({@link MediaLoopExecutor}).
 *
 * <p>The publisher's frames are {@value #PACKETS_PER_FRAME} packets long (1.5 Mbit/s of 1,200-byte
 * packets at 30 frames/s), the last one with the marker bit. With {@code gso} (the node's default
 * on Linux) a subscriber's video packets of one frame leave as one UDP GSO run: each is copied
 * into the run's buffer, and the run is one write.
 *
 * <p>JMH's score (and {@code gc.alloc.rate.norm}) is per publisher packet, i.e. for all
 * {@code fanout} subscribers; {@link JmhRunner} divides both by the fan-out to report per
 * subscriber ({@code @OperationsPerInvocation} cannot follow a parameter).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// On Netty's thread kind, as the node's media loop (see MediaLoopExecutor); the JDK's GHASH for GCM.
@Fork(value = 1, jvmArgsAppend = {SrtpFloorBenchmark.JDK_GHASH, "-Djmh.executor=CUSTOM",
        "-Djmh.executor.class=io.stagecast.bench.MediaLoopExecutor"})
public class EgressBenchmark {
    @Param({"AEAD_AES_128_GCM", "AES_CM_128_HMAC_SHA1_80"})
    public SrtpProfile profile;

    @Param({"1200", "100"})
    public int packetBytes;

    @Param({"1", "10", "100", "1000"})
    public int fanout;

    /**
     * Issue 9: every subscriber has a send-side estimator and an allocator. With {@code true},
     * every {@value #PACKETS_PER_TICK}th packet (a 20 ms tick of a ~2 Mbit/s stream of 1200-byte
     * packets) brings every subscriber's transport-cc feedback and runs every transport's tick;
     * its cost is spread over the packets as in the node.
     */
    @Param({"false", "true"})
    public boolean allocation;

    static final int PACKETS_PER_TICK = 5;

    /** The video of every subscriber leaves per frame as UDP GSO runs ({@code media.gso}). */
    @Param({"false", "true"})
    public boolean gso;

    static final int PACKETS_PER_FRAME = 5;

    private ForwardingFixture fixture;
    private Transport publisher;
    private final byte[] plain = new byte[PacketBuffer.CAPACITY];
    private final PacketBuffer received = new PacketBuffer(plain);
    private int seq;
    private long timestamp;

    @Setup(Level.Trial)
    public void setUp() {
        fixture = new ForwardingFixture(profile, packetBytes, fanout, gso);
        publisher = fixture.publisher;
        // A video consumer starts on a keyframe (a decoder cannot start elsewhere); one packet
        // long, so that with GSO it leaves at once too.
        RtpTemplates.write(plain, packetBytes, ForwardingFixture.PUBLISHER_SSRC, 0, 0, fixture.video, true);
        RtpTemplates.setMarker(plain, fixture.video);
        fixture.path.receiveDecryptedRtp(publisher, received.wrap(plain, 0, packetBytes), System.nanoTime());
        int sent = fixture.discardWritten();
        if (sent != fanout) {
            throw new IllegalStateException("the first packet reached " + sent + " of " + fanout + " subscribers");
        }
        RtpTemplates.write(plain, packetBytes, ForwardingFixture.PUBLISHER_SSRC, 0, 0, fixture.video, false);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixture.close();
    }

    @Benchmark
    public int forward() {
        seq = (seq + 1) & 0xFFFF;
        int inFrame = seq % PACKETS_PER_FRAME;
        if (inFrame == 0) {
            timestamp += 3000;
            RtpTemplates.setTimestamp(plain, timestamp);
        }
        RtpTemplates.setSequence(plain, seq);
        RtpTemplates.setMarker(plain, fixture.video && inFrame == PACKETS_PER_FRAME - 1);
        long now = System.nanoTime();
        fixture.path.receiveDecryptedRtp(publisher, received.wrap(plain, 0, packetBytes), now);
        if (allocation && seq % PACKETS_PER_TICK == 0) {
            // The forwarded packets leave first, as the node's flush per read batch sends them
            // before its tick runs: the datagram pool then holds one fan-out, not two.
            int sent = fixture.discardWritten();
            sent += fixture.feedbackAndTick(PACKETS_PER_TICK, now);
            return sent + fixture.discardWritten();
        }
        return fixture.discardWritten();
    }
}
