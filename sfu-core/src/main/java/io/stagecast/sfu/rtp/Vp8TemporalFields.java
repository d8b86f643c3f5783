package io.stagecast.sfu.rtp;

/**
 * The temporal layer fields of a VP8 payload descriptor (RFC 7741 4.2): TID, the temporal layer
 * of the frame (present when the T bit is set), and Y, layer sync (the frame depends only on
 * TL0 frames, so a receiver may start taking this layer from it); and whether the packet starts
 * a frame (S bit with partition index 0). Reads only the descriptor, in place, as
 * {@link PictureIdFields} does; short payloads and descriptors without TID answer
 * {@link #ABSENT}.
 */
public final class Vp8TemporalFields {
    public static final int ABSENT = -1;

    private Vp8TemporalFields() {
    }

    /**
     * The TID/Y/KEYIDX byte's offset, or {@link #ABSENT} when the descriptor has no T bit.
     */
    static int temporalByteAt(byte[] buf, int off, int len) {
        if (len < 2 || (buf[off] & 0x80) == 0) { // X: no extension byte
            return ABSENT;
        }
        int extension = buf[off + 1];
        if ((extension & 0x20) == 0) { // T
            return ABSENT;
        }
        int i = 2;
        if ((extension & 0x80) != 0) { // I: picture ID, 7 or 15 bits
            if (i >= len) {
                return ABSENT;
            }
            i += (buf[off + i] & 0x80) != 0 ? 2 : 1;
        }
        if ((extension & 0x40) != 0) { // L: TL0PICIDX
            i++;
        }
        return i < len ? off + i : ABSENT;
    }

    /** TID (0-3) of the frame this packet belongs to, or {@link #ABSENT}. */
    public static int temporalId(byte[] buf, int off, int len) {
        int at = temporalByteAt(buf, off, len);
        return at == ABSENT ? ABSENT : (buf[at] >> 6) & 0x03;
    }

    /** The Y bit: the frame depends only on TL0 frames. False when there is no TID. */
    public static boolean layerSync(byte[] buf, int off, int len) {
        int at = temporalByteAt(buf, off, len);
        return at != ABSENT && (buf[at] & 0x20) != 0;
    }

    /** S = 1 and PID = 0: the first packet of a frame. */
    public static boolean startsFrame(byte[] buf, int off, int len) {
        return len >= 1 && (buf[off] & 0x10) != 0 && (buf[off] & 0x0F) == 0;
    }
}
