package io.stagecast.sfu.stun;

/**
 * Cheap checks on the raw bytes of a datagram, before any decoding.
 *
 * <p>Everything here reads the buffer in place and allocates nothing: {@link #looksLikeStun} runs on
 * every datagram the demultiplexer sees.
 */
public final class StunPackets {
    /** RFC 5389 §6: every STUN message starts with a 20-byte header. */
    public static final int HEADER_LENGTH = 20;
    /** RFC 5389 §6: fixed value in bytes 4..7 of the header. */
    public static final int MAGIC_COOKIE = 0x2112A442;
    /** RFC 5389 §18.1: method Binding (0x001) in class request, success response, indication. */
    public static final int BINDING_REQUEST = 0x0001;
    public static final int BINDING_SUCCESS_RESPONSE = 0x0101;
    public static final int BINDING_INDICATION = 0x0011;

    private StunPackets() {
    }

    /**
     * Whether {@code len} bytes at {@code off} can be a single STUN message: first byte in [0..3] (the
     * RFC 7983 §7 demultiplexing range, i.e. the two leading zero bits of RFC 5389 §6), the magic
     * cookie, and a body length that is a multiple of 4 and fills the datagram exactly (a UDP datagram
     * carries one message, RFC 5389 §7.2.1).
     */
    public static boolean looksLikeStun(byte[] buf, int off, int len) {
        if (buf == null || off < 0 || len < HEADER_LENGTH || off > buf.length - len) {
            return false;
        }
        if ((buf[off] & 0xFF) > 3) {
            return false;
        }
        int bodyLength = readUnsignedShort(buf, off + 2);
        return (bodyLength & 3) == 0
                && bodyLength == len - HEADER_LENGTH
                && readInt(buf, off + 4) == MAGIC_COOKIE;
    }

    /** A Binding indication (RFC 8445 11 keepalive): well-formed STUN of that type, nothing checked beyond. */
    public static boolean isBindingIndication(byte[] buf, int off, int len) {
        return looksLikeStun(buf, off, len) && messageType(buf, off) == BINDING_INDICATION;
    }

    /** The 16-bit message type (class and method) of a message that {@link #looksLikeStun}. */
    static int messageType(byte[] buf, int off) {
        return readUnsignedShort(buf, off);
    }

    static int readUnsignedShort(byte[] buf, int at) {
        return ((buf[at] & 0xFF) << 8) | (buf[at + 1] & 0xFF);
    }

    private static int readInt(byte[] buf, int at) {
        return (readUnsignedShort(buf, at) << 16) | readUnsignedShort(buf, at + 2);
    }
}
