package io.stagecast.sfu.rtp;

import static io.stagecast.sfu.rtp.RtpTestPackets.bytes;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KeyframeDetectorTest {

    private static boolean keyframe(VideoCodec codec, byte[] payload) {
        // Place the payload inside a larger array to check that offsets are honoured.
        byte[] buf = new byte[payload.length + 7];
        System.arraycopy(payload, 0, buf, 5, payload.length);
        buf[buf.length - 1] = (byte) 0xFF;
        return KeyframeDetector.isKeyframe(codec, buf, 5, payload.length);
    }

    // ---- VP8 (RFC 7741) ----
    // VP8 key frame payload header: P bit (bit 0) = 0, then start code 9d 01 2a at byte 3.
    private static final int[] VP8_KEY = {0x50, 0x04, 0x00, 0x9d, 0x01, 0x2a};
    private static final int[] VP8_DELTA = {0x51, 0x04, 0x00, 0x12, 0x34};

    @Test
    void vp8KeyframeWithMinimalDescriptor() {
        assertTrue(keyframe(VideoCodec.VP8, concat(bytes(0x10), VP8_KEY)));
    }

    @Test
    void vp8KeyframeWithFifteenBitPictureIdTl0AndTid() {
        // X=1 S=1 PID=0 | I L T K | M=1 PictureID (2 bytes) | TL0PICIDX | TID/Y/KEYIDX
        assertTrue(keyframe(VideoCodec.VP8, concat(bytes(0x90, 0xF0, 0x80 | 0x12, 0x34, 0x07, 0x20), VP8_KEY)));
    }

    @Test
    void vp8KeyframeWithSevenBitPictureId() {
        // 0x01 is the 7-bit PictureID; read as the payload header it would say "delta frame".
        assertTrue(keyframe(VideoCodec.VP8, concat(bytes(0x90, 0x80, 0x01), VP8_KEY)));
    }

    @Test
    void vp8DeltaFrameIsNotAKeyframe() {
        assertFalse(keyframe(VideoCodec.VP8, concat(bytes(0x90, 0x80, 0x05), VP8_DELTA)));
        assertFalse(keyframe(VideoCodec.VP8, concat(bytes(0x10), VP8_DELTA)));
    }

    @Test
    void vp8ContinuationPacketsAreNotKeyframes() {
        // S=0: middle of a key frame partition; its first byte's bit 0 happens to be 0.
        assertFalse(keyframe(VideoCodec.VP8, concat(bytes(0x00), VP8_KEY)));
        // S=1 but partition index 1
        assertFalse(keyframe(VideoCodec.VP8, concat(bytes(0x11), VP8_KEY)));
    }

    @Test
    void vp8DescriptorWithoutPayloadIsNotAKeyframe() {
        assertFalse(keyframe(VideoCodec.VP8, bytes(0x90, 0xE0, 0x80, 0x01)));
        assertFalse(keyframe(VideoCodec.VP8, bytes(0x90)));
    }

    // ---- VP9 (RFC 9628) ----

    @Test
    void vp9NonFlexibleKeyframeWithLayerIndices() {
        // I=1 P=0 L=1 F=0 B=1 E=0 V=1 | M=1 PictureID(2) | TID=0 U=0 SID=0 D=0 | TL0PICIDX | SS...
        assertTrue(keyframe(VideoCodec.VP9, bytes(0xAA, 0x81, 0x02, 0x00, 0x05, 0x18, 0x01, 0x02)));
    }

    @Test
    void vp9FlexibleKeyframe() {
        // I=1 P=0 L=1 F=1 B=1 | 7-bit PictureID | SID=0 | frame
        assertTrue(keyframe(VideoCodec.VP9, bytes(0xB8, 0x11, 0x00, 0x9A)));
    }

    @Test
    void vp9KeyframeWithoutLayerIndices() {
        assertTrue(keyframe(VideoCodec.VP9, bytes(0x88, 0x42, 0x9A)));
    }

    @Test
    void vp9InterPredictedFrameIsNotAKeyframe() {
        assertFalse(keyframe(VideoCodec.VP9, bytes(0xE8, 0x11, 0x00, 0x05, 0x9A)));
    }

    @Test
    void vp9MiddlePacketOfAKeyframeIsNotAKeyframe() {
        // B=0
        assertFalse(keyframe(VideoCodec.VP9, bytes(0xA4, 0x11, 0x00, 0x05, 0x9A)));
    }

    @Test
    void vp9UpperSpatialLayerPredictedFromTheBaseIsNotAKeyframe() {
        // SID=1 (bits 3..1 of the layer byte = 001), D=1
        assertFalse(keyframe(VideoCodec.VP9, bytes(0xA8, 0x11, 0x03, 0x05, 0x9A)));
    }

    @Test
    void vp9IndependentUpperSpatialLayerIsAKeyframe() {
        // SID=1, D=0: decodable without the base layer
        assertTrue(keyframe(VideoCodec.VP9, bytes(0xA8, 0x11, 0x02, 0x05, 0x9A)));
    }

    @Test
    void vp9TruncatedDescriptorIsNotAKeyframe() {
        assertFalse(keyframe(VideoCodec.VP9, bytes(0xA8, 0x81)));
        assertFalse(keyframe(VideoCodec.VP9, bytes(0xA8, 0x11, 0x00, 0x05)));
    }

    // ---- H.264 (RFC 6184) ----

    @Test
    void h264SingleNalIdrAndSpsAreKeyframes() {
        assertTrue(keyframe(VideoCodec.H264, bytes(0x65, 0x88, 0x84)));
        assertTrue(keyframe(VideoCodec.H264, bytes(0x67, 0x42, 0xC0, 0x1F)));
    }

    @Test
    void h264NonIdrSliceAndPpsAreNotKeyframes() {
        assertFalse(keyframe(VideoCodec.H264, bytes(0x41, 0x9A, 0x00)));
        assertFalse(keyframe(VideoCodec.H264, bytes(0x68, 0xCE, 0x3C, 0x80)));
    }

    @Test
    void h264StapAWithSpsPpsIsAKeyframe() {
        // STAP-A | size 4 SPS | size 2 PPS
        assertTrue(keyframe(VideoCodec.H264, bytes(0x78, 0, 4, 0x67, 0x42, 0xC0, 0x1F, 0, 2, 0x68, 0xCE)));
        // the key NAL unit in second place
        assertTrue(keyframe(VideoCodec.H264, bytes(0x78, 0, 2, 0x06, 0x05, 0, 2, 0x65, 0x88)));
    }

    @Test
    void h264StapAWithoutKeyNalUnitsIsNotAKeyframe() {
        assertFalse(keyframe(VideoCodec.H264, bytes(0x78, 0, 2, 0x06, 0x05, 0, 2, 0x41, 0x9A)));
        // a size running past the end stops the walk
        assertFalse(keyframe(VideoCodec.H264, bytes(0x78, 0, 9, 0x06, 0x05, 0, 2, 0x65, 0x88)));
    }

    @Test
    void h264FuAStartOfIdrIsAKeyframe() {
        // FU indicator (NRI=3, type 28) | FU header S=1 type 5
        assertTrue(keyframe(VideoCodec.H264, bytes(0x7C, 0x85, 0x88, 0x84)));
    }

    @Test
    void h264FuAContinuationOrNonIdrIsNotAKeyframe() {
        assertFalse(keyframe(VideoCodec.H264, bytes(0x7C, 0x05, 0x88)));
        assertFalse(keyframe(VideoCodec.H264, bytes(0x7C, 0x45, 0x88)));
        assertFalse(keyframe(VideoCodec.H264, bytes(0x5C, 0x81, 0x9A)));
        assertFalse(keyframe(VideoCodec.H264, bytes(0x7C)));
    }

    // ---- AV1 (AV1 RTP specification 4.4) ----

    @Test
    void av1NewCodedVideoSequenceIsAKeyframe() {
        // Z=0 Y=1 W=2 N=1 | OBU sequence header ...
        assertTrue(keyframe(VideoCodec.AV1, bytes(0x68, 0x0B, 0x0A, 0x00)));
    }

    @Test
    void av1WithoutNewSequenceOrContinuingAnObuIsNotAKeyframe() {
        assertFalse(keyframe(VideoCodec.AV1, bytes(0x60, 0x32, 0x10)));
        assertFalse(keyframe(VideoCodec.AV1, bytes(0xC8, 0x32, 0x10)));
    }

    @Test
    void emptyOrOutOfBoundsPayloadIsNotAKeyframe() {
        byte[] idr = bytes(0x65, 0x88);
        for (VideoCodec codec : VideoCodec.values()) {
            assertFalse(KeyframeDetector.isKeyframe(codec, idr, 0, 0));
            assertFalse(KeyframeDetector.isKeyframe(codec, idr, 1, 5));
            assertFalse(KeyframeDetector.isKeyframe(codec, idr, -1, 2));
            assertFalse(KeyframeDetector.isKeyframe(codec, null, 0, 2));
        }
        assertTrue(KeyframeDetector.isKeyframe(VideoCodec.H264, idr, 0, 2));
    }

    private static byte[] concat(byte[] head, int[] tail) {
        byte[] out = new byte[head.length + tail.length];
        System.arraycopy(head, 0, out, 0, head.length);
        for (int i = 0; i < tail.length; i++) {
            out[head.length + i] = (byte) tail[i];
        }
        return out;
    }
}
