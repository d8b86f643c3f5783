package io.stagecast.sfu.rtp;

/**
 * Where the picture ID and TL0PICIDX of a VP8 (RFC 7741 4.2) or VP9 (RFC 9628 4.2) payload
 * descriptor sit, and reading and writing them in place. A picture ID is 7 bits, or 15 when its
 * first byte has the M bit; TL0PICIDX is 8 bits. Reads only the descriptor; short payloads and
 * descriptors without the field answer {@link #ABSENT}.
 */
public final class PictureIdFields {
    /** No such field in this payload. */
    public static final int ABSENT = -1;

    private PictureIdFields() {
    }

    /**
     * The offset of the picture ID's first byte in {@code buf}, or {@link #ABSENT}. Whether it is
     * 7 or 15 bits is the M bit of that byte ({@link #isLong}).
     */
    public static int pictureIdAt(VideoCodec codec, byte[] buf, int off, int len) {
        if (len < 2) {
            return ABSENT;
        }
        int first = buf[off];
        switch (codec) {
            case VP8: {
                // X bit: extension byte I L T K follows; I: a picture ID after it.
                if ((first & 0x80) == 0 || (buf[off + 1] & 0x80) == 0 || len < 3) {
                    return ABSENT;
                }
                return fits(buf, off + 2, off + len);
            }
            case VP9:
                // I bit of the first byte: the picture ID follows it.
                return (first & 0x80) == 0 ? ABSENT : fits(buf, off + 1, off + len);
            default:
                return ABSENT;
        }
    }

    /** The offset of TL0PICIDX in {@code buf}, or {@link #ABSENT}. */
    public static int tl0PicIdxAt(VideoCodec codec, byte[] buf, int off, int len) {
        if (len < 2) {
            return ABSENT;
        }
        int first = buf[off];
        int end = off + len;
        switch (codec) {
            case VP8: {
                if ((first & 0x80) == 0) {
                    return ABSENT;
                }
                int extension = buf[off + 1];
                if ((extension & 0x40) == 0) { // L
                    return ABSENT;
                }
                int i = off + 2;
                if ((extension & 0x80) != 0) { // I: the picture ID comes first
                    if (i >= end) {
                        return ABSENT;
                    }
                    i += isLong(buf, i) ? 2 : 1;
                }
                return i < end ? i : ABSENT;
            }
            case VP9: {
                boolean layerIndices = (first & 0x20) != 0;
                boolean flexible = (first & 0x10) != 0;
                if (!layerIndices || flexible) { // TL0PICIDX only with L in non-flexible mode
                    return ABSENT;
                }
                int i = off + 1;
                if ((first & 0x80) != 0) {
                    if (i >= end) {
                        return ABSENT;
                    }
                    i += isLong(buf, i) ? 2 : 1;
                }
                i++; // TID U SID D
                return i < end ? i : ABSENT;
            }
            default:
                return ABSENT;
        }
    }

    public static boolean isLong(byte[] buf, int at) {
        return (buf[at] & 0x80) != 0;
    }

    public static int readPictureId(byte[] buf, int at) {
        return isLong(buf, at) ? ((buf[at] & 0x7F) << 8) | (buf[at + 1] & 0xFF) : buf[at] & 0x7F;
    }

    /** Writes {@code value} modulo the field's width, keeping its M bit. */
    public static void writePictureId(byte[] buf, int at, int value) {
        if (isLong(buf, at)) {
            buf[at] = (byte) (0x80 | ((value >> 8) & 0x7F));
            buf[at + 1] = (byte) value;
        } else {
            buf[at] = (byte) (value & 0x7F);
        }
    }

    /** 2^15 or 2^7: the picture ID's space. */
    public static int pictureIdModulus(byte[] buf, int at) {
        return isLong(buf, at) ? 1 << 15 : 1 << 7;
    }

    private static int fits(byte[] buf, int at, int end) {
        if (at >= end) {
            return ABSENT;
        }
        return at + (isLong(buf, at) ? 2 : 1) <= end ? at : ABSENT;
    }
}
