package io.stagecast.sfu.srtp;

/**
 * Outcome of protecting or unprotecting one packet. An enum so the per-packet path reports errors
 * without allocating; callers count the non-OK values and drop the packet.
 */
public enum SrtpResult {
    /** The packet was transformed in place; its length was updated. */
    OK,
    /** The authentication tag did not verify (RFC 3711 3.3 step 5, RFC 7714 8.2). */
    AUTH_FAILED,
    /** The packet index was seen before or is older than the replay window (RFC 3711 3.3.2). */
    REPLAYED,
    /**
     * Protecting refused: this packet index already protected a different packet, or lies too far
     * back to be checked. Sending it would reuse a keystream and, with AES-GCM, an IV with
     * different authenticated data (see ProtectedIndexLog).
     */
    INDEX_REUSED,
    /**
     * The packet is too short or not RTP/RTCP version 2, the transformer is closed, or a new SSRC
     * would exceed the per-transport context limit.
     */
    MALFORMED
}
