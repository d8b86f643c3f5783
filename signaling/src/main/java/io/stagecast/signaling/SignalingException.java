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
        ROOM_FULL("room_full");

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
            };
        }
    }

    private final Code code;

    public SignalingException(Code code, String message) {
        super(message);
        this.code = code;
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
}
