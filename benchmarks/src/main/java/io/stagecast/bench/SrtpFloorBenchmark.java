package io.stagecast.bench;

import io.stagecast.sfu.buffer.PacketBuffer;
import io.stagecast.sfu.srtp.SrtpMasterKeys;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The cost floor of forwarding: SRTP protect of one packet (what every subscriber costs at least)
 * and SRTP unprotect (what every received packet costs at least). Both include copying the packet
 * into the work buffer, as the forwarding path must too.
 *
 * <p>Both go through {@link SrtpTransformer}, the server's own code. A packet can be decrypted
 * only once (a second time is rightly refused as a replay), so {@code protectAndUnprotect}
 * protects a fresh packet and unprotects it; {@link JmhRunner} reports the unprotect floor as that
 * minus {@code protect} from the same run.
 *
 * <p>{@code contexts} is the number of distinct SRTP contexts the packets rotate over, as a
 * publisher packet fanned out to that many subscribers is protected once with each subscriber's
 * own keys. At 1 the keys stay in L1; at 1,000 (about 1 KB of key schedule, HMAC or GHASH state
 * each) they do not fit the 2 MB L2 of this machine's core beside the rest, so the floor of a
 * fan-out of 1,000 is the floor with 1,000 contexts. {@link JmhRunner}'s and {@code jmh-best.py}'s
 * egress ratios take the floor whose {@code contexts} equals the egress fan-out.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = SrtpFloorBenchmark.JDK_GHASH)
public class SrtpFloorBenchmark {
    /**
     * What the node's jar manifest does for {@code java -jar}: lets AES-GCM's GHASH run on the JDK's
     * intrinsic (sfu-core {@code srtp.JdkGhash}); without it the forked JVM falls back to a table GHASH.
     */
    public static final String JDK_GHASH = "--add-opens=java.base/com.sun.crypto.provider=ALL-UNNAMED";
    private static final int SSRC = 0x11223344;

    @Param({"AEAD_AES_128_GCM", "AES_CM_128_HMAC_SHA1_80"})
    public SrtpProfile profile;

    @Param({"1200", "100"})
    public int packetBytes;

    @Param({"1"})
    public int contexts;

    private final byte[] plain = new byte[PacketBuffer.CAPACITY];
    private final PacketBuffer work = new PacketBuffer();
    private SrtpTransformer[] senders;
    private SrtpTransformer[] receivers;
    private int next;
    private int seq;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(7);
        senders = new SrtpTransformer[contexts];
        receivers = new SrtpTransformer[contexts];
        for (int i = 0; i < contexts; i++) {
            SrtpMasterKeys keys = TestKeys.random(profile, random);
            senders[i] = new SrtpTransformer(keys);
            receivers[i] = new SrtpTransformer(TestKeys.peerOf(keys));
        }
        RtpTemplates.write(plain, packetBytes, SSRC, 1, 90_000, RtpTemplates.isVideo(packetBytes), false);
        for (int i = 0; i < contexts; i++) {
            if (protectAndUnprotect() != SrtpResult.OK) {
                throw new IllegalStateException("round trip failed");
            }
        }
    }

    @Benchmark
    public SrtpResult protect() {
        return protectWith(rotate());
    }

    @Benchmark
    public SrtpResult protectAndUnprotect() {
        int context = rotate();
        SrtpResult protectedOk = protectWith(context);
        return protectedOk == SrtpResult.OK ? receivers[context].unprotectRtp(work) : protectedOk;
    }

    /** The next context; the sequence number moves on once per round, as a fanned-out packet's does. */
    private int rotate() {
        int context = next;
        if (++next == contexts) {
            next = 0;
            seq = (seq + 1) & 0xFFFF;
            RtpTemplates.setSequence(plain, seq);
        }
        return context;
    }

    private SrtpResult protectWith(int context) {
        work.copyFrom(plain, 0, packetBytes);
        return senders[context].protectRtp(work);
    }
}
