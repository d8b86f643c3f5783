package io.stagecast.sfu.rtp;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PictureIdFieldsTest {
    @Test
    void vp8LongPictureIdAndTl0PicIdx() {
        byte[] p = {0, (byte) 0x90, (byte) 0xC0, (byte) 0x81, 0x23, 0x45, 0x00};
        int at = PictureIdFields.pictureIdAt(VideoCodec.VP8, p, 1, p.length - 1);
        assertEquals(3, at);
        assertEquals(0x0123, PictureIdFields.readPictureId(p, at));
        assertEquals(5, PictureIdFields.tl0PicIdxAt(VideoCodec.VP8, p, 1, p.length - 1));
        PictureIdFields.writePictureId(p, at, 0x7FFF + 2); // wraps within 15 bits, M bit kept
        assertEquals(1, PictureIdFields.readPictureId(p, at));
        assertEquals((byte) 0x80, p[3]);
    }

    @Test
    void vp8ShortPictureIdWithoutTl0() {
        byte[] p = {(byte) 0x90, (byte) 0x80, 0x05, 0x00};
        int at = PictureIdFields.pictureIdAt(VideoCodec.VP8, p, 0, p.length);
        assertEquals(2, at);
        assertEquals(5, PictureIdFields.readPictureId(p, at));
        assertEquals(128, PictureIdFields.pictureIdModulus(p, at));
        assertEquals(PictureIdFields.ABSENT, PictureIdFields.tl0PicIdxAt(VideoCodec.VP8, p, 0, p.length));
    }

    @Test
    void vp8WithoutExtensionOrTooShortHasNone() {
        assertEquals(PictureIdFields.ABSENT, PictureIdFields.pictureIdAt(VideoCodec.VP8, new byte[] {0x10, 0}, 0, 2));
        assertEquals(PictureIdFields.ABSENT,
                PictureIdFields.pictureIdAt(VideoCodec.VP8, new byte[] {(byte) 0x90, (byte) 0x80, (byte) 0x81}, 0, 3));
        assertEquals(PictureIdFields.ABSENT,
                PictureIdFields.tl0PicIdxAt(VideoCodec.VP8, new byte[] {(byte) 0x90, (byte) 0xC0, (byte) 0x81, 1}, 0, 4));
    }

    @Test
    void vp9NonFlexibleHasTl0AfterTheLayerIndices() {
        // I L (non-flexible), B: picture ID 15 bits, TID/U/SID/D, TL0PICIDX
        byte[] p = {(byte) 0xA8, (byte) 0x80, 0x09, 0x00, 0x42, 0x00};
        int at = PictureIdFields.pictureIdAt(VideoCodec.VP9, p, 0, p.length);
        assertEquals(1, at);
        assertEquals(9, PictureIdFields.readPictureId(p, at));
        assertEquals(4, PictureIdFields.tl0PicIdxAt(VideoCodec.VP9, p, 0, p.length));
        byte[] flexible = {(byte) 0xB8, (byte) 0x80, 0x09, 0x00, 0x00};
        assertEquals(PictureIdFields.ABSENT, PictureIdFields.tl0PicIdxAt(VideoCodec.VP9, flexible, 0, flexible.length));
    }

    @Test
    void otherCodecsHaveNone() {
        byte[] p = {(byte) 0x90, (byte) 0xC0, (byte) 0x81, 0x23, 0x45};
        assertEquals(PictureIdFields.ABSENT, PictureIdFields.pictureIdAt(VideoCodec.H264, p, 0, p.length));
        assertEquals(PictureIdFields.ABSENT, PictureIdFields.tl0PicIdxAt(VideoCodec.AV1, p, 0, p.length));
    }
}
