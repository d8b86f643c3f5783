package io.stagecast.sfu.dtls;

/**
 * Recognises the first record of a DTLS ClientHello without parsing it: what a server session waits
 * for before it asks for a handshake thread. A datagram may carry several records; a ClientHello is
 * always the first one of its flight (RFC 6347 4.2.4), so only the first record is looked at.
 */
final class ClientHelloSniffer {
    /** RFC 6347 4.1: type(1) version(2) epoch(2) sequence_number(6) length(2). */
    private static final int RECORD_HEADER_LENGTH = 13;
    /** RFC 6347 4.2.2: msg_type(1) length(3) message_seq(2) fragment_offset(3) fragment_length(3). */
    private static final int HANDSHAKE_HEADER_LENGTH = 12;
    private static final int CONTENT_TYPE_HANDSHAKE = 22;
    private static final int HANDSHAKE_CLIENT_HELLO = 1;
    /** DTLS versions are the one's complement of their number: 1.0 is 0xFEFF, 1.2 is 0xFEFD. */
    private static final int DTLS_VERSION_MAJOR = 0xFE;

    private ClientHelloSniffer() {
    }

    /** A handshake record in epoch 0 whose (first) fragment is of a ClientHello. Never throws. */
    static boolean isClientHello(byte[] buf, int off, int len) {
        if (buf == null || off < 0 || len < RECORD_HEADER_LENGTH + HANDSHAKE_HEADER_LENGTH || off > buf.length - len) {
            return false;
        }
        int recordLength = ((buf[off + 11] & 0xFF) << 8) | (buf[off + 12] & 0xFF);
        return (buf[off] & 0xFF) == CONTENT_TYPE_HANDSHAKE
                && (buf[off + 1] & 0xFF) == DTLS_VERSION_MAJOR
                && buf[off + 3] == 0 && buf[off + 4] == 0 // epoch 0: nothing is encrypted yet
                && recordLength >= HANDSHAKE_HEADER_LENGTH
                && (buf[off + RECORD_HEADER_LENGTH] & 0xFF) == HANDSHAKE_CLIENT_HELLO;
    }
}
