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
 * The origin's side of the relay between nodes (issue 14), per edge: one decrypted packet of the
 * publisher enters the router and each of {@code edges} relay consumers copies it as it came
 * (SSRC, sequence number, timestamp and extensions untouched: there is nothing to rewrite),
 * protects it with the relay's SRTP context and writes it, the same path and fixture as
 * {@link EgressBenchmark}, whose per-subscriber score at the same fan-out in the same run is what
 * this one is read against: what one edge costs the origin per track, against what one viewer
 * does. Per edge as {@link JmhRunner} reports it (the score divided by {@code edges}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {SrtpFloorBenchmark.JDK_GHASH, "-Djmh.executor=CUSTOM",
        "-Djmh.executor.class=io.stagecast.bench.MediaLoopExecutor"})
public class RelayEgressBenchmark {
    @Param({"AEAD_AES_128_GCM", "AES_CM_128_HMAC_SHA1_80"})
    public SrtpProfile profile;

    @Param({"1200", "100"})
    public int packetBytes;

    /** Edge nodes the track goes to; the fan-out's name in {@link JmhRunner}'s division. */
    @Param({"1", "10"})
    public int fanout;

    private ForwardingFixture fixture;
    private Transport publisher;
    private final byte[] plain = new byte[PacketBuffer.CAPACITY];
    private final PacketBuffer received = new PacketBuffer(plain);
    private int seq;
    private long timestamp;

    @Setup(Level.Trial)
    public void setUp() {
        fixture = ForwardingFixture.relays(profile, packetBytes, fanout);
        publisher = fixture.publisher;
        RtpTemplates.write(plain, packetBytes, ForwardingFixture.PUBLISHER_SSRC, 0, 0, fixture.video, true);
        RtpTemplates.setMarker(plain, fixture.video);
        fixture.path.receiveDecryptedRtp(publisher, received.wrap(plain, 0, packetBytes), System.nanoTime());
        int sent = fixture.discardWritten();
        if (sent < fanout) {
            throw new IllegalStateException("the first packet reached " + sent + " of " + fanout + " edges");
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
        if (seq % EgressBenchmark.PACKETS_PER_FRAME == 0) {
            timestamp += 3000;
            RtpTemplates.setTimestamp(plain, timestamp);
        }
        RtpTemplates.setSequence(plain, seq);
        RtpTemplates.setMarker(plain, fixture.video && seq % EgressBenchmark.PACKETS_PER_FRAME == EgressBenchmark.PACKETS_PER_FRAME - 1);
        fixture.path.receiveDecryptedRtp(publisher, received.wrap(plain, 0, packetBytes), System.nanoTime());
        return fixture.discardWritten();
    }
}
