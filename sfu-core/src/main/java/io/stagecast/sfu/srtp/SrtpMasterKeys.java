package io.stagecast.sfu.srtp;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The master keys and salts of one DTLS-SRTP association, seen from our side: "local" protects
 * what we send, "remote" unprotects what we receive.
 */
public record SrtpMasterKeys(SrtpProfile profile, byte[] localKey, byte[] localSalt,
                             byte[] remoteKey, byte[] remoteSalt) {

    /**
     * Splits exported keying material, laid out client key | server key | client salt | server
     * salt (RFC 5764 4.2), according to which DTLS role we played.
     */
    public static SrtpMasterKeys fromKeyingMaterial(SrtpProfile profile, byte[] material, boolean weAreDtlsClient) {
        int k = profile.keyLength;
        int s = profile.saltLength;
        if (material.length != profile.keyingMaterialLength()) {
            throw new IllegalArgumentException("expected " + profile.keyingMaterialLength()
                    + " bytes of keying material, got " + material.length);
        }
        byte[] clientKey = Arrays.copyOfRange(material, 0, k);
        byte[] serverKey = Arrays.copyOfRange(material, k, 2 * k);
        byte[] clientSalt = Arrays.copyOfRange(material, 2 * k, 2 * k + s);
        byte[] serverSalt = Arrays.copyOfRange(material, 2 * k + s, 2 * k + 2 * s);
        return weAreDtlsClient
                ? new SrtpMasterKeys(profile, clientKey, clientSalt, serverKey, serverSalt)
                : new SrtpMasterKeys(profile, serverKey, serverSalt, clientKey, clientSalt);
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Fresh keys for a node-to-node relay, where no DTLS runs: one node draws them and hands them
     * to the other over the cluster's control channel, which uses {@link #mirrored()}.
     */
    public static SrtpMasterKeys random(SrtpProfile profile) {
        return new SrtpMasterKeys(profile, bytes(profile.keyLength), bytes(profile.saltLength),
                bytes(profile.keyLength), bytes(profile.saltLength));
    }

    /** The same association seen from the other end: what we send, it receives. */
    public SrtpMasterKeys mirrored() {
        return new SrtpMasterKeys(profile, remoteKey.clone(), remoteSalt.clone(), localKey.clone(), localSalt.clone());
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** Never the keys themselves: a record's default toString would print them into logs. */
    @Override
    public String toString() {
        return "SrtpMasterKeys[" + profile + "]";
    }
}
