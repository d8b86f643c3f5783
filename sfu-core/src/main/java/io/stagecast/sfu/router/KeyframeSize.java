package io.stagecast.sfu.router;

import io.stagecast.sfu.rtp.VideoCodec;

/**
 * The picture size a keyframe announces, for ranking simulcast layers by what they carry rather
 * than by their place in {@code a=simulcast} (Firefox lists rids high to low, Chromium low to high).
 * Only what costs nothing to read: VP8's keyframe header (RFC 6386 9.1, after the RFC 7741 payload
 * descriptor) and VP9's scalability structure (RFC 9628 4.2.1) when the packet carries one. Other
 * codecs answer 0 and layers are ranked by bitrate alone.
 */
final class KeyframeSize {
    private KeyframeSize() {
    }

    /** Width x height of the keyframe starting in this payload, or 0 when it does not say. */
    static int pixels(VideoCodec codec, byte[] buf, int off, int len) {
        int packed = dimensions(codec, buf, off, len);
        return width(packed) * height(packed);
    }

    /**
     * Width and height of the keyframe starting in this payload, packed as {@code width << 16 |
     * height} (read them with {@link #width} and {@link #height}), or 0 when it does not say.
     */
    static int dimensions(VideoCodec codec, byte[] buf, int off, int len) {
        if (codec == VideoCodec.VP8) {
            return vp8(buf, off, len);
        }
        if (codec == VideoCodec.VP9) {
            return vp9(buf, off, len);
        }
        return 0;
    }

    static int width(int packed) {
        return packed >>> 16;
    }

    static int height(int packed) {
        return packed & 0xFFFF;
    }

    private static int vp8(byte[] buf, int off, int len) {
        int i = 1;
        int first = buf[off];
        if ((first & 0x80) != 0) { // X: I L T K
            if (i >= len) {
                return 0;
            }
            int extension = buf[off + i++];
            if ((extension & 0x80) != 0) {
                if (i >= len) {
                    return 0;
                }
                i += (buf[off + i] & 0x80) != 0 ? 2 : 1;
            }
            if ((extension & 0x40) != 0) {
                i++;
            }
            if ((extension & 0x30) != 0) {
                i++;
            }
        }
        // 3-byte frame tag, start code 9d 01 2a, then 14-bit width and height, little endian.
        if (i + 10 > len || (buf[off + i + 3] & 0xFF) != 0x9d || buf[off + i + 4] != 0x01 || buf[off + i + 5] != 0x2a) {
            return 0;
        }
        int width = ((buf[off + i + 6] & 0xFF) | (buf[off + i + 7] & 0xFF) << 8) & 0x3FFF;
        int height = ((buf[off + i + 8] & 0xFF) | (buf[off + i + 9] & 0xFF) << 8) & 0x3FFF;
        return width << 16 | height;
    }

    /** The largest spatial layer's size from the SS that keyframes carry (V=1). */
    private static int vp9(byte[] buf, int off, int len) {
        int first = buf[off];
        if ((first & 0x02) == 0) { // V: no scalability structure
            return 0;
        }
        int i = 1;
        if ((first & 0x80) != 0) {
            if (i >= len) {
                return 0;
            }
            i += (buf[off + i] & 0x80) != 0 ? 2 : 1;
        }
        if ((first & 0x20) != 0) {
            i += (first & 0x10) != 0 ? 1 : 2;
        }
        if (i >= len) {
            return 0;
        }
        int ss = buf[off + i++] & 0xFF;
        int layers = (ss >>> 5) + 1;
        if ((ss & 0x10) == 0 || i + 4 * layers > len) { // Y: sizes present
            return 0;
        }
        int best = 0;
        int bestPixels = 0;
        for (int layer = 0; layer < layers; layer++, i += 4) {
            int width = (buf[off + i] & 0xFF) << 8 | (buf[off + i + 1] & 0xFF);
            int height = (buf[off + i + 2] & 0xFF) << 8 | (buf[off + i + 3] & 0xFF);
            if (width * height > bestPixels) {
                bestPixels = width * height;
                best = width << 16 | height;
            }
        }
        return best;
    }
}
