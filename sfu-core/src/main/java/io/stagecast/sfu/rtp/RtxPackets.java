package io.stagecast.sfu.rtp;

/**
 * RFC 4588 retransmission packets: an RTX packet carries the original's header (with the RTX
 * stream's payload type, SSRC and sequence number), then the original sequence number (OSN, 2
 * bytes), then the original payload. Allocation free.
 */
public final class RtxPackets {
    private static final int OSN_LENGTH = 2;

    private RtxPackets() {
    }

    /**
     * Writes the RTX form of the packet at {@code src[off..off+len)} to {@code dst} from
     * {@code dstOff}. The header is copied with its CSRCs and extensions and keeps the timestamp
     * and marker (RFC 4588 4); the original's padding is dropped. {@code dst} may be {@code src}
     * with {@code dstOff >= off}.
     *
     * @return the RTX packet's length, or -1 if the original is malformed or {@code dst} too small
     */
    public static int toRtx(byte[] src, int off, int len, byte[] dst, int dstOff,
                            int rtxPayloadType, int rtxSsrc, int rtxSeq) {
        int header = RtpPacket.validHeaderLength(src, off, len);
        if (header < 0 || dst == null || dstOff < 0) {
            return -1;
        }
        int payload = len - header - RtpPacket.paddingLengthOf(src, off, len);
        int rtxLength = header + OSN_LENGTH + payload;
        if (dstOff > dst.length - rtxLength) {
            return -1;
        }
        int originalSeq = RtpPacket.readUint16(src, off + 2);
        // Payload first: when dst is src shifted forward, the header copy below must not clobber it.
        System.arraycopy(src, off + header, dst, dstOff + header + OSN_LENGTH, payload);
        System.arraycopy(src, off, dst, dstOff, header);
        dst[dstOff] = (byte) (dst[dstOff] & ~0x20);
        dst[dstOff + 1] = (byte) ((dst[dstOff + 1] & 0x80) | (rtxPayloadType & 0x7F));
        RtpPacket.writeUint16(dst, dstOff + 2, rtxSeq);
        RtpPacket.writeInt32(dst, dstOff + 8, rtxSsrc);
        RtpPacket.writeUint16(dst, dstOff + header, originalSeq);
        return rtxLength;
    }

    /**
     * Turns a publisher's RTX packet back into the original, in place: sequence number from the
     * OSN, the given payload type and SSRC, the OSN removed (the payload and any padding move 2
     * bytes forward).
     *
     * @return the original's length, or -1 if malformed or without an OSN (RTX padding-only
     *     packets used for bandwidth probing have none; drop them)
     */
    public static int fromRtx(byte[] buf, int off, int len, int originalPayloadType, int originalSsrc) {
        int header = RtpPacket.validHeaderLength(buf, off, len);
        if (header < 0 || len - header - RtpPacket.paddingLengthOf(buf, off, len) < OSN_LENGTH) {
            return -1;
        }
        int originalSeq = RtpPacket.readUint16(buf, off + header);
        System.arraycopy(buf, off + header + OSN_LENGTH, buf, off + header, len - header - OSN_LENGTH);
        buf[off + 1] = (byte) ((buf[off + 1] & 0x80) | (originalPayloadType & 0x7F));
        RtpPacket.writeUint16(buf, off + 2, originalSeq);
        RtpPacket.writeInt32(buf, off + 8, originalSsrc);
        return len - OSN_LENGTH;
    }
}
