package io.stagecast.sfu.rtp;

import static io.stagecast.sfu.rtp.RtpTestPackets.block;
import static io.stagecast.sfu.rtp.RtpTestPackets.bytes;
import static io.stagecast.sfu.rtp.RtpTestPackets.oneByteBlock;
import static io.stagecast.sfu.rtp.RtpTestPackets.oneByteElement;
import static io.stagecast.sfu.rtp.RtpTestPackets.packet;
import static io.stagecast.sfu.rtp.RtpTestPackets.twoByteBlock;
import static io.stagecast.sfu.rtp.RtpTestPackets.twoByteElement;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RtpPacketTest {
    private static final byte[] PAYLOAD = bytes(1, 2, 3, 4, 5);
    private static final int MID = 1;
    private static final int AUDIO_LEVEL = 3;
    private static final int TRANSPORT_CC = 5;
    private static final int ABS_SEND_TIME = 2;

    private final RtpPacket rtp = new RtpPacket();

    @Test
    void readsFixedHeaderFields() {
        byte[] p = packet(111, true, 0xFFFE, 0xF000_0001L, 0x8765_4321, new int[0], null, PAYLOAD, 0);
        rtp.wrap(p, 0, p.length);

        assertTrue(rtp.isValid());
        assertEquals(2, rtp.version());
        assertTrue(rtp.marker());
        assertEquals(111, rtp.payloadType());
        assertEquals(0xFFFE, rtp.sequenceNumber());
        assertEquals(0xF000_0001L, rtp.timestamp());
        assertEquals(0x8765_4321, rtp.ssrc());
        assertEquals(0, rtp.csrcCount());
        assertFalse(rtp.hasExtension());
        assertEquals(12, rtp.headerLength());
        assertEquals(12, rtp.payloadOffset());
        assertEquals(PAYLOAD.length, rtp.payloadLength());
        assertEquals(0, rtp.paddingLength());
    }

    @Test
    void payloadOffsetIsAbsoluteWhenWrappedInsideALargerArray() {
        byte[] p = packet(96, 7, 1000, 42, PAYLOAD);
        byte[] big = new byte[p.length + 50];
        System.arraycopy(p, 0, big, 20, p.length);
        rtp.wrap(big, 20, p.length);

        assertTrue(rtp.isValid());
        assertEquals(32, rtp.payloadOffset());
        assertEquals(7, rtp.sequenceNumber());
        assertEquals(1, big[rtp.payloadOffset()]);
    }

    @Test
    void csrcsAreCountedIntoTheHeader() {
        byte[] p = packet(96, false, 1, 2, 3, new int[] {0x11111111, 0x22222222}, null, PAYLOAD, 0);
        rtp.wrap(p, 0, p.length);

        assertTrue(rtp.isValid());
        assertEquals(2, rtp.csrcCount());
        assertEquals(0x22222222, rtp.csrc(1));
        assertEquals(0, rtp.csrc(2));
        assertEquals(20, rtp.headerLength());
        assertEquals(PAYLOAD.length, rtp.payloadLength());
    }

    @Test
    void paddingIsExcludedFromThePayload() {
        byte[] p = packet(96, false, 1, 2, 3, new int[0], null, PAYLOAD, 4);
        rtp.wrap(p, 0, p.length);

        assertTrue(rtp.isValid());
        assertEquals(4, rtp.paddingLength());
        assertEquals(PAYLOAD.length, rtp.payloadLength());
    }

    @Test
    void paddingOnlyPacketHasAnEmptyPayload() {
        byte[] p = packet(96, false, 1, 2, 3, new int[0], null, new byte[0], 200);
        rtp.wrap(p, 0, p.length);

        assertTrue(rtp.isValid());
        assertEquals(0, rtp.payloadLength());
        assertEquals(200, rtp.paddingLength());
    }

    @Test
    void findsOneByteExtensionElements() {
        byte[] ext = oneByteBlock(
                oneByteElement(MID, 'a', 'u', 'd', 'i', 'o'),
                bytes(0, 0), // padding between elements is allowed (RFC 8285 4.2)
                oneByteElement(AUDIO_LEVEL, 0x80 | 33),
                oneByteElement(TRANSPORT_CC, 0x12, 0x34));
        byte[] p = packet(111, false, 1, 2, 3, new int[] {9}, ext, PAYLOAD, 0);
        rtp.wrap(p, 0, p.length);

        assertTrue(rtp.isValid());
        assertTrue(rtp.hasExtension());
        assertEquals(12 + 4 + ext.length, rtp.headerLength());
        assertEquals(PAYLOAD.length, rtp.payloadLength());
        assertEquals(5, rtp.extensionLength(MID));
        assertEquals(12 + 4 + 4 + 1, rtp.extensionOffset(MID));
        assertEquals("audio", rtp.extensionString(MID));
        assertTrue(rtp.extensionEquals(MID, "audio".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(rtp.extensionEquals(MID, "video".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(rtp.extensionEquals(MID, "audi".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(0x1234, rtp.transportSequenceNumber(TRANSPORT_CC));
        assertEquals(-1, rtp.extensionOffset(7));
        assertEquals(-1, rtp.extensionLength(7));
        assertNull(rtp.extensionString(7));
        assertEquals(-1, rtp.extensionOffset(0));
    }

    @Test
    void findsTwoByteExtensionElementsIncludingEmptyOnes() {
        byte[] longRid = new byte[20];
        Arrays.fill(longRid, (byte) 'h');
        int[] ridData = new int[20];
        Arrays.fill(ridData, 'h');
        byte[] ext = twoByteBlock(
                twoByteElement(200), // zero-length data is legal in the two-byte form
                bytes(0),
                twoByteElement(MID, 'v'),
                twoByteElement(20, ridData));
        byte[] p = packet(96, false, 1, 2, 3, new int[0], ext, PAYLOAD, 0);
        rtp.wrap(p, 0, p.length);

        assertTrue(rtp.isValid());
        assertEquals(0, rtp.extensionLength(200));
        assertEquals(1, rtp.extensionLength(MID));
        assertEquals("v", rtp.extensionString(MID));
        assertTrue(rtp.extensionEquals(20, longRid));
        assertEquals(PAYLOAD.length, rtp.payloadLength());
    }

    @Test
    void extensionBlockOfAnotherProfileIsCarriedButNotParsed() {
        byte[] ext = block(0xABAC, oneByteElement(MID, 'x'));
        byte[] p = packet(96, false, 1, 2, 3, new int[0], ext, PAYLOAD, 0);
        rtp.wrap(p, 0, p.length);

        assertTrue(rtp.isValid());
        assertEquals(-1, rtp.extensionOffset(MID));
        assertEquals(PAYLOAD.length, rtp.payloadLength());
    }

    @Test
    void oneByteIdFifteenEndsTheExtensionBlock() {
        byte[] ext = oneByteBlock(oneByteElement(MID, 'a'), bytes(0xF0), oneByteElement(AUDIO_LEVEL, 10));
        byte[] p = packet(96, false, 1, 2, 3, new int[0], ext, PAYLOAD, 0);
        rtp.wrap(p, 0, p.length);

        assertEquals("a", rtp.extensionString(MID));
        assertEquals(-1, rtp.audioLevel(AUDIO_LEVEL));
    }

    @Test
    void elementRunningPastTheBlockIsNotReturned() {
        // L=15 claims 16 data bytes inside a 4-byte block.
        byte[] ext = oneByteBlock(bytes((MID << 4) | 15, 1, 2));
        byte[] p = packet(96, false, 1, 2, 3, new int[0], ext, PAYLOAD, 0);
        rtp.wrap(p, 0, p.length);

        assertTrue(rtp.isValid());
        assertEquals(-1, rtp.extensionOffset(MID));
    }

    @Test
    void settersWriteTheFieldsInPlace() {
        byte[] p = packet(96, false, 1, 2, 3, new int[] {4}, oneByteBlock(oneByteElement(MID, 'm')), PAYLOAD, 0);
        rtp.wrap(p, 0, p.length);

        rtp.setMarker(true);
        rtp.setPayloadType(127);
        rtp.setSequenceNumber(0x1_ABCD); // only the low 16 bits count
        rtp.setTimestamp(0xFFFF_FFFFL);
        rtp.setSsrc(0xCAFEBABE);
        rtp.wrap(p, 0, p.length);

        assertTrue(rtp.isValid());
        assertTrue(rtp.marker());
        assertEquals(127, rtp.payloadType());
        assertEquals(0xABCD, rtp.sequenceNumber());
        assertEquals(0xFFFF_FFFFL, rtp.timestamp());
        assertEquals(0xCAFEBABE, rtp.ssrc());
        assertEquals(1, rtp.csrcCount());
        assertEquals("m", rtp.extensionString(MID));

        rtp.setMarker(false);
        rtp.setPayloadType(0);
        assertFalse(rtp.marker());
        assertEquals(0, rtp.payloadType());
        assertEquals(0xABCD, rtp.sequenceNumber());
    }

    @Test
    void remapRenumbersOneByteIds() {
        byte[] ext = oneByteBlock(oneByteElement(1, 'a'), oneByteElement(3, 50), oneByteElement(5, 0, 7));
        byte[] p = packet(111, false, 1, 2, 3, new int[0], ext, PAYLOAD, 0);
        rtp.wrap(p, 0, p.length);
        byte[] idMap = new byte[16];
        idMap[1] = 4;
        idMap[3] = 1;
        idMap[5] = 14;

        rtp.remapExtensionIds(idMap);

        assertEquals("a", rtp.extensionString(4));
        assertEquals(50, rtp.audioLevel(1));
        assertEquals(7, rtp.transportSequenceNumber(14));
        assertEquals(-1, rtp.extensionOffset(3));
        assertEquals(-1, rtp.extensionOffset(5));
        assertEquals(PAYLOAD.length, rtp.payloadLength());
    }

    @Test
    void remapToZeroTurnsTheElementIntoPaddingAndKeepsTheOthers() {
        byte[] ext = oneByteBlock(oneByteElement(1, 'a', 'b', 'c'), oneByteElement(3, 50), oneByteElement(5, 0, 7));
        byte[] p = packet(111, false, 1, 2, 3, new int[0], ext, PAYLOAD, 0);
        int length = p.length;
        rtp.wrap(p, 0, p.length);
        int removedAt = rtp.extensionOffset(1) - 1;
        byte[] idMap = new byte[16];
        idMap[3] = 3;
        idMap[5] = 5;

        rtp.remapExtensionIds(idMap);
        rtp.wrap(p, 0, length);

        assertTrue(rtp.isValid());
        assertArrayEquals(new byte[4], Arrays.copyOfRange(p, removedAt, removedAt + 4));
        assertEquals(-1, rtp.extensionOffset(1));
        assertEquals(50, rtp.audioLevel(3));
        assertEquals(7, rtp.transportSequenceNumber(5));
        assertEquals(PAYLOAD.length, rtp.payloadLength());
        assertEquals(1, p[rtp.payloadOffset()]);
    }

    @Test
    void remapRemovesTwoByteElementsAndRenumbersOthersBeyondFourteen() {
        byte[] ext = twoByteBlock(twoByteElement(1, 'a'), twoByteElement(30, 60), twoByteElement(2, 1, 2, 3));
        byte[] p = packet(96, false, 1, 2, 3, new int[0], ext, PAYLOAD, 0);
        rtp.wrap(p, 0, p.length);
        byte[] idMap = new byte[256];
        idMap[1] = 0;
        idMap[30] = (byte) 200;
        idMap[2] = 2;

        rtp.remapExtensionIds(idMap);

        assertEquals(-1, rtp.extensionOffset(1));
        assertEquals(60, rtp.audioLevel(200));
        assertEquals(3, rtp.extensionLength(2));
        assertEquals(PAYLOAD.length, rtp.payloadLength());
    }

    @Test
    void remapRemovesIdsMissingFromTheMapOrTooLargeForTheOneByteForm() {
        byte[] ext = oneByteBlock(oneByteElement(1, 'a'), oneByteElement(9, 50), oneByteElement(2, 7));
        byte[] p = packet(96, false, 1, 2, 3, new int[0], ext, PAYLOAD, 0);
        rtp.wrap(p, 0, p.length);
        byte[] idMap = new byte[3];
        idMap[1] = 20; // cannot be written in 4 bits
        idMap[2] = 2;

        rtp.remapExtensionIds(idMap);

        assertEquals(-1, rtp.extensionOffset(1));
        assertEquals(-1, rtp.extensionOffset(9));
        assertEquals(-1, rtp.extensionOffset(20));
        assertEquals(1, rtp.extensionLength(2));
    }

    @Test
    void remapOnAPacketWithoutExtensionsChangesNothing() {
        byte[] p = packet(96, 1, 2, 3, PAYLOAD);
        byte[] before = p.clone();
        rtp.wrap(p, 0, p.length).remapExtensionIds(new byte[16]);

        assertArrayEquals(before, p);
    }

    @Test
    void readsAudioLevelAndVoiceActivity() {
        byte[] ext = oneByteBlock(oneByteElement(AUDIO_LEVEL, 0x80 | 25), oneByteElement(4, 127));
        byte[] p = packet(111, false, 1, 2, 3, new int[0], ext, PAYLOAD, 0);
        rtp.wrap(p, 0, p.length);

        assertEquals(25, rtp.audioLevel(AUDIO_LEVEL));
        assertTrue(rtp.voiceActivity(AUDIO_LEVEL));
        assertEquals(127, rtp.audioLevel(4));
        assertFalse(rtp.voiceActivity(4));
        assertEquals(-1, rtp.audioLevel(6));
        assertFalse(rtp.voiceActivity(6));
    }

    @Test
    void writesTheTransportSequenceNumberInPlace() {
        byte[] ext = oneByteBlock(oneByteElement(MID, 'a'), oneByteElement(TRANSPORT_CC, 0, 0));
        byte[] p = packet(96, false, 1, 2, 3, new int[0], ext, PAYLOAD, 0);
        rtp.wrap(p, 0, p.length);

        assertTrue(rtp.setTransportSequenceNumber(TRANSPORT_CC, 0x1_F00D));
        assertFalse(rtp.setTransportSequenceNumber(9, 1));

        int at = rtp.extensionOffset(TRANSPORT_CC);
        assertEquals((byte) 0xF0, p[at]);
        assertEquals((byte) 0x0D, p[at + 1]);
        assertEquals(0xF00D, rtp.wrap(p, 0, p.length).transportSequenceNumber(TRANSPORT_CC));
        assertEquals("a", rtp.extensionString(MID));
    }

    @Test
    void writesAbsSendTimeAsSixEighteenFixedPoint() {
        byte[] ext = oneByteBlock(oneByteElement(ABS_SEND_TIME, 0, 0, 0));
        byte[] p = packet(96, false, 1, 2, 3, new int[0], ext, PAYLOAD, 0);
        rtp.wrap(p, 0, p.length);

        assertTrue(rtp.setAbsSendTime(ABS_SEND_TIME, 1_500_000_000L));
        int at = rtp.extensionOffset(ABS_SEND_TIME);
        // 1.5 s = 1.5 * 2^18 = 0x060000
        assertArrayEquals(bytes(0x06, 0x00, 0x00), Arrays.copyOfRange(p, at, at + 3));
        assertEquals(0x060000, rtp.absSendTime(ABS_SEND_TIME));
        assertFalse(rtp.setAbsSendTime(9, 1));
    }

    @Test
    void absSendTimeWrapsEverySixtyFourSeconds() {
        assertEquals(0, RtpPacket.absSendTimeOf(64_000_000_000L));
        assertEquals(1 << 18, RtpPacket.absSendTimeOf(65_000_000_000L));
        assertEquals(0xFF_FFFF, RtpPacket.absSendTimeOf(63_999_999_999L));
        // a negative monotonic clock still counts forward: -1 s is 63 s in the 64 s circle
        assertEquals(63 << 18, RtpPacket.absSendTimeOf(-1_000_000_000L));
        assertEquals(1, RtpPacket.absSendTimeOf(3_815L)); // 2^-18 s is about 3814.7 ns
    }

    @Test
    void demultiplexesRtpAndRtcpByTheirFirstTwoBytes() {
        byte[] rtpPacket = packet(96, 1, 2, 3, PAYLOAD);
        byte[] rtpWithMarker = packet(127, true, 1, 2, 3, new int[0], null, PAYLOAD, 0);
        byte[] senderReport = bytes(0x80, 200, 0, 6, 0, 0, 0, 1);
        byte[] pli = bytes(0x81, 206, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2);
        byte[] stun = bytes(0, 1, 0, 0, 0x21, 0x12, 0xA4, 0x42);
        byte[] dtls = bytes(22, 0xFE, 0xFD, 0, 0);

        assertTrue(RtpPacket.looksLikeRtpOrRtcp(rtpPacket, 0, rtpPacket.length));
        assertFalse(RtpPacket.isRtcp(rtpPacket, 0, rtpPacket.length));
        assertFalse(RtpPacket.isRtcp(rtpWithMarker, 0, rtpWithMarker.length));
        assertTrue(RtpPacket.looksLikeRtpOrRtcp(senderReport, 0, senderReport.length));
        assertTrue(RtpPacket.isRtcp(senderReport, 0, senderReport.length));
        assertTrue(RtpPacket.isRtcp(pli, 0, pli.length));
        assertFalse(RtpPacket.looksLikeRtpOrRtcp(stun, 0, stun.length));
        assertFalse(RtpPacket.looksLikeRtpOrRtcp(dtls, 0, dtls.length));
        assertFalse(RtpPacket.isRtcp(senderReport, 0, 3));
        assertFalse(RtpPacket.looksLikeRtpOrRtcp(senderReport, 0, 0));
        assertFalse(RtpPacket.looksLikeRtpOrRtcp(senderReport, 6, 5));
    }
}
