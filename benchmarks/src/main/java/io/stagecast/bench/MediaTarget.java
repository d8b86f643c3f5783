package io.stagecast.bench;

import io.stagecast.signaling.sdp.Candidate;
import io.stagecast.signaling.sdp.Fingerprint;
import io.stagecast.signaling.sdp.MediaDescription;
import io.stagecast.signaling.sdp.SessionDescription;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What a SyntheticPeer needs from the node's SDP to connect: its ICE-lite credentials, DTLS
 * fingerprint and the first UDP host candidate the {@link NodeTarget} lets the generator send to
 * (loopback only, unless {@code --allow-remote}).
 */
record MediaTarget(InetSocketAddress address, String ufrag, String password, String fingerprint) {

    static MediaTarget of(SessionDescription sdp, NodeTarget node) {
        Set<String> refused = new LinkedHashSet<>();
        for (MediaDescription m : sdp.getMedia()) {
            if (m.getPort() == 0) {
                continue;
            }
            Fingerprint fp = sdp.fingerprintOf(m);
            for (Candidate c : m.getCandidates()) {
                if (!"udp".equalsIgnoreCase(c.transport())) {
                    continue;
                }
                InetAddress address = resolve(c.address());
                if (address != null && node.maySendTo(address)) {
                    return new MediaTarget(new InetSocketAddress(address, c.port()), sdp.iceUfragOf(m),
                            sdp.icePwdOf(m), fp.algorithm() + " " + fp.value());
                }
                refused.add(c.address());
            }
        }
        if (!refused.isEmpty()) {
            throw new IllegalStateException("the node's UDP candidates " + refused + " are not "
                    + (node.allowRemote() ? "IPv4" : "loopback (" + NodeTarget.ALLOW_REMOTE + " permits other hosts)"));
        }
        throw new IllegalStateException("the node's SDP has no UDP candidate");
    }

    /** Candidates carry IP literals (RFC 8839 5.1); a name is resolved, one that does not is skipped. */
    private static InetAddress resolve(String address) {
        try {
            return InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
