package io.stagecast.sfu.transport;

import io.netty.buffer.ByteBuf;
import io.stagecast.sfu.buffer.PacketBuffer;

/**
 * What both ways in (a UDP datagram, an ICE-TCP frame) do first: copy the packet once into the
 * loop's receive buffer (jitsi-srtp decrypts heap arrays in place, so from here on the packet is
 * that array, not the Netty buffer), and tell by its first byte what it is (RFC 7983 7).
 */
enum ReceivedPacket {
    /** 0-3. */
    STUN,
    /** 20-63. */
    DTLS,
    /** 128-191: RTP or RTCP, told apart later (RFC 5761 4). */
    SRTP,
    /** Anything else: dropped and counted. */
    OTHER;

    /** Copies {@code len} bytes at the reader index of {@code content} into {@code into}, from offset 0; returns its kind. */
    static ReceivedPacket load(ByteBuf content, int len, PacketBuffer into) {
        byte[] buf = into.getBuffer();
        content.getBytes(content.readerIndex(), buf, 0, len);
        into.setOffset(0);
        into.setLength(len);
        int first = buf[0] & 0xFF;
        if (first <= 3) {
            return STUN;
        }
        if (first >= 20 && first <= 63) {
            return DTLS;
        }
        return first >= 128 && first <= 191 ? SRTP : OTHER;
    }
}
