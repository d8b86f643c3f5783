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
        MISSING_CLAIM,
        /**
         * The token names a key id ({@code kid}) this node does not have: a retired key, or one not yet
         * configured here; or it names none and the node has no legacy key ({@code default}).
         */
        UNKNOWN_KEY,
        /** An API token valid for longer than {@link ApiTokens#MAX_LIFETIME} (a stolen one must not last). */
        LIFETIME_TOO_LONG,
        /** A token of another kind: an API token presented as a join token, or the reverse. */
        WRONG_TYPE
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
