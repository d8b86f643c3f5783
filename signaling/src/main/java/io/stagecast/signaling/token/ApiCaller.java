package io.stagecast.signaling.token;

import java.time.Instant;
import java.util.Objects;

/**
 * Who called the REST API, from a verified API token.
 *
 * @param keyId     the API key that signed the token (its {@code kid}, also {@code iss} and {@code sub})
 * @param grants    what it may do
 * @param expiresAt end of the token's validity
 * @param tokenId   the token's {@code jti}, for logs; {@code null} if it has none
 */
public record ApiCaller(String keyId, ApiGrants grants, Instant expiresAt, String tokenId) {
    public ApiCaller {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(grants, "grants");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
