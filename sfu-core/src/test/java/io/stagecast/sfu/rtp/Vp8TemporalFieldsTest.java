package io.stagecast.sfu.rtp;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Vp8TemporalFieldsTest {
    @Test
    void readsTidAndLayerSyncAfterALongPictureIdAndTl0PicIdx() {
        // RFC 7741 4.2: X S PID=0 | I L T K | M + 15-bit picture ID | TL0PICIDX | TID=2 Y KEYIDX
        byte[] d = RtpTestPackets.bytes(0x90, 0xE0, 0x81, 0x23, 0x07, 0xA0, 0x11);
        assertEquals(2, Vp8TemporalFields.temporalId(d, 0, d.length));
        assertTrue(Vp8TemporalFields.layerSync(d, 0, d.length));
        assertTrue(Vp8TemporalFields.startsFrame(d, 0, d.length));
    }

    @Test
    void shortPictureIdNoTl0AndAContinuationPacket() {
        byte[] d = RtpTestPackets.bytes(0x80, 0xA0, 0x05, 0x40, 0x11); // I T, 7-bit picture ID, TID 1, no Y; S = 0
        assertEquals(1, Vp8TemporalFields.temporalId(d, 0, d.length));
        assertFalse(Vp8TemporalFields.layerSync(d, 0, d.length));
        assertFalse(Vp8TemporalFields.startsFrame(d, 0, d.length));
    }

    @Test
    void noTBitOrTruncatedIsAbsent() {
        byte[] noT = RtpTestPackets.bytes(0x90, 0xC0, 0x81, 0x23, 0x07, 0x11);
        assertEquals(Vp8TemporalFields.ABSENT, Vp8TemporalFields.temporalId(noT, 0, noT.length));
        byte[] truncated = RtpTestPackets.bytes(0x90, 0xE0, 0x81, 0x23, 0x07);
        assertEquals(Vp8TemporalFields.ABSENT, Vp8TemporalFields.temporalId(truncated, 0, truncated.length));
        byte[] noX = RtpTestPackets.bytes(0x10, 0x11);
        assertEquals(Vp8TemporalFields.ABSENT, Vp8TemporalFields.temporalId(noX, 0, noX.length));
    }
}
