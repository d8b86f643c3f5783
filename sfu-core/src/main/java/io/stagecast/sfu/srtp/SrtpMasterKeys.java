package io.stagecast.sfu.srtp;

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
}
