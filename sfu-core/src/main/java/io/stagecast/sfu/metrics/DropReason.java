package io.stagecast.sfu.metrics;

/** Why the media plane discarded a packet. Each reason is its own counter, so stats explain behaviour. */
public enum DropReason {
    /** RTP from a transport or track that signaling did not allow to publish (not on stage). */
    NOT_ALLOWED("not_allowed"),
    SRTP_AUTH_FAILED("srtp_auth"),
    REPLAY("replay"),
    UNKNOWN_SSRC("unknown_ssrc"),
    MALFORMED("malformed"),
    /** A datagram from an address that is bound to no transport (before ICE, or a stranger). */
    UNKNOWN_SOURCE("unknown_source"),
    /** A source outside media.allowed-remote-networks: ignored without an answer. */
    REMOTE_NOT_ALLOWED("remote_not_allowed"),
    /**
     * A STUN Binding indication: a keepalive (RFC 8445 11, what libnice sends after nomination),
     * ignored; it proves nothing for consent because nothing authenticates it.
     */
    KEEPALIVE("keepalive"),
    /** A STUN check that failed authentication or named no transport. */
    STUN_REJECTED("stun_rejected"),
    /** A track a moderator (or the participant) muted: the media plane stops forwarding it. */
    MUTED("muted"),
    /**
     * A packet we were about to send whose SRTP index already protected a different packet: sending
     * it would reuse a keystream (and a GCM IV). Never expected; a bug if it counts.
     */
    SRTP_INDEX_REUSED("srtp_index_reused"),
    /** Media before DTLS finished, so no keys yet. */
    NOT_CONNECTED("not_connected"),
    /** A packet for another media loop while that loop was too far behind (router.LoopRelay's cap). */
    LOOP_RELAY_FULL("loop_relay_full"),
    /**
     * A packet for a peer on ICE-TCP whose connection already queues as much as we let it (the
     * peer's TCP window is closed): dropped as a congested UDP path would lose it.
     */
    TCP_CONGESTED("tcp_congested");

    public final String tag;

    DropReason(String tag) {
        this.tag = tag;
    }
}
