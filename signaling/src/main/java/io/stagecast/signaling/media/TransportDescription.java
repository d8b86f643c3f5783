package io.stagecast.signaling.media;

import io.stagecast.sfu.MediaNode;
import io.stagecast.sfu.transport.Transport;

import java.util.List;

/** Our side of a transport as SDP shows it: ICE credentials, DTLS fingerprint, host candidates. */
public record TransportDescription(String iceUfrag, String icePwd, String fingerprint, List<String> candidates) {

    public static TransportDescription of(Transport transport, MediaNode node) {
        return new TransportDescription(transport.iceParameters().ufrag(), transport.iceParameters().password(),
                node.dtlsFingerprint(), node.iceCandidates(transport));
    }

    public String fingerprintAlgorithm() {
        return fingerprint.substring(0, fingerprint.indexOf(' '));
    }

    public String fingerprintValue() {
        return fingerprint.substring(fingerprint.indexOf(' ') + 1);
    }
}
