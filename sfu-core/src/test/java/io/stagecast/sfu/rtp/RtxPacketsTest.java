package io.stagecast.sfu.rtp;

import static io.stagecast.sfu.rtp.RtpTestPackets.bytes;
import static io.stagecast.sfu.rtp.RtpTestPackets.oneByteBlock;
import static io.stagecast.sfu.rtp.RtpTestPackets.oneByteElement;
import static io.stagecast.sfu.rtp.RtpTestPackets.packet;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RtxPacketsTest {
    private static final byte[] PAYLOAD = bytes(0x90, 0x80, 0x05, 0x51, 9, 8, 7);
    private static final int RTX_PT = 97;
    private static final int RTX_SSRC = 0x0BAD_F00D;

    private final RtpPacket rtp = new RtpPacket();

    private static byte[] original() {
        return packet(96, true, 0xBEEF, 0x1234_5678L, 0x1111_2222, new int[] {0x3333_4444},
                oneByteBlock(oneByteElement(1, 'v'), oneByteElement(5, 0, 9)), PAYLOAD, 0);
    }

    @Test
    void rtxPacketCarriesTheOriginalSequenceNumberBeforeThePayload() {
        byte[] src = original();
        byte[] dst = new byte[1500];

        int len = RtxPackets.toRtx(src, 0, src.length, dst, 10, RTX_PT, RTX_SSRC, 7);

        assertEquals(src.length + 2, len);
        rtp.wrap(dst, 10, len);
        assertTrue(rtp.isValid());
        assertEquals(RTX_PT, rtp.payloadType());
        assertEquals(RTX_SSRC, rtp.ssrc());
        assertEquals(7, rtp.sequenceNumber());
        assertEquals(0x1234_5678L, rtp.timestamp());
        assertTrue(rtp.marker());
        assertEquals(0x3333_4444, rtp.csrc(0));
        assertEquals("v", rtp.extensionString(1));
        assertEquals(PAYLOAD.length + 2, rtp.payloadLength());
        assertEquals(0xBEEF, RtpPacket.readUint16(dst, rtp.payloadOffset()));
        assertArrayEquals(PAYLOAD, Arrays.copyOfRange(dst, rtp.payloadOffset() + 2, rtp.payloadOffset() + 2 + PAYLOAD.length));
    }

    @Test
    void rtxRoundTripRestoresTheOriginal() {
        byte[] src = original();
        byte[] dst = new byte[1500];
        int len = RtxPackets.toRtx(src, 0, src.length, dst, 0, RTX_PT, RTX_SSRC, 7);

        int restored = RtxPackets.fromRtx(dst, 0, len, 96, 0x1111_2222);

        assertEquals(src.length, restored);
        assertArrayEquals(src, Arrays.copyOf(dst, restored));
    }

    @Test
    void originalPaddingIsDroppedFromTheRtxPacket() {
        byte[] src = packet(96, false, 5, 6, 7, new int[0], null, PAYLOAD, 4);
        byte[] dst = new byte[100];

        int len = RtxPackets.toRtx(src, 0, src.length, dst, 0, RTX_PT, RTX_SSRC, 1);

        assertEquals(12 + 2 + PAYLOAD.length, len);
        rtp.wrap(dst, 0, len);
        assertTrue(rtp.isValid());
        assertFalse(rtp.hasPadding());
        assertEquals(PAYLOAD.length + 2, rtp.payloadLength());
    }

    @Test
    void toRtxWorksInPlace() {
        byte[] src = original();
        byte[] buf = Arrays.copyOf(src, 200);

        int len = RtxPackets.toRtx(buf, 0, src.length, buf, 0, RTX_PT, RTX_SSRC, 7);
        int restored = RtxPackets.fromRtx(buf, 0, len, 96, 0x1111_2222);

        assertArrayEquals(src, Arrays.copyOf(buf, restored));
    }

    @Test
    void fromRtxKeepsPublisherPaddingValid() {
        // RTX packet: header, OSN 0x0102, payload 0xAA 0xBB, 3 bytes of padding
        byte[] rtx = packet(RTX_PT, false, 40, 6, RTX_SSRC, new int[0], null, bytes(0x01, 0x02, 0xAA, 0xBB), 3);

        int len = RtxPackets.fromRtx(rtx, 0, rtx.length, 96, 0x55);

        rtp.wrap(rtx, 0, len);
        assertTrue(rtp.isValid());
        assertEquals(0x0102, rtp.sequenceNumber());
        assertEquals(96, rtp.payloadType());
        assertEquals(0x55, rtp.ssrc());
        assertEquals(2, rtp.payloadLength());
        assertEquals(3, rtp.paddingLength());
        assertEquals((byte) 0xAA, rtx[rtp.payloadOffset()]);
    }

    @Test
    void paddingOnlyRtxProbeHasNoOriginalToRestore() {
        byte[] probe = packet(RTX_PT, false, 40, 6, RTX_SSRC, new int[0], null, new byte[0], 200);
        assertEquals(-1, RtxPackets.fromRtx(probe, 0, probe.length, 96, 0x55));
    }

    @Test
    void malformedInputIsRejected() {
        byte[] src = original();
        byte[] dst = new byte[1500];
        assertEquals(-1, RtxPackets.toRtx(src, 0, 11, dst, 0, RTX_PT, RTX_SSRC, 1));
        assertEquals(-1, RtxPackets.toRtx(src, 0, src.length, new byte[src.length + 1], 0, RTX_PT, RTX_SSRC, 1));
        assertEquals(-1, RtxPackets.toRtx(src, 0, src.length, dst, 1490, RTX_PT, RTX_SSRC, 1));
        assertEquals(-1, RtxPackets.fromRtx(src, 0, 11, 96, 1));
        byte[] oneBytePayload = packet(RTX_PT, 1, 2, 3, bytes(7));
        assertEquals(-1, RtxPackets.fromRtx(oneBytePayload, 0, oneBytePayload.length, 96, 1));
    }
}
