package io.stagecast.signaling;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A refused request: a stable code clients can act on, and a message a person can read.
 * Thrown before any state changes, so a refusal never leaves the room half-modified.
 */
public final class SignalingException extends Exception {
    public enum Code {
        FORBIDDEN("forbidden"),
        INVALID_STATE("invalid_state"),
        NOT_FOUND("not_found"),
        RATE_LIMITED("rate_limited"),
        BAD_REQUEST("bad_request"),
        UNAUTHORIZED("unauthorized"),
        /** The node is at a node-wide cap: try again later (HTTP 503). */
        UNAVAILABLE("unavailable"),
        /** The display name has no visible character or is too long (docs/protocol.md, display names). */
        INVALID_NAME("invalid_name"),
        /** The node is shutting down: no new joins or rooms here; go to another node (HTTP 503). */
        DRAINING("node_draining"),
        /** The room holds as many participants as it may ({@code rooms.max-participants}; HTTP 429). */
        ROOM_FULL("room_full"),
        /**
         * Cluster mode: the room is served by another node, whose URL the refusal carries
         * ({@link #node()}); the client goes there (HTTP: 307 to the same path on it).
         */
        WRONG_NODE("wrong_node");

        public final String wire;

        Code(String wire) {
            this.wire = wire;
        }

        /** The HTTP status this refusal answers with, on every HTTP path (WHIP/WHEP, the API). */
        public HttpResponseStatus httpStatus() {
            return switch (this) {
                case FORBIDDEN -> HttpResponseStatus.FORBIDDEN;
                case UNAUTHORIZED -> HttpResponseStatus.UNAUTHORIZED;
                case NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
                case INVALID_STATE -> HttpResponseStatus.CONFLICT;
                case RATE_LIMITED, ROOM_FULL -> HttpResponseStatus.TOO_MANY_REQUESTS;
                case BAD_REQUEST, INVALID_NAME -> HttpResponseStatus.BAD_REQUEST;
                case UNAVAILABLE, DRAINING -> HttpResponseStatus.SERVICE_UNAVAILABLE;
                case WRONG_NODE -> HttpResponseStatus.TEMPORARY_REDIRECT;
            };
        }
    }

    private final Code code;
    /** The advertised URL of the node that serves the room ({@link Code#WRONG_NODE}), else null. */
    private final String node;

    public SignalingException(Code code, String message) {
        this(code, message, null);
    }

    private SignalingException(Code code, String message, String node) {
        super(message);
        this.code = code;
        this.node = node;
    }

    /** The room is served by the node at {@code nodeUrl}: join it there. */
    public static SignalingException wrongNode(String room, String nodeUrl) {
        return new SignalingException(Code.WRONG_NODE, "room " + room + " is served by another node: join it at "
                + nodeUrl, nodeUrl);
    }

    /** The URL of the node to go to, for {@link Code#WRONG_NODE}; null otherwise. */
    public String node() {
        return node;
    }

    public Code code() {
        return code;
    }

    /** {@code what} (a room, the node) has its cap of requests waiting: {@code unavailable}, try again soon. */
    public static SignalingException busy(String what) {
        return new SignalingException(Code.UNAVAILABLE, what + " is busy: try again in a moment");
    }

    public static SignalingException badRequest(String message) {
        return new SignalingException(Code.BAD_REQUEST, message);
    }

    public static SignalingException forbidden(String message) {
        return new SignalingException(Code.FORBIDDEN, message);
    }

    /** The refusal that ended a future ({@code failure} or what it wraps), if one did. */
    public static java.util.Optional<SignalingException> causeOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SignalingException e) {
                return java.util.Optional.of(e);
            }
        }
        return java.util.Optional.empty();
    }
}
