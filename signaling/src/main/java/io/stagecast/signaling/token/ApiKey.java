package io.stagecast.signaling.token;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;

/**
 * One API key: its id (the JWS {@code kid} of every token it signs) and its HMAC secret.
 * Immutable; the secret is copied in and out and never appears in {@link #toString()}.
 */
public final class ApiKey {

    private final String id;
    private final byte[] secret;

    /**
     * @throws IllegalArgumentException if the id is not a valid key id ({@link ApiKeys#isValidId}) or the
     *                                  secret is shorter than {@value ApiKeys#MIN_SECRET_BYTES} bytes
     */
    public ApiKey(String id, byte[] secret) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(secret, "secret");
        if (!ApiKeys.isValidId(id)) {
            throw new IllegalArgumentException("key id '" + id + "' must be 1-" + ApiKeys.MAX_ID_CHARS
                    + " characters of a-z, 0-9 and '-', starting with a letter or digit");
        }
        if (secret.length < ApiKeys.MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the secret of key '" + id + "' must be at least "
                    + ApiKeys.MIN_SECRET_BYTES + " bytes, was " + secret.length);
        }
        this.id = id;
        this.secret = secret.clone();
    }

    public String id() {
        return id;
    }

    /** A copy of the secret. */
    public byte[] secret() {
        return secret.clone();
    }

    /** Constant-time comparison of the secrets: equality of keys must not leak them through timing. */
    @Override
    public boolean equals(Object other) {
        return other instanceof ApiKey key && id.equals(key.id) && MessageDigest.isEqual(secret, key.secret);
    }

    @Override
    public int hashCode() {
        return id.hashCode() * 31 + Arrays.hashCode(secret);
    }

    @Override
    public String toString() {
        return "ApiKey[" + id + ", secret=(set)]";
    }
}
