package io.stagecast.bench;

import io.stagecast.sfu.bwe.SendSideEstimator;
import io.stagecast.sfu.rtcp.TransportCcFeedback;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The send-side estimator's cost per subscriber: {@code onPacketSent} per packet, and one
 * transport-cc feedback about {@value #PER_FEEDBACK} packets. The feedback has to be about fresh
 * packets (a repeated one is a duplicate and cheaper), so {@code feedback} sends 50 packets, lets
 * the receiver's writer record and write them and then hands the bytes to the estimator;
 * {@code feedbackBaseline} does the same without the last step. The estimator's share of a
 * feedback is the difference. Run with {@code -prof gc}: all three must allocate 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EstimatorBenchmark {
    static final int PER_FEEDBACK = 50;
    /** 2 Mbit/s of 1200-byte packets: one every 4.8 ms. */
    private static final long PACKET_INTERVAL_NANOS = 4_800_000;

    private final byte[] feedbackBuf = new byte[1500];
    private SendSideEstimator estimator;
    private TransportCcFeedback receiver;
    private int seq;
    private long now;

    @Setup
    public void setUp() {
        estimator = new SendSideEstimator(2_000_000, 50_000, 30_000_000);
        estimator.setInitialProbing(false);
        receiver = new TransportCcFeedback(1, 2);
        for (int i = 0; i < 10_000; i++) {
            sendAndRecord();
            if (i % PER_FEEDBACK == 0) {
                deliver();
            }
        }
    }

    private void sendAndRecord() {
        now += PACKET_INTERVAL_NANOS;
        estimator.onPacketSent(seq, 1200, now, -1);
        // a little jitter, every 20th a bit late: the filters do real work
        long arrivalMicros = now / 1000 + 25_000 + (seq % 20 == 0 ? 3_000 : seq % 3 * 250);
        receiver.onPacket(seq, arrivalMicros);
        seq = (seq + 1) & 0xFFFF;
    }

    private int deliver() {
        int len = receiver.build(feedbackBuf, 0, 1200);
        estimator.onTransportFeedback(feedbackBuf, 0, len, now + 30_000_000);
        return len;
    }

    @Benchmark
    public long onPacketSent() {
        now += PACKET_INTERVAL_NANOS;
        estimator.onPacketSent(seq, 1200, now, -1);
        seq = (seq + 1) & 0xFFFF;
        return now;
    }

    @Benchmark
    public long feedback() {
        for (int i = 0; i < PER_FEEDBACK; i++) {
            sendAndRecord();
        }
        deliver();
        return estimator.estimateBps();
    }

    @Benchmark
    public long feedbackBaseline() {
        for (int i = 0; i < PER_FEEDBACK; i++) {
            sendAndRecord();
        }
        return receiver.build(feedbackBuf, 0, 1200);
    }
}
