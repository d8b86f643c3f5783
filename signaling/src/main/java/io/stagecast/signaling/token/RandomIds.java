package io.stagecast.signaling.token;

import java.security.SecureRandom;
import java.util.Base64;

/** Unguessable, URL-safe identifiers for participants and tokens. */
public final class RandomIds {

    /** 128 bits: collisions are not a concern and ids cannot be guessed. */
    private static final int BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private RandomIds() {
    }

    /** A new participant id: 22 characters of base64url, safe in URLs, JSON and log lines. */
    public static String participantId() {
        return next();
    }

    /** A new JWT id ({@code jti}). */
    public static String tokenId() {
        return next();
    }

    private static String next() {
        byte[] bytes = new byte[BYTES];
        RANDOM.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }
}
