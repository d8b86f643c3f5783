package io.stagecast.sfu.dtls;

import java.util.List;

import io.stagecast.sfu.srtp.SrtpProfile;

/**
 * Tunables of a session; only tests need others than {@link #DEFAULT}.
 *
 * @param srtpProfiles what a client offers in use_srtp, in order (a server always picks from
 *                     {@link UseSrtpNegotiation#PREFERENCE})
 * @param mtu largest datagram we send; 1200 keeps a flight inside any path's MTU with room for
 *            TURN and IPv6 headers, as browsers do
 * @param handshakeTimeoutMillis give up a handshake (including the wait for the first
 *                               ClientHello) after this long
 */
record DtlsOptions(List<SrtpProfile> srtpProfiles, int mtu, int handshakeTimeoutMillis) {

    static final DtlsOptions DEFAULT = new DtlsOptions(UseSrtpNegotiation.PREFERENCE, 1200, 20_000);

    DtlsOptions {
        srtpProfiles = List.copyOf(srtpProfiles);
        if (srtpProfiles.isEmpty()) {
            throw new IllegalArgumentException("at least one SRTP profile is needed");
        }
    }

    DtlsOptions withSrtpProfiles(List<SrtpProfile> profiles) {
        return new DtlsOptions(profiles, mtu, handshakeTimeoutMillis);
    }

    DtlsOptions withMtu(int newMtu) {
        return new DtlsOptions(srtpProfiles, newMtu, handshakeTimeoutMillis);
    }

    DtlsOptions withHandshakeTimeoutMillis(int millis) {
        return new DtlsOptions(srtpProfiles, mtu, millis);
    }
}
