package io.stagecast.sfu.srtp;

import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * The SRTP key derivation function (RFC 3711 4.3) with key derivation rate 0, as DTLS-SRTP uses:
 * each session key is the AES-CM keystream under the master key, starting at the counter block
 * {@code (master salt XOR label << 48) || 0x0000}. RFC 7714 11 keeps the same function for GCM,
 * whose 96-bit master salt is zero-padded on the right to 112 bits. Runs once per transformer.
 */
final class SrtpKeyDerivation {
    // RFC 3711 4.3.2
    static final int RTP_ENCRYPTION = 0x00;
    static final int RTP_AUTHENTICATION = 0x01;
    static final int RTP_SALT = 0x02;
    static final int RTCP_ENCRYPTION = 0x03;
    static final int RTCP_AUTHENTICATION = 0x04;
    static final int RTCP_SALT = 0x05;

    private final AesCounterMode prf;
    private final byte[] masterSalt;

    SrtpKeyDerivation(byte[] masterKey, byte[] masterSalt) throws GeneralSecurityException {
        this.prf = new AesCounterMode(masterKey);
        this.masterSalt = masterSalt.clone();
    }

    byte[] derive(int label, int length) throws GeneralSecurityException {
        byte[] iv = Arrays.copyOf(masterSalt, AesCounterMode.BLOCK);
        // The label occupies the byte 48 bits above the 112-bit salt's low end, i.e. byte 7.
        iv[7] ^= (byte) label;
        byte[] key = new byte[length];
        prf.apply(iv, key, 0, length);
        return key;
    }

    /** Overwrites the copy of the master salt; the master key only lives in the cipher's key schedule. */
    void close() {
        Arrays.fill(masterSalt, (byte) 0);
    }
}
