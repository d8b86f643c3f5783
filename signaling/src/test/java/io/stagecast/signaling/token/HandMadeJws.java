package io.stagecast.signaling.token;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Compact HS256 JWS built by hand, so tests can sign headers and payloads the code under test never makes. */
final class HandMadeJws {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private HandMadeJws() {
    }

    static String sign(byte[] secret, String header, String payload) {
        String signingInput = b64(header) + "." + b64(payload);
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret, "HmacSHA256"));
            return signingInput + "." + B64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** The decoded header JSON of a compact JWS. */
    static String header(String token) {
        return new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))), StandardCharsets.UTF_8);
    }

    private static String b64(String json) {
        return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
