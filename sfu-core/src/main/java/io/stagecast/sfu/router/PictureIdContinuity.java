package io.stagecast.sfu.router;

import io.stagecast.sfu.rtp.PictureIdFields;
import io.stagecast.sfu.rtp.VideoCodec;

/**
 * Keeps the VP8/VP9 picture IDs and TL0PICIDX one subscriber sees continuous when its consumer
 * changes source (a simulcast layer switch). Each layer is its own encoder with its own numbering
 * (libwebrtc and Firefox start each at a random value), and a receiver orders frames by picture
 * ID: libwebrtc's frame buffer drops a frame, even a keyframe, whose ID is older than the last one
 * it decoded, so a switch to a layer numbered lower froze the picture while packets kept arriving
 * (seen with Firefox simulcast). At each switch the new source's numbers are shifted to follow the
 * last ones sent, as the sequence numbers and timestamps are.
 *
 * <p>The shift in force is returned packed (picture ID shift in the high bits, TL0PICIDX shift in
 * the low 8) so a consumer can remember it per sent packet and rebuild a resend exactly.
 */
final class PictureIdContinuity {
    private final VideoCodec codec;
    private int pictureIdShift;
    private int tl0Shift;
    private int lastPictureId = -1;
    private int lastTl0 = -1;
    private int lastDroppedPictureId = -1;

    PictureIdContinuity(VideoCodec codec) {
        this.codec = codec;
    }

    boolean applies() {
        return codec == VideoCodec.VP8 || codec == VideoCodec.VP9;
    }

    /** Goes on from the numbers another consumer sent on the same SSRC (a WHEP slot's next track). */
    void continueAfter(PictureIdContinuity previous) {
        lastPictureId = previous.lastPictureId;
        lastTl0 = previous.lastTl0;
    }

    /** The first packet of the new source (a keyframe) is in {@code buf}: shift its numbers to follow ours. */
    void onSourceChange(byte[] buf, int off, int len) {
        int at = PictureIdFields.pictureIdAt(codec, buf, off, len);
        if (at != PictureIdFields.ABSENT && lastPictureId >= 0) {
            pictureIdShift = lastPictureId + 1 - PictureIdFields.readPictureId(buf, at);
        }
        int tl0At = PictureIdFields.tl0PicIdxAt(codec, buf, off, len);
        if (tl0At != PictureIdFields.ABSENT && lastTl0 >= 0) {
            tl0Shift = lastTl0 + 1 - (buf[tl0At] & 0xFF);
        }
        lastDroppedPictureId = -1;
    }

    /**
     * A packet of a frame not forwarded (a higher temporal layer): the pictures after it close up,
     * so the receiver sees consecutive picture IDs and waits for no missing frame. Only frames of
     * TID &gt; 0 are dropped, so TL0PICIDX needs no shift.
     */
    void onDropped(byte[] buf, int off, int len) {
        int at = PictureIdFields.pictureIdAt(codec, buf, off, len);
        if (at == PictureIdFields.ABSENT) {
            return;
        }
        int id = PictureIdFields.readPictureId(buf, at);
        if (id != lastDroppedPictureId) {
            lastDroppedPictureId = id;
            pictureIdShift--;
        }
    }

    /** The shift in force now, packed for {@link #rewrite}. */
    int currentShift() {
        return (pictureIdShift << 8) | (tl0Shift & 0xFF);
    }

    /**
     * Rewrites the payload descriptor in place with {@code packedShift}; {@code newest} says the
     * packet is the newest sent so far, whose numbers the next switch continues from.
     */
    void rewrite(byte[] buf, int off, int len, int packedShift, boolean newest) {
        int at = PictureIdFields.pictureIdAt(codec, buf, off, len);
        if (at != PictureIdFields.ABSENT) {
            int modulus = PictureIdFields.pictureIdModulus(buf, at);
            int out = Math.floorMod(PictureIdFields.readPictureId(buf, at) + (packedShift >> 8), modulus);
            PictureIdFields.writePictureId(buf, at, out);
            if (newest) {
                lastPictureId = out;
            }
        }
        int tl0At = PictureIdFields.tl0PicIdxAt(codec, buf, off, len);
        if (tl0At != PictureIdFields.ABSENT) {
            int out = (buf[tl0At] + packedShift) & 0xFF;
            buf[tl0At] = (byte) out;
            if (newest) {
                lastTl0 = out;
            }
        }
    }
}
