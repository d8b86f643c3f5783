package io.stagecast.sfu.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stagecast.sfu.buffer.PacketBuffer;
import java.util.Random;
import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Differential tests against jitsi-srtp, an independent implementation: what we protect, jitsi
 * unprotects, byte for byte the same as what jitsi itself would send, and the other way round.
 */
class JitsiInteropTest {
    private static final int SSRC = 0x5EED0001;

    /** Our transformer as DTLS server plus jitsi contexts holding the peer (client) side's keys. */
    private record Sides(SrtpTransformer ours, SrtpContextFactory jitsiSender, SrtpContextFactory jitsiReceiver) {
        static Sides of(SrtpProfile profile) {
            byte[] material = new byte[profile.keyingMaterialLength()];
            new Random(profile.ordinal()).nextBytes(material);
            SrtpMasterKeys server = SrtpMasterKeys.fromKeyingMaterial(profile, material, false);
            return new Sides(new SrtpTransformer(server),
                    // The client sends under what the server calls remote keys and reads what it sends.
                    JitsiReference.factory(profile, true, server.remoteKey(), server.remoteSalt()),
                    JitsiReference.factory(profile, false, server.localKey(), server.localSalt()));
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtpWeProtectIsWhatJitsiSendsAndJitsiUnprotectsIt(SrtpProfile profile) throws Exception {
        Sides sides = Sides.of(profile);
        SrtpContextFactory jitsiOwnSender = JitsiReference.factory(profile, true,
                keysOf(profile).localKey(), keysOf(profile).localSalt());
        SrtpCryptoContext jitsiAsUs = jitsiOwnSender.deriveContext(SSRC, 0);
        SrtpCryptoContext jitsiPeer = sides.jitsiReceiver().deriveContext(SSRC, 0);
        Random random = new Random(1);
        PacketBuffer ours = new PacketBuffer();
        PacketBuffer theirs = new PacketBuffer();
        int seq = 65_400; // crosses the sequence number wrap, so the ROC becomes 1
        for (int i = 0; i < 400; i++, seq = (seq + 1) & 0xFFFF) {
            byte[] plain = packet(random, seq, i);
            ours.copyFrom(plain, 0, plain.length);
            theirs.copyFrom(plain, 0, plain.length);

            assertEquals(SrtpResult.OK, sides.ours().protectRtp(ours));
            assertEquals(SrtpErrorStatus.OK, jitsiAsUs.transformPacket(theirs));
            assertArrayEquals(TestPackets.copyOf(theirs), TestPackets.copyOf(ours), "seq " + seq);

            assertEquals(SrtpErrorStatus.OK, jitsiPeer.reverseTransformPacket(ours, false), "seq " + seq);
            assertArrayEquals(plain, TestPackets.copyOf(ours), "seq " + seq);
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtpJitsiProtectsWeUnprotectIncludingReorderingAcrossTheWrap(SrtpProfile profile) throws Exception {
        Sides sides = Sides.of(profile);
        SrtpCryptoContext jitsi = sides.jitsiSender().deriveContext(SSRC, 0);
        Random random = new Random(2);
        PacketBuffer pkt = new PacketBuffer();
        int seq = 65_500;
        byte[][] plain = new byte[300][];
        byte[][] wire = new byte[300][];
        for (int i = 0; i < plain.length; i++, seq = (seq + 1) & 0xFFFF) {
            plain[i] = packet(random, seq, i);
            pkt.copyFrom(plain[i], 0, plain[i].length);
            assertEquals(SrtpErrorStatus.OK, jitsi.transformPacket(pkt));
            wire[i] = TestPackets.copyOf(pkt);
        }
        // Deliver in order except that neighbours are swapped, including 35/36 across the wrap.
        for (int i = 0; i < wire.length; i++) {
            int j = i % 2 == 0 && i + 1 < wire.length ? i + 1 : i % 2 == 1 ? i - 1 : i;
            pkt.copyFrom(wire[j], 0, wire[j].length);
            assertEquals(SrtpResult.OK, sides.ours().unprotectRtp(pkt), "packet " + j);
            assertArrayEquals(plain[j], TestPackets.copyOf(pkt), "packet " + j);
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtcpWeProtectIsWhatJitsiSendsAndJitsiUnprotectsIt(SrtpProfile profile) throws Exception {
        Sides sides = Sides.of(profile);
        SrtcpCryptoContext jitsiAsUs = JitsiReference.factory(profile, true,
                keysOf(profile).localKey(), keysOf(profile).localSalt()).deriveControlContext(SSRC);
        SrtcpCryptoContext jitsiPeer = sides.jitsiReceiver().deriveControlContext(SSRC);
        PacketBuffer ours = new PacketBuffer();
        PacketBuffer theirs = new PacketBuffer();
        for (int i = 0; i < 50; i++) {
            byte[] plain = TestPackets.copyOf(TestPackets.rtcpReceiverReport(new PacketBuffer(), SSRC, i));
            ours.copyFrom(plain, 0, plain.length);
            theirs.copyFrom(plain, 0, plain.length);

            assertEquals(SrtpResult.OK, sides.ours().protectRtcp(ours));
            assertEquals(SrtpErrorStatus.OK, jitsiAsUs.transformPacket(theirs));
            assertArrayEquals(TestPackets.copyOf(theirs), TestPackets.copyOf(ours), "packet " + i);

            assertEquals(SrtpErrorStatus.OK, jitsiPeer.reverseTransformPacket(ours), "packet " + i);
            assertArrayEquals(plain, TestPackets.copyOf(ours));
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtcpJitsiProtectsWeUnprotectAndRejectReplays(SrtpProfile profile) throws Exception {
        Sides sides = Sides.of(profile);
        SrtcpCryptoContext jitsi = sides.jitsiSender().deriveControlContext(SSRC);
        PacketBuffer pkt = new PacketBuffer();
        for (int i = 0; i < 50; i++) {
            byte[] plain = TestPackets.copyOf(TestPackets.rtcpReceiverReport(new PacketBuffer(), SSRC, 1000 + i));
            pkt.copyFrom(plain, 0, plain.length);
            assertEquals(SrtpErrorStatus.OK, jitsi.transformPacket(pkt));
            byte[] wire = TestPackets.copyOf(pkt);

            assertEquals(SrtpResult.OK, sides.ours().unprotectRtcp(pkt), "packet " + i);
            assertArrayEquals(plain, TestPackets.copyOf(pkt));
            assertEquals(SrtpResult.REPLAYED, sides.ours().unprotectRtcp(pkt.copyFrom(wire, 0, wire.length)));
        }
    }

    private static SrtpMasterKeys keysOf(SrtpProfile profile) {
        byte[] material = new byte[profile.keyingMaterialLength()];
        new Random(profile.ordinal()).nextBytes(material);
        return SrtpMasterKeys.fromKeyingMaterial(profile, material, false);
    }

    /** An RTP packet of varying shape: some with CSRCs, some with a header extension, sizes 0 to ~1200. */
    private static byte[] packet(Random random, int seq, int i) {
        PacketBuffer pkt = TestPackets.rtp(new PacketBuffer(), SSRC, seq, 0);
        byte[] b = pkt.getBuffer();
        int csrcs = i % 3 == 0 ? i % 4 : 0;
        boolean extension = i % 2 == 1;
        int at = TestPackets.RTP_HEADER;
        b[0] = (byte) (0x80 | (extension ? 0x10 : 0) | csrcs);
        for (int c = 0; c < csrcs; c++, at += 4) {
            TestPackets.writeInt(b, at, 0xC5C00000 + c);
        }
        if (extension) {
            TestPackets.writeInt(b, at, 0xBEDE0002);
            TestPackets.writeInt(b, at + 4, 0x10AA2233);
            TestPackets.writeInt(b, at + 8, 0x44556600);
            at += 12;
        }
        int payload = random.nextInt(i % 5 == 0 ? 16 : 1200);
        byte[] out = new byte[at + payload];
        System.arraycopy(b, 0, out, 0, at);
        for (int p = 0; p < payload; p++) {
            out[at + p] = (byte) random.nextInt();
        }
        return out;
    }
}
