package io.stagecast.sfu.srtp;

/**
 * The DTLS-SRTP protection profiles we negotiate (RFC 5764 4.1.2, RFC 7714 14.2), in order of
 * preference: GCM first, since one AES-GCM pass is cheaper than AES-CTR plus HMAC-SHA1.
 */
public enum SrtpProfile {
    AEAD_AES_128_GCM(0x0007, 16, 12, 16),
    AES_CM_128_HMAC_SHA1_80(0x0001, 16, 14, 10);

    /** The use_srtp extension's profile id. */
    public final int id;
    public final int keyLength;
    public final int saltLength;
    /** Bytes of authentication tag added to each SRTP packet. */
    public final int tagLength;

    SrtpProfile(int id, int keyLength, int saltLength, int tagLength) {
        this.id = id;
        this.keyLength = keyLength;
        this.saltLength = saltLength;
        this.tagLength = tagLength;
    }

    /** Bytes of keying material to export from DTLS: two keys and two salts (RFC 5764 4.2). */
    public int keyingMaterialLength() {
        return 2 * (keyLength + saltLength);
    }

    public static SrtpProfile byId(int id) {
        for (SrtpProfile p : values()) {
            if (p.id == id) {
                return p;
            }
        }
        return null;
    }
}
