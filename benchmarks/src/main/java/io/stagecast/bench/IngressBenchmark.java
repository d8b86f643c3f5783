package io.stagecast.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.DatagramPacket;
import io.stagecast.sfu.buffer.PacketBuffer;
import io.stagecast.sfu.metrics.DropReason;
import io.stagecast.sfu.srtp.SrtpProfile;
import io.stagecast.sfu.srtp.SrtpResult;
import io.stagecast.sfu.srtp.SrtpTransformer;
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
 * The receive side as the server runs it: a datagram enters the channel pipeline, is copied into
 * the loop's receive buffer, demultiplexed (RFC 7983), its transport found by address, SRTP
 * unprotected, viewed as RTP, checked against the publish permission, its stream looked up by
 * SSRC, counted for receive statistics and NACK, inserted into the packet cache and checked for a
 * keyframe; the track has no subscribers, so nothing is sent.
 *
 * <p>The server refuses a replayed SRTP packet, so every operation must bring a packet never seen
 * before: the benchmark protects it first, as the publisher would, with the publisher's keys.
 * That protect (and the publisher's datagram buffer) is part of the score; {@link JmhRunner}
 * subtracts the {@code protect} floor of the same run to report ingress alone.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = SrtpFloorBenchmark.JDK_GHASH)
public class IngressBenchmark {
    @Param({"AEAD_AES_128_GCM", "AES_CM_128_HMAC_SHA1_80"})
    public SrtpProfile profile;

    @Param({"1200", "100"})
    public int packetBytes;

    private ForwardingFixture fixture;
    private ChannelPipeline pipeline;
    private SrtpTransformer publisherSrtp;
    private final byte[] plain = new byte[PacketBuffer.CAPACITY];
    private final PacketBuffer work = new PacketBuffer();
    private int seq;
    private long timestamp;

    @Setup(Level.Trial)
    public void setUp() {
        fixture = new ForwardingFixture(profile, packetBytes, 0);
        pipeline = fixture.channel.pipeline();
        publisherSrtp = new SrtpTransformer(fixture.publisherKeys);
        RtpTemplates.write(plain, packetBytes, ForwardingFixture.PUBLISHER_SSRC, 0, 0, fixture.video, false);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        double dropped = 0;
        for (DropReason reason : DropReason.values()) {
            dropped += fixture.metrics.drops(reason);
        }
        fixture.close();
        if (dropped != 0) {
            throw new IllegalStateException(dropped + " packets were dropped: the benchmark measured a drop path");
        }
    }

    @Benchmark
    public int receive() {
        seq = (seq + 1) & 0xFFFF;
        timestamp += 3000;
        RtpTemplates.setSequence(plain, seq);
        RtpTemplates.setTimestamp(plain, timestamp);
        work.copyFrom(plain, 0, packetBytes);
        if (publisherSrtp.protectRtp(work) != SrtpResult.OK) {
            throw new IllegalStateException("publisher protect failed");
        }
        // What epoll's recvmmsg hands the pipeline: a pooled buffer holding the datagram.
        ByteBuf datagram = fixture.channel.alloc().heapBuffer(PacketBuffer.CAPACITY);
        datagram.writeBytes(work.getBuffer(), work.getOffset(), work.getLength());
        pipeline.fireChannelRead(new DatagramPacket(datagram, ForwardingFixture.NODE_ADDRESS,
                ForwardingFixture.PUBLISHER_ADDRESS));
        pipeline.fireChannelReadComplete();
        return seq;
    }
}
