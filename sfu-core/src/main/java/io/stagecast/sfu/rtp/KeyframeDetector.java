package io.stagecast.sfu.rtp;

/**
 * Tells from the first bytes of an RTP payload whether the packet starts a keyframe, the point
 * where a receiver (or a subscriber switching layers) can begin decoding. Reads only; short or
 * malformed payloads answer false.
 */
public final class KeyframeDetector {
    private static final int H264_IDR = 5;
    private static final int H264_SPS = 7;
    private static final int H264_STAP_A = 24;
    private static final int H264_FU_A = 28;

    private KeyframeDetector() {
    }

    public static boolean isKeyframe(VideoCodec codec, byte[] buf, int payloadOffset, int payloadLength) {
        if (buf == null || payloadOffset < 0 || payloadLength <= 0
                || payloadOffset > buf.length - payloadLength) {
            return false;
        }
        switch (codec) {
            case VP8:
                return isVp8Keyframe(buf, payloadOffset, payloadLength);
            case VP9:
                return isVp9Keyframe(buf, payloadOffset, payloadLength);
            case H264:
                return isH264Keyframe(buf, payloadOffset, payloadLength);
            case AV1:
                return isAv1Keyframe(buf, payloadOffset, payloadLength);
            default:
                return false;
        }
    }

    /**
     * RFC 7741 4.2 payload descriptor, then 4.3: the VP8 payload header (present only at the start
     * of partition 0, S=1 and PID=0) has P=0 (inverse key frame flag) for a key frame.
     */
    private static boolean isVp8Keyframe(byte[] buf, int off, int len) {
        int first = buf[off];
        boolean start = (first & 0x10) != 0;
        int partitionIndex = first & 0x07;
        if (!start || partitionIndex != 0) {
            return false;
        }
        int i = 1;
        if ((first & 0x80) != 0) { // X: extension byte I L T K
            if (i >= len) {
                return false;
            }
            int extension = buf[off + i++];
            if ((extension & 0x80) != 0) { // I: PictureID, 15 bits when M is set
                if (i >= len) {
                    return false;
                }
                i += (buf[off + i] & 0x80) != 0 ? 2 : 1;
            }
            if ((extension & 0x40) != 0) { // L: TL0PICIDX
                i++;
            }
            if ((extension & 0x30) != 0) { // T or K: TID/Y/KEYIDX byte
                i++;
            }
        }
        return i < len && (buf[off + i] & 0x01) == 0;
    }

    /**
     * RFC 9628 4.2 payload descriptor (I P L F B E V Z): the start of a frame (B=1) that is not
     * inter-picture predicted (P=0) and, when layer indices are present, does not lean on a lower
     * spatial layer either: the base layer (SID=0) or a layer sent with D=0 (no inter-layer
     * dependency), so a decoder can start there.
     */
    private static boolean isVp9Keyframe(byte[] buf, int off, int len) {
        int first = buf[off];
        boolean interPredicted = (first & 0x40) != 0;
        boolean startOfFrame = (first & 0x08) != 0;
        if (interPredicted || !startOfFrame) {
            return false;
        }
        int i = 1;
        if ((first & 0x80) != 0) { // I: picture ID, 15 bits when M is set
            if (i >= len) {
                return false;
            }
            i += (buf[off + i] & 0x80) != 0 ? 2 : 1;
        }
        if ((first & 0x20) != 0) { // L: TID U SID D
            if (i >= len) {
                return false;
            }
            int layers = buf[off + i];
            int spatialLayer = (layers >> 1) & 0x07;
            boolean interLayerDependency = (layers & 0x01) != 0;
            if (spatialLayer != 0 && interLayerDependency) {
                return false;
            }
            i++;
            boolean flexible = (first & 0x10) != 0;
            if (!flexible) { // TL0PICIDX only in non-flexible mode
                i++;
            }
        }
        // P=0, so flexible mode carries no P_DIFF references; what follows (SS if V, then the frame) must exist.
        return i < len;
    }

    /**
     * RFC 6184 5.2: an IDR slice (type 5) or a sequence parameter set (type 7) as a single NAL unit,
     * inside a STAP-A (5.7.1), or as the first fragment (S bit) of an FU-A (5.8).
     */
    private static boolean isH264Keyframe(byte[] buf, int off, int len) {
        int type = buf[off] & 0x1F;
        if (type == H264_STAP_A) {
            int i = 1;
            while (i + 2 < len) {
                int size = RtpPacket.readUint16(buf, off + i);
                i += 2;
                if (size == 0 || size > len - i) {
                    return false;
                }
                if (isH264KeyframeNal(buf[off + i] & 0x1F)) {
                    return true;
                }
                i += size;
            }
            return false;
        }
        if (type == H264_FU_A) {
            if (len < 2) {
                return false;
            }
            int fuHeader = buf[off + 1];
            return (fuHeader & 0x80) != 0 && isH264KeyframeNal(fuHeader & 0x1F);
        }
        return isH264KeyframeNal(type);
    }

    private static boolean isH264KeyframeNal(int type) {
        return type == H264_IDR || type == H264_SPS;
    }

    /**
     * AV1 RTP specification 4.4: the aggregation header's N bit marks the first packet of a coded
     * video sequence (which begins with a key frame); Z=0 because it cannot continue an OBU.
     */
    private static boolean isAv1Keyframe(byte[] buf, int off, int len) {
        int aggregation = buf[off];
        boolean continuesObu = (aggregation & 0x80) != 0;
        boolean newSequence = (aggregation & 0x08) != 0;
        return newSequence && !continuesObu;
    }
}
