package io.stagecast.sfu.srtp;

/**
 * The per-packet cryptographic transform of one protection profile under one set of session keys
 * (SRTP or SRTCP keys of one direction). Index bookkeeping, replay checks and packet parsing stay in
 * {@link SrtpTransformer}; implementations only encrypt, decrypt, tag and verify, in place and
 * without allocating. Not thread-safe.
 *
 * <p>The caller guarantees the lengths: RTP headers lie within the packet, received packets hold at
 * least a tag (and for SRTCP an index) beyond their header, and the array has room for the trailer
 * a protect call appends.
 */
interface PacketProtection {

    /** Bytes of authentication tag this transform appends to SRTP and SRTCP packets. */
    int tagLength();

    /**
     * Encrypts the payload behind the {@code header} bytes and appends the tag (RFC 3711 3.3, RFC
     * 7714 8.2). Returns the new packet length, or -1 if the JCE failed.
     */
    int protectRtp(byte[] buf, int off, int len, int header, int ssrc, long index);

    /**
     * Verifies the tag at the end of the {@code len} bytes and, if it is authentic, decrypts the
     * payload in place. On false the packet may be garbled and must be dropped.
     */
    boolean unprotectRtp(byte[] buf, int off, int len, int header, int ssrc, long index);

    /**
     * Encrypts everything behind the 8-byte RTCP header and appends the E flag with the 31-bit
     * {@code index} and the tag, in this profile's order (RFC 3711 3.4, RFC 7714 9). Returns the
     * new length, or -1 if the JCE failed.
     */
    int protectRtcp(byte[] buf, int off, int len, int ssrc, int index);

    /** Where, counted from the packet start, an SRTCP packet of {@code len} bytes keeps its E flag and index. */
    int srtcpIndexOffset(int len);

    /**
     * Verifies an SRTCP packet whose E flag and index word is {@code flaggedIndex} and, if authentic
     * and the E flag is set, decrypts it in place. {@code len} includes index and tag.
     */
    boolean unprotectRtcp(byte[] buf, int off, int len, int ssrc, int flaggedIndex);
}
