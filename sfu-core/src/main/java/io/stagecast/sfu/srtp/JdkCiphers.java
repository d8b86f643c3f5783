package io.stagecast.sfu.srtp;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchProviderException;
import javax.crypto.Cipher;

/**
 * Where the SRTP layer gets its JDK primitives: the SunJCE/SUN providers when present, because they
 * run on the AES and SHA-1 intrinsics and have the allocation behaviour this package was
 * measured with; otherwise whatever provider the JDK offers first.
 */
final class JdkCiphers {
    private JdkCiphers() {
    }

    static Cipher aes(String transformation) throws GeneralSecurityException {
        try {
            return Cipher.getInstance(transformation, "SunJCE");
        } catch (NoSuchProviderException e) {
            return Cipher.getInstance(transformation);
        }
    }

    static MessageDigest sha1() throws GeneralSecurityException {
        try {
            return MessageDigest.getInstance("SHA-1", "SUN");
        } catch (NoSuchProviderException e) {
            return MessageDigest.getInstance("SHA-1");
        }
    }
}
