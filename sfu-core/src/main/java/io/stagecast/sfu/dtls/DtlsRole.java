package io.stagecast.sfu.dtls;

/** Which side of the DTLS handshake we play, from the SDP a=setup negotiation (RFC 5763 5). */
public enum DtlsRole {
    CLIENT,
    SERVER
}
