package io.stagecast.sfu.metrics;

/** Why an ICE-TCP connection was closed by the node (each is a tag of {@code stagecast_ice_tcp_refused_total}). */
public enum TcpRefusal {
    /** The loop already holds its most connections. */
    CAP("cap"),
    /** From outside media.allowed-remote-networks: closed at accept. */
    REMOTE_NOT_ALLOWED("remote_not_allowed"),
    /** No STUN check bound it to a live transport in time. */
    NO_CHECK("no_check"),
    /** A frame longer than any datagram we accept: the stream cannot be read on. */
    BAD_FRAME("bad_frame");

    public final String tag;

    TcpRefusal(String tag) {
        this.tag = tag;
    }
}
