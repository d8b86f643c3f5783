package io.stagecast.bench;

import io.stagecast.sfu.buffer.PacketBuffer;
import io.stagecast.sfu.srtp.SrtpMasterKeys;
import io.stagecast.sfu.srtp.SrtpProfile;
import io.stagecast.sfu.srtp.SrtpResult;
import io.stagecast.sfu.srtp.SrtpTransformer;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.jitsi.srtp.SrtpPolicy;
import org.jitsi.utils.logging2.LoggerImpl;
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
 * <p>{@code protect} goes through {@link SrtpTransformer}, as the server sends. {@code unprotect}
 * calls jitsi-srtp's context directly with the replay check off, because decrypting the same
 * packet again is otherwise (rightly) refused as a replay; the replay check is a few bit
 * operations, the rest is the same code the server runs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SrtpFloorBenchmark {
    private static final int SSRC = 0x11223344;

    @Param({"AEAD_AES_128_GCM", "AES_CM_128_HMAC_SHA1_80"})
    public SrtpProfile profile;

    @Param({"1200", "100"})
    public int packetBytes;

    private final byte[] plain = new byte[PacketBuffer.CAPACITY];
    private final byte[] protectedPacket = new byte[PacketBuffer.CAPACITY];
    private int protectedLength;
    private final PacketBuffer work = new PacketBuffer();
    private SrtpTransformer sender;
    private SrtpCryptoContext receiver;
    private int seq;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        SrtpMasterKeys keys = TestKeys.random(profile, new SplittableRandom(7));
        sender = new SrtpTransformer(keys);
        SrtpMasterKeys peer = TestKeys.peerOf(keys);
        SrtpPolicy policy = policy(profile);
        receiver = new SrtpContextFactory(false, peer.remoteKey(), peer.remoteSalt(), policy, policy,
                new LoggerImpl(SrtpFloorBenchmark.class.getName())).deriveContext(SSRC, 0);
        RtpTemplates.write(plain, packetBytes, SSRC, 1, 90_000, RtpTemplates.isVideo(packetBytes), false);
        work.copyFrom(plain, 0, packetBytes);
        if (sender.protectRtp(work) != SrtpResult.OK) {
            throw new IllegalStateException("protect failed");
        }
        protectedLength = work.getLength();
        System.arraycopy(work.getBuffer(), work.getOffset(), protectedPacket, 0, protectedLength);
        if (unprotect() != SrtpErrorStatus.OK) {
            throw new IllegalStateException("unprotect failed");
        }
    }

    /** As SrtpTransformer configures it, but without the replay check (see the class comment). */
    private static SrtpPolicy policy(SrtpProfile profile) {
        SrtpPolicy policy = profile == SrtpProfile.AEAD_AES_128_GCM
                ? new SrtpPolicy(SrtpPolicy.AESGCM_ENCRYPTION, profile.keyLength, SrtpPolicy.NULL_AUTHENTICATION, 0,
                        profile.tagLength, profile.saltLength)
                : new SrtpPolicy(SrtpPolicy.AESCM_ENCRYPTION, profile.keyLength, SrtpPolicy.HMACSHA1_AUTHENTICATION, 20,
                        profile.tagLength, profile.saltLength);
        policy.setReceiveReplayEnabled(false);
        policy.setSendReplayEnabled(false);
        return policy;
    }

    @Benchmark
    public SrtpResult protect() {
        seq = (seq + 1) & 0xFFFF;
        RtpTemplates.setSequence(plain, seq);
        work.copyFrom(plain, 0, packetBytes);
        return sender.protectRtp(work);
    }

    @Benchmark
    public SrtpErrorStatus unprotect() throws Exception {
        work.copyFrom(protectedPacket, 0, protectedLength);
        return receiver.reverseTransformPacket(work, false);
    }
}
