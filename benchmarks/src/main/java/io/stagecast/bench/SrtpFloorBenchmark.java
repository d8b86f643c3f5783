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

    private final byte[] plain = new byte[PacketBuffer.CAPACITY];
    private final PacketBuffer work = new PacketBuffer();
    private SrtpTransformer sender;
    private SrtpTransformer receiver;
    private int seq;

    @Setup(Level.Trial)
    public void setUp() {
        SrtpMasterKeys keys = TestKeys.random(profile, new SplittableRandom(7));
        sender = new SrtpTransformer(keys);
        receiver = new SrtpTransformer(TestKeys.peerOf(keys));
        RtpTemplates.write(plain, packetBytes, SSRC, 1, 90_000, RtpTemplates.isVideo(packetBytes), false);
        if (protectAndUnprotect() != SrtpResult.OK) {
            throw new IllegalStateException("round trip failed");
        }
    }

    @Benchmark
    public SrtpResult protect() {
        seq = (seq + 1) & 0xFFFF;
        RtpTemplates.setSequence(plain, seq);
        work.copyFrom(plain, 0, packetBytes);
        return sender.protectRtp(work);
    }

    @Benchmark
    public SrtpResult protectAndUnprotect() {
        SrtpResult protectedOk = protect();
        return protectedOk == SrtpResult.OK ? receiver.unprotectRtp(work) : protectedOk;
    }
}
