package io.stagecast.sfu.rtcp;

/**
 * Iterates the packets of a decrypted compound RTCP datagram (RFC 3550 6.1) without copying.
 *
 * <p>Only the common header is checked here: version 2, a length that fits the datagram, at least
 * the 8 bytes every packet type carries (header and sender SSRC), and a sane padding count. A packet
 * that breaks framing stops iteration and sets {@link #isMalformed()}; whether a packet's body
 * matches its type is checked by the {@link RtcpReaders} validators, so that one bad feedback
 * message can be skipped and counted while the rest of the compound is still used.
 *
 * <p>Reusable: one instance per event loop, {@link #wrap} per datagram. The packet accessors
 * describe the packet of the last {@link #next()} that returned true.
 */
public final class RtcpCompound {
    public static final int PT_SR = 200;
    public static final int PT_RR = 201;
    public static final int PT_SDES = 202;
    public static final int PT_BYE = 203;
    public static final int PT_APP = 204;
    public static final int PT_RTPFB = 205;
    public static final int PT_PSFB = 206;

    /** Common header plus the sender SSRC. */
    static final int MIN_PACKET_LENGTH = 8;

    private byte[] buf;
    private int end;
    private int nextOffset;
    private int packetOffset;
    private int packetLength;
    private int contentLength;
    private boolean malformed;

    public RtcpCompound wrap(byte[] buf, int off, int len) {
        this.buf = buf;
        boolean valid = buf != null && off >= 0 && len >= 0 && off <= buf.length - len;
        this.nextOffset = valid ? off : 0;
        this.end = valid ? off + len : 0;
        this.packetOffset = nextOffset;
        this.packetLength = 0;
        this.contentLength = 0;
        // An empty datagram is not RTCP (RFC 3550 6.1: a compound holds at least one packet).
        this.malformed = !valid || len == 0;
        return this;
    }

    /** Moves to the next packet; false at the end of the datagram or when framing is broken. */
    public boolean next() {
        if (malformed || nextOffset >= end) {
            return false;
        }
        int at = nextOffset;
        if (end - at < 4 || (buf[at] & 0xC0) != 0x80) {
            return fail();
        }
        int length = (BigEndian.u16(buf, at + 2) + 1) * 4;
        if (length > end - at || length < MIN_PACKET_LENGTH) {
            return fail();
        }
        int content = length;
        if ((buf[at] & 0x20) != 0) {
            // RFC 3550 6.4.1: the last octet counts the padding, itself included.
            int padding = buf[at + length - 1] & 0xFF;
            if (padding == 0 || padding > length - 4) {
                return fail();
            }
            content = length - padding;
        }
        packetOffset = at;
        packetLength = length;
        contentLength = content;
        nextOffset = at + length;
        return true;
    }

    private boolean fail() {
        malformed = true;
        packetLength = 0;
        contentLength = 0;
        return false;
    }

    public boolean isMalformed() {
        return malformed;
    }

    public byte[] buffer() {
        return buf;
    }

    public int packetType() {
        return buf[packetOffset + 1] & 0xFF;
    }

    /** Feedback message type for RTPFB/PSFB; the item count (RC/SC) for the other types. */
    public int fmt() {
        return buf[packetOffset] & 0x1F;
    }

    public int packetOffset() {
        return packetOffset;
    }

    /** Bytes of the current packet including any padding. */
    public int packetLength() {
        return packetLength;
    }

    /** Bytes of the current packet without its padding: what the readers should be given. */
    public int contentLength() {
        return contentLength;
    }

    public int senderSsrc() {
        return BigEndian.i32(buf, packetOffset + 4);
    }

    /** The media source SSRC of a feedback packet (RFC 4585 6.1); 0 when the packet has none. */
    public int mediaSsrc() {
        return contentLength >= 12 ? BigEndian.i32(buf, packetOffset + 8) : 0;
    }
}
