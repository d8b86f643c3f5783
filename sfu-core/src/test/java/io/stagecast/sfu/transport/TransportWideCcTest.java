package io.stagecast.sfu.transport;

import io.stagecast.sfu.rtp.RtpPacket;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransportWideCcTest {
    private static final int SENDER_SSRC = 0x0101_0101;
    private static final int TWCC_ID = 3;

    /** An RTP packet with one one-byte-form element (RFC 8285 4.2) of two bytes, or none. */
    private static byte[] packet(int ssrc, int extensionId, int transportSeq) {
        byte[] b = new byte[12 + 8 + 4];
        b[0] = (byte) 0x90; // V=2, X=1
        b[1] = 96;
        b[8] = (byte) (ssrc >>> 24);
        b[9] = (byte) (ssrc >>> 16);
        b[10] = (byte) (ssrc >>> 8);
        b[11] = (byte) ssrc;
        b[12] = (byte) 0xBE;
        b[13] = (byte) 0xDE;
        b[15] = 1; // one word of elements
        b[16] = (byte) (extensionId << 4 | 1);
        b[17] = (byte) (transportSeq >>> 8);
        b[18] = (byte) transportSeq;
        return b;
    }

    private static RtpPacket wrap(byte[] b) {
        return new RtpPacket().wrap(b, 0, b.length);
    }

    @Test
    void stampsConsecutiveNumbersOnlyOnPacketsWithTheElement() {
        TransportWideCc cc = new TransportWideCc(SENDER_SSRC);
        byte[] first = packet(1, TWCC_ID, 0xAAAA);
        assertEquals(0, cc.stamp(wrap(first), TWCC_ID));
        assertEquals(0, (first[17] & 0xFF) << 8 | (first[18] & 0xFF));
        assertEquals(-1, cc.stamp(wrap(packet(1, 5, 0)), TWCC_ID), "no element: no number used up");
        assertEquals(-1, cc.stamp(wrap(packet(1, TWCC_ID, 0)), 0), "not negotiated");
        assertEquals(1, cc.stamp(wrap(packet(1, TWCC_ID, 0)), TWCC_ID));
        for (int i = 2; i <= 0xFFFF; i++) {
            cc.stamp(wrap(packet(1, TWCC_ID, 0)), TWCC_ID);
        }
        assertEquals(0, cc.stamp(wrap(packet(1, TWCC_ID, 0)), TWCC_ID), "wraps at 16 bits");
    }

    @Test
    void feedbackOnlyOnceEnabledAndNamingThePublishersSsrc() {
        TransportWideCc cc = new TransportWideCc(SENDER_SSRC);
        cc.onReceived(wrap(packet(0x2222, TWCC_ID, 7)), 1_000_000);
        assertFalse(cc.hasPendingFeedback(), "not negotiated: nothing recorded");
        assertEquals(0, cc.buildFeedback(new byte[1500], 0, 1500));

        cc.enableFeedback(TWCC_ID);
        cc.enableFeedback(9); // a second producer of the BUNDLE: the first id stays
        cc.onReceived(wrap(packet(0x2222, 9, 7)), 2_000_000);
        assertFalse(cc.hasPendingFeedback());
        cc.onReceived(wrap(packet(0x2222, TWCC_ID, 8)), 3_000_000);
        cc.onReceived(wrap(packet(0x2222, TWCC_ID, 9)), 4_000_000);
        assertTrue(cc.hasPendingFeedback());

        byte[] out = new byte[1500];
        int len = cc.buildFeedback(out, 0, out.length);
        assertTrue(len > 0);
        assertEquals(205, out[1] & 0xFF, "RTPFB");
        assertEquals(15, out[0] & 0x1F, "FMT 15: transport-wide feedback");
        assertEquals(SENDER_SSRC, readInt(out, 4));
        assertEquals(0x2222, readInt(out, 8), "libwebrtc drops feedback not naming one of its SSRCs");
        assertEquals(8, (out[12] & 0xFF) << 8 | (out[13] & 0xFF), "base sequence");
        assertEquals(2, (out[14] & 0xFF) << 8 | (out[15] & 0xFF), "status count");
        assertFalse(cc.hasPendingFeedback());
    }

    private static int readInt(byte[] b, int off) {
        return (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | (b[off + 3] & 0xFF);
    }
}
