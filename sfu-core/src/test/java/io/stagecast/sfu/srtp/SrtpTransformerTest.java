package io.stagecast.sfu.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.stagecast.sfu.buffer.PacketBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SrtpTransformerTest {
    private static final int SSRC = 0x1234ABCD;

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtpRoundTripRestoresPayloadAndAddsProfileTag(SrtpProfile profile) {
        SrtpTransformer[] peers = TestPackets.pair(profile);
        PacketBuffer pkt = TestPackets.rtp(new PacketBuffer(), SSRC, 1000, 1188);
        byte[] plain = TestPackets.copyOf(pkt);

        assertEquals(SrtpResult.OK, peers[0].protectRtp(pkt));
        assertEquals(plain.length + profile.tagLength, pkt.getLength());
        assertFalse(Arrays.equals(plain, 12, plain.length, pkt.getBuffer(), 12, plain.length),
                "payload is encrypted");

        assertEquals(SrtpResult.OK, peers[1].unprotectRtp(pkt));
        assertArrayEquals(plain, TestPackets.copyOf(pkt));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtcpRoundTripRestoresPacketAndAddsIndexAndTag(SrtpProfile profile) {
        SrtpTransformer[] peers = TestPackets.pair(profile);
        for (int i = 0; i < 3; i++) {
            PacketBuffer pkt = TestPackets.rtcpReceiverReport(new PacketBuffer(), SSRC, 0x55667788);
            byte[] plain = TestPackets.copyOf(pkt);

            assertEquals(SrtpResult.OK, peers[0].protectRtcp(pkt));
            assertEquals(plain.length + 4 + profile.tagLength, pkt.getLength());
            assertFalse(Arrays.equals(plain, 8, plain.length, pkt.getBuffer(), 8, plain.length),
                    "everything after the sender SSRC is encrypted");

            assertEquals(SrtpResult.OK, peers[1].unprotectRtcp(pkt));
            assertArrayEquals(plain, TestPackets.copyOf(pkt));
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void packetProtectedAtAnOffsetRoundTrips(SrtpProfile profile) {
        SrtpTransformer[] peers = TestPackets.pair(profile);
        PacketBuffer staging = TestPackets.rtp(new PacketBuffer(), SSRC, 7, 300);
        byte[] plain = TestPackets.copyOf(staging);
        byte[] big = new byte[PacketBuffer.CAPACITY + 100];
        System.arraycopy(plain, 0, big, 100, plain.length);
        PacketBuffer pkt = new PacketBuffer().wrap(big, 100, plain.length);

        assertEquals(SrtpResult.OK, peers[0].protectRtp(pkt));
        assertEquals(SrtpResult.OK, peers[1].unprotectRtp(pkt));
        assertEquals(100, pkt.getOffset());
        assertArrayEquals(plain, TestPackets.copyOf(pkt));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void replayedPacketIsRejected(SrtpProfile profile) {
        SrtpTransformer[] peers = TestPackets.pair(profile);
        PacketBuffer pkt = TestPackets.rtp(new PacketBuffer(), SSRC, 5, 100);
        peers[0].protectRtp(pkt);
        byte[] wire = TestPackets.copyOf(pkt);

        assertEquals(SrtpResult.OK, peers[1].unprotectRtp(pkt));
        assertEquals(SrtpResult.REPLAYED, peers[1].unprotectRtp(pkt.copyFrom(wire, 0, wire.length)));

        PacketBuffer rtcp = TestPackets.rtcpReceiverReport(new PacketBuffer(), SSRC, 1);
        peers[0].protectRtcp(rtcp);
        byte[] rtcpWire = TestPackets.copyOf(rtcp);
        assertEquals(SrtpResult.OK, peers[1].unprotectRtcp(rtcp));
        assertEquals(SrtpResult.REPLAYED, peers[1].unprotectRtcp(rtcp.copyFrom(rtcpWire, 0, rtcpWire.length)));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void packetOlderThanReplayWindowIsRejected(SrtpProfile profile) {
        SrtpTransformer[] peers = TestPackets.pair(profile);
        PacketBuffer pkt = new PacketBuffer();
        TestPackets.rtp(pkt, SSRC, 100, 50);
        peers[0].protectRtp(pkt);
        byte[] old = TestPackets.copyOf(pkt);
        for (int seq = 101; seq < 300; seq++) {
            TestPackets.rtp(pkt, SSRC, seq, 50);
            peers[0].protectRtp(pkt);
            assertEquals(SrtpResult.OK, peers[1].unprotectRtp(pkt));
        }
        assertEquals(SrtpResult.REPLAYED, peers[1].unprotectRtp(pkt.copyFrom(old, 0, old.length)));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtcpOlderThanReplayWindowIsRejected(SrtpProfile profile) {
        SrtpTransformer[] peers = TestPackets.pair(profile);
        PacketBuffer rtcp = new PacketBuffer();
        peers[0].protectRtcp(TestPackets.rtcpReceiverReport(rtcp, SSRC, 0));
        byte[] old = TestPackets.copyOf(rtcp);
        for (int i = 1; i <= ReplayWindow.SIZE; i++) {
            peers[0].protectRtcp(TestPackets.rtcpReceiverReport(rtcp, SSRC, i));
            assertEquals(SrtpResult.OK, peers[1].unprotectRtcp(rtcp));
        }
        assertEquals(SrtpResult.REPLAYED, peers[1].unprotectRtcp(rtcp.copyFrom(old, 0, old.length)));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void resentPacketProtectsToTheSameBytes(SrtpProfile profile) {
        // A retransmission without RTX re-protects the same index: SunJCE's GCM must not refuse it.
        SrtpTransformer[] peers = TestPackets.pair(profile);
        PacketBuffer pkt = new PacketBuffer();
        peers[0].protectRtp(TestPackets.rtp(pkt, SSRC, 9, 300));
        byte[] first = TestPackets.copyOf(pkt);
        assertEquals(SrtpResult.OK, peers[0].protectRtp(TestPackets.rtp(pkt, SSRC, 9, 300)));
        assertArrayEquals(first, TestPackets.copyOf(pkt));
        assertEquals(SrtpResult.OK, peers[1].unprotectRtp(pkt));
        assertEquals(SrtpResult.REPLAYED, peers[1].unprotectRtp(pkt.copyFrom(first, 0, first.length)));
    }

    /**
     * Issue 8 item 2: the same index must never protect two different packets. A resend whose
     * transport-cc or abs-send-time element was rewritten differs only in header bytes (GCM's
     * authenticated data), and under AES-GCM that reuse of key and IV gives away the GHASH key.
     */
    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void anIndexNeverProtectsTwoDifferentPackets(SrtpProfile profile) {
        SrtpTransformer[] peers = TestPackets.pair(profile);
        PacketBuffer pkt = new PacketBuffer();
        for (int seq = 40; seq <= 50; seq++) {
            assertEquals(SrtpResult.OK, peers[0].protectRtp(withExtension(TestPackets.rtp(pkt, SSRC, seq, 300), seq)));
        }
        // The same packet 45 with another transport-wide sequence number in its header extension.
        withExtension(TestPackets.rtp(pkt, SSRC, 45, 300), 9_999);
        int length = pkt.getLength();
        assertEquals(SrtpResult.INDEX_REUSED, peers[0].protectRtp(pkt), "different header bytes under index 45");
        assertArrayEquals(new byte[length + profile.tagLength],
                Arrays.copyOfRange(pkt.getBuffer(), pkt.getOffset(), pkt.getOffset() + length + profile.tagLength),
                "no ciphertext of the refused packet is left to send");
        // ... and with a different payload byte under the same header.
        withExtension(TestPackets.rtp(pkt, SSRC, 46, 300), 46);
        pkt.getBuffer()[200] ^= 1;
        assertEquals(SrtpResult.INDEX_REUSED, peers[0].protectRtp(pkt), "different payload under index 46");
        // A byte-identical resend is fine and yields the very same bytes.
        withExtension(TestPackets.rtp(pkt, SSRC, 47, 300), 47);
        assertEquals(SrtpResult.OK, peers[0].protectRtp(pkt));
        byte[] resent = TestPackets.copyOf(pkt);
        withExtension(TestPackets.rtp(pkt, SSRC, 47, 300), 47);
        assertEquals(SrtpResult.OK, peers[0].protectRtp(pkt));
        assertArrayEquals(resent, TestPackets.copyOf(pkt));
        // A packet sent late for the first time (reordered) is new, not a reuse.
        assertEquals(SrtpResult.OK, peers[0].protectRtp(withExtension(TestPackets.rtp(pkt, SSRC, 30, 300), 30)));
        // Another SSRC has indices of its own.
        assertEquals(SrtpResult.OK, peers[0].protectRtp(withExtension(TestPackets.rtp(pkt, SSRC + 1, 45, 300), 9_999)));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void anIndexTooOldToCheckIsNotProtectedAgain(SrtpProfile profile) {
        SrtpTransformer[] peers = TestPackets.pair(profile);
        PacketBuffer pkt = new PacketBuffer();
        for (int seq = 0; seq < 600; seq++) {
            assertEquals(SrtpResult.OK, peers[0].protectRtp(TestPackets.rtp(pkt, SSRC, seq, 40)));
        }
        assertEquals(SrtpResult.INDEX_REUSED, peers[0].protectRtp(TestPackets.rtp(pkt, SSRC, 10, 40)),
                "600 packets back: whatever it protected is forgotten, so it may not protect anything now");
        assertEquals(SrtpResult.OK, peers[0].protectRtp(TestPackets.rtp(pkt, SSRC, 500, 40)), "an identical recent resend");
    }

    /** Sets a one-byte-header extension with a 2-byte element (id 3) carrying {@code value}. */
    private static PacketBuffer withExtension(PacketBuffer pkt, int value) {
        byte[] b = pkt.getBuffer();
        int len = pkt.getLength();
        System.arraycopy(b, 12, b, 20, len - 12);
        b[0] |= 0x10;
        TestPackets.writeInt(b, 12, 0xBEDE0001);
        b[16] = 0x31;
        b[17] = (byte) (value >>> 8);
        b[18] = (byte) value;
        b[19] = 0;
        pkt.setLength(len + 8);
        return pkt;
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void retransmissionFromBeforeTheWrapKeepsItsRolloverCounter(SrtpProfile profile) {
        SrtpTransformer[] peers = TestPackets.pair(profile);
        PacketBuffer pkt = new PacketBuffer();
        byte[] beforeWrap = null;
        for (int seq : new int[] {65_534, 65_535, 0, 1}) {
            assertEquals(SrtpResult.OK, peers[0].protectRtp(TestPackets.rtp(pkt, SSRC, seq, 100)));
            if (seq == 65_535) {
                beforeWrap = TestPackets.copyOf(pkt);
            } else {
                assertEquals(SrtpResult.OK, peers[1].unprotectRtp(pkt), "seq " + seq);
            }
        }
        assertEquals(SrtpResult.OK, peers[0].protectRtp(TestPackets.rtp(pkt, SSRC, 65_535, 100)));
        assertArrayEquals(beforeWrap, TestPackets.copyOf(pkt), "protected under ROC 0 again");
        assertEquals(SrtpResult.OK, peers[1].unprotectRtp(pkt), "the receiver also places it before the wrap");
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void reorderedPacketInsideWindowIsAccepted(SrtpProfile profile) {
        SrtpTransformer[] peers = TestPackets.pair(profile);
        PacketBuffer pkt = new PacketBuffer();
        byte[][] wire = new byte[3][];
        for (int i = 0; i < 3; i++) {
            peers[0].protectRtp(TestPackets.rtp(pkt, SSRC, 10 + i, 40));
            wire[i] = TestPackets.copyOf(pkt);
        }
        for (int i : new int[] {2, 0, 1}) {
            assertEquals(SrtpResult.OK, peers[1].unprotectRtp(pkt.copyFrom(wire[i], 0, wire[i].length)), "seq " + (10 + i));
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void packetWithOneFlippedBitFailsAuthentication(SrtpProfile profile) {
        SrtpTransformer[] peers = TestPackets.pair(profile);
        PacketBuffer pkt = new PacketBuffer();
        int[] positions = {1, 4, 12, 200, 211}; // marker/PT, timestamp, payload start, mid, last byte (tag)
        int seq = 1;
        for (int pos : positions) {
            peers[0].protectRtp(TestPackets.rtp(pkt, SSRC, seq++, 200 - profile.tagLength));
            byte[] wire = TestPackets.copyOf(pkt);
            int at = Math.min(pos, wire.length - 1);
            wire[at] ^= 0x04;
            assertEquals(SrtpResult.AUTH_FAILED, peers[1].unprotectRtp(pkt.copyFrom(wire, 0, wire.length)), "bit flipped at " + at);
        }

        PacketBuffer rtcp = TestPackets.rtcpReceiverReport(new PacketBuffer(), SSRC, 9);
        peers[0].protectRtcp(rtcp);
        rtcp.getBuffer()[20] ^= 0x01;
        assertEquals(SrtpResult.AUTH_FAILED, peers[1].unprotectRtcp(rtcp));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void authenticPacketStillAcceptedAfterForgedOnesOfSameSsrc(SrtpProfile profile) {
        SrtpTransformer[] peers = TestPackets.pair(profile);
        PacketBuffer pkt = new PacketBuffer();
        peers[0].protectRtp(TestPackets.rtp(pkt, SSRC, 500, 80));
        byte[] wire = TestPackets.copyOf(pkt);
        byte[] forged = wire.clone();
        forged[30] ^= 1;
        assertEquals(SrtpResult.AUTH_FAILED, peers[1].unprotectRtp(pkt.copyFrom(forged, 0, forged.length)));
        assertEquals(SrtpResult.OK, peers[1].unprotectRtp(pkt.copyFrom(wire, 0, wire.length)));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void truncatedPacketIsMalformed(SrtpProfile profile) {
        SrtpTransformer[] peers = TestPackets.pair(profile);
        PacketBuffer pkt = new PacketBuffer();
        TestPackets.rtp(pkt, SSRC, 1, 0);
        peers[0].protectRtp(pkt);
        pkt.setLength(pkt.getLength() - 1); // header plus less than a full tag
        assertEquals(SrtpResult.MALFORMED, peers[1].unprotectRtp(pkt));
        assertEquals(SrtpResult.MALFORMED, peers[1].unprotectRtp(pkt.wrap(pkt.getBuffer(), 0, 11)));
        assertEquals(SrtpResult.MALFORMED, peers[0].protectRtp(pkt.wrap(pkt.getBuffer(), 0, 11)));

        PacketBuffer rtcp = TestPackets.rtcpReceiverReport(new PacketBuffer(), SSRC, 2);
        peers[0].protectRtcp(rtcp);
        assertEquals(SrtpResult.MALFORMED, peers[1].unprotectRtcp(rtcp.wrap(rtcp.getBuffer(), 0, 8 + 4 + profile.tagLength - 1)));
        assertEquals(SrtpResult.MALFORMED, peers[0].protectRtcp(rtcp.wrap(rtcp.getBuffer(), 0, 7)));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void headerExtensionLongerThanPacketIsMalformed(SrtpProfile profile) {
        SrtpTransformer[] peers = TestPackets.pair(profile);
        PacketBuffer pkt = TestPackets.rtp(new PacketBuffer(), SSRC, 1, 40);
        byte[] b = pkt.getBuffer();
        b[0] |= 0x10;          // X bit
        b[12] = (byte) 0xBE;
        b[13] = (byte) 0xDE;
        b[14] = 0x01;          // 256 words of extension in a 52-byte packet
        b[15] = 0x00;
        assertEquals(SrtpResult.MALFORMED, peers[0].protectRtp(pkt));
        assertEquals(SrtpResult.MALFORMED, peers[1].unprotectRtp(pkt));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void packetWithHeaderExtensionAndCsrcsRoundTrips(SrtpProfile profile) {
        SrtpTransformer[] peers = TestPackets.pair(profile);
        PacketBuffer pkt = TestPackets.rtp(new PacketBuffer(), SSRC, 1, 100);
        byte[] b = pkt.getBuffer();
        b[0] = (byte) 0x91;    // X bit, one CSRC
        TestPackets.writeInt(b, 12, 0x0BADCAFE);
        TestPackets.writeInt(b, 16, 0xBEDE0001);
        TestPackets.writeInt(b, 20, 0x10FF0000);
        byte[] plain = TestPackets.copyOf(pkt);

        assertEquals(SrtpResult.OK, peers[0].protectRtp(pkt));
        assertArrayEquals(Arrays.copyOf(plain, 24), Arrays.copyOf(TestPackets.copyOf(pkt), 24), "header stays in clear");
        assertEquals(SrtpResult.OK, peers[1].unprotectRtp(pkt));
        assertArrayEquals(plain, TestPackets.copyOf(pkt));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void randomGarbageNeverThrows(SrtpProfile profile) {
        SrtpTransformer[] peers = TestPackets.pair(profile);
        Random random = new Random(42);
        PacketBuffer pkt = new PacketBuffer();
        byte[] b = pkt.getBuffer();
        for (int i = 0; i < 20_000; i++) {
            int len = random.nextInt(i % 4 == 0 ? 40 : PacketBuffer.MTU + 1);
            random.nextBytes(b);
            if (i % 2 == 0) {
                b[0] = (byte) (0x80 | (b[0] & 0x3F)); // mostly-plausible headers reach deeper code
            }
            SrtpTransformer side = peers[i & 1];
            SrtpResult result = switch (i % 4) {
                case 0 -> side.unprotectRtp(pkt.wrap(b, 0, len));
                case 1 -> side.unprotectRtcp(pkt.wrap(b, 0, len));
                case 2 -> side.protectRtp(pkt.wrap(b, 0, len));
                default -> side.protectRtcp(pkt.wrap(b, 0, len));
            };
            assertNotNull(result);
            if (i % 4 < 2) {
                assertFalse(result == SrtpResult.OK, "random bytes never authenticate");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void sequenceNumberRolloverStillUnprotects(SrtpProfile profile) {
        SrtpTransformer[] peers = TestPackets.pair(profile);
        PacketBuffer pkt = new PacketBuffer();
        int seq = 60_000;
        for (int i = 0; i < 70_000; i++, seq = (seq + 1) & 0xFFFF) {
            TestPackets.rtp(pkt, SSRC, seq, 20);
            byte[] plainFirstPayloadByte = {pkt.getBuffer()[12]};
            assertEquals(SrtpResult.OK, peers[0].protectRtp(pkt));
            SrtpResult result = peers[1].unprotectRtp(pkt);
            if (result != SrtpResult.OK || pkt.getBuffer()[12] != plainFirstPayloadByte[0]) {
                throw new AssertionError("packet " + i + " (seq " + seq + ") -> " + result);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void newSsrcsBeyondLimitAreRefused(SrtpProfile profile) {
        SrtpTransformer[] peers = TestPackets.pair(profile);
        PacketBuffer pkt = new PacketBuffer();
        for (int ssrc = 1; ssrc <= SrtpTransformer.MAX_SSRCS_PER_DIRECTION; ssrc++) {
            assertEquals(SrtpResult.OK, peers[0].protectRtp(TestPackets.rtp(pkt, ssrc, 1, 10)));
            assertEquals(SrtpResult.OK, peers[1].unprotectRtp(pkt));
        }
        int extra = SrtpTransformer.MAX_SSRCS_PER_DIRECTION + 1;
        assertEquals(SrtpResult.MALFORMED, peers[0].protectRtp(TestPackets.rtp(pkt, extra, 1, 10)));
        // Known SSRCs keep working.
        assertEquals(SrtpResult.OK, peers[0].protectRtp(TestPackets.rtp(pkt, 3, 2, 10)));
        assertEquals(SrtpResult.OK, peers[1].unprotectRtp(pkt));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void forgedPacketsWithNewSsrcsDoNotUseUpTheLimit(SrtpProfile profile) {
        SrtpTransformer[] peers = TestPackets.pair(profile);
        PacketBuffer pkt = new PacketBuffer();
        for (int ssrc = 1000; ssrc < 1000 + 3 * SrtpTransformer.MAX_SSRCS_PER_DIRECTION; ssrc++) {
            TestPackets.rtp(pkt, ssrc, 1, 10);
            pkt.setLength(pkt.getLength() + profile.tagLength); // a made-up tag
            assertEquals(SrtpResult.AUTH_FAILED, peers[1].unprotectRtp(pkt));
        }
        assertEquals(SrtpResult.OK, peers[0].protectRtp(TestPackets.rtp(pkt, 77, 1, 10)));
        assertEquals(SrtpResult.OK, peers[1].unprotectRtp(pkt));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void closedTransformerRefusesEverything(SrtpProfile profile) {
        SrtpTransformer[] peers = TestPackets.pair(profile);
        PacketBuffer pkt = new PacketBuffer();
        peers[0].protectRtp(TestPackets.rtp(pkt, SSRC, 1, 10));
        assertEquals(SrtpResult.OK, peers[1].unprotectRtp(pkt));
        peers[0].close();
        peers[1].close();
        assertEquals(SrtpResult.MALFORMED, peers[0].protectRtp(TestPackets.rtp(pkt, SSRC, 2, 10)));
        assertEquals(SrtpResult.MALFORMED, peers[1].unprotectRtp(pkt));
        assertEquals(SrtpResult.MALFORMED, peers[0].protectRtcp(TestPackets.rtcpReceiverReport(pkt, SSRC, 1)));
        assertEquals(SrtpResult.MALFORMED, peers[1].unprotectRtcp(pkt));
    }
}
