package io.stagecast.bench;

import io.stagecast.signaling.sdp.Candidate;
import io.stagecast.signaling.sdp.Fingerprint;
import io.stagecast.signaling.sdp.MediaDescription;
import io.stagecast.signaling.sdp.SessionDescription;

import java.net.InetSocketAddress;

/**
 * What a SyntheticPeer needs from the node's SDP to connect: its ICE-lite credentials, DTLS
 * fingerprint and the host candidate, which must be on 127.0.0.1 (the generator never sends
 * anywhere else).
 */
record MediaTarget(InetSocketAddress address, String ufrag, String password, String fingerprint) {

    static MediaTarget of(SessionDescription sdp) {
        for (MediaDescription m : sdp.getMedia()) {
            if (m.getPort() == 0) {
                continue;
            }
            Fingerprint fp = sdp.fingerprintOf(m);
            for (Candidate c : m.getCandidates()) {
                if ("udp".equalsIgnoreCase(c.transport())) {
                    LoadGenerator.requireLoopback(c.address());
                    return new MediaTarget(new InetSocketAddress(c.address(), c.port()), sdp.iceUfragOf(m),
                            sdp.icePwdOf(m), fp.algorithm() + " " + fp.value());
                }
            }
        }
        throw new IllegalStateException("the node's SDP has no UDP candidate");
    }
}
