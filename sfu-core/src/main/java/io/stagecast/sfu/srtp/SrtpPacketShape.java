package io.stagecast.sfu.srtp;

/**
 * Cheap structural checks run before a packet reaches the crypto, so garbage never creates stream
 * state and never reaches code that might index past the end of the packet.
 */
final class SrtpPacketShape {
    static final int RTP_FIXED_HEADER = 12;
    static final int RTCP_HEADER = 8;
    /** The E flag plus 31-bit SRTCP index trailing every SRTCP packet (RFC 3711 3.4). */
    static final int SRTCP_INDEX = 4;

    private SrtpPacketShape() {
    }

    /**
     * Length of the RTP header (fixed part, CSRCs and header extension, RFC 3550 5.1 and 5.3.1),
     * or -1 if the packet is not version 2 or is too short to hold that header plus
     * {@code trailer} bytes.
     */
    static int rtpHeaderLength(byte[] buf, int off, int len, int trailer) {
        if (len < RTP_FIXED_HEADER + trailer || (buf[off] & 0xC0) != 0x80) {
            return -1;
        }
        int header = RTP_FIXED_HEADER + (buf[off] & 0x0F) * 4;
        if ((buf[off] & 0x10) != 0) {
            if (len < header + 4 + trailer) {
                return -1;
            }
            int extWords = ((buf[off + header + 2] & 0xFF) << 8) | (buf[off + header + 3] & 0xFF);
            header += 4 + extWords * 4;
        }
        return len < header + trailer ? -1 : header;
    }

    /** Whether this looks like a version 2 RTCP packet holding a sender SSRC plus {@code trailer} bytes. */
    static boolean isRtcp(byte[] buf, int off, int len, int trailer) {
        return len >= RTCP_HEADER + trailer && (buf[off] & 0xC0) == 0x80;
    }

    static int readShort(byte[] buf, int at) {
        return ((buf[at] & 0xFF) << 8) | (buf[at + 1] & 0xFF);
    }

    static int readInt(byte[] buf, int at) {
        return ((buf[at] & 0xFF) << 24) | ((buf[at + 1] & 0xFF) << 16)
                | ((buf[at + 2] & 0xFF) << 8) | (buf[at + 3] & 0xFF);
    }
}
