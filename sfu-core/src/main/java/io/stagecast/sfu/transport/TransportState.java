package io.stagecast.sfu.transport;

/** The life of one peer's transport: ICE, then DTLS, then media; every path ends in CLOSED. */
public enum TransportState {
    /** Created, waiting for the first valid ICE check. */
    NEW,
    /** ICE bound to a remote address, DTLS handshake under way. */
    CONNECTING,
    /** DTLS done, SRTP keys installed, media flows. */
    CONNECTED,
    /** DTLS failed (e.g. fingerprint mismatch); resources are freed as for CLOSED. */
    FAILED,
    CLOSED
}
