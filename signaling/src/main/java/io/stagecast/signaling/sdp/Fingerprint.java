package io.stagecast.signaling.sdp;

import java.util.Objects;

/**
 * a=fingerprint (RFC 8122 5): hash algorithm (e.g. "sha-256") and the colon-separated upper-case
 * hex of the certificate hash.
 */
public record Fingerprint(String algorithm, String value) {

    public Fingerprint {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(value, "value");
    }

    String sdpValue() {
        return algorithm + " " + value;
    }
}
