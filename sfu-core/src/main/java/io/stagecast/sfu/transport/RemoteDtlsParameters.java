package io.stagecast.sfu.transport;

import io.stagecast.sfu.dtls.DtlsRole;

/**
 * What the peer's SDP said about DTLS: the role we must play (from a=setup) and the fingerprint
 * its certificate must have (a=fingerprint).
 */
public record RemoteDtlsParameters(DtlsRole ourRole, String fingerprintAlgorithm, String fingerprint) {
}
