package io.stagecast.sfu.transport;

import java.security.SecureRandom;

/**
 * Our ICE credentials for one transport (RFC 8445 5.3: ufrag at least 4 characters, password at
 * least 22, from the ice-char set).
 */
public record IceParameters(String ufrag, String password) {
    private static final char[] ICE_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    public static IceParameters random() {
        return new IceParameters(randomString(8), randomString(24));
    }

    private static String randomString(int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = ICE_CHARS[RANDOM.nextInt(ICE_CHARS.length)];
        }
        return new String(out);
    }
}
