package io.stagecast.signaling.token;

import java.util.Objects;

/** Why a join token was refused. The message is meant for logs and for the client's error reply. */
public final class TokenError extends Exception {

    private static final long serialVersionUID = 1L;

    /** Reason codes, stable for clients (sent on the wire in lower case by the signaling layer). */
    public enum Code {
        /** Not a compact JWS, bad base64/JSON, a claim of the wrong type, or a wrong issuer. */
        MALFORMED,
        /** Unsigned ({@code alg: none}), another algorithm than HS256, or the signature does not match. */
        BAD_SIGNATURE,
        EXPIRED,
        NOT_YET_VALID,
        WRONG_ROOM,
        /** A single-use token that was already redeemed (or could not be remembered, see {@link JoinTokens}). */
        ALREADY_USED,
        MISSING_CLAIM
    }

    private final Code code;

    public TokenError(Code code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public TokenError(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public Code code() {
        return code;
    }

    @Override
    public String toString() {
        return "TokenError[" + code + "]: " + getMessage();
    }
}
