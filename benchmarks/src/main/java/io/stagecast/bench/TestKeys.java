package io.stagecast.bench;

import io.stagecast.sfu.srtp.SrtpMasterKeys;
import io.stagecast.sfu.srtp.SrtpProfile;

import java.util.SplittableRandom;

/**
 * SRTP master keys as a DTLS handshake would leave them, without running one: benchmarks measure
 * the per-packet path, and a thousand handshakes would only slow their set-up.
 */
final class TestKeys {
    private TestKeys() {
    }

    /** The node's side of an association; {@link #peerOf} gives the endpoint's. */
    static SrtpMasterKeys random(SrtpProfile profile, SplittableRandom random) {
        return new SrtpMasterKeys(profile, bytes(profile.keyLength, random), bytes(profile.saltLength, random),
                bytes(profile.keyLength, random), bytes(profile.saltLength, random));
    }

    static SrtpMasterKeys peerOf(SrtpMasterKeys keys) {
        return new SrtpMasterKeys(keys.profile(), keys.remoteKey(), keys.remoteSalt(), keys.localKey(), keys.localSalt());
    }

    private static byte[] bytes(int n, SplittableRandom random) {
        byte[] out = new byte[n];
        random.nextBytes(out);
        return out;
    }
}
