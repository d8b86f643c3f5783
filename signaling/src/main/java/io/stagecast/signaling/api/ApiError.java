package io.stagecast.signaling.api;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.stagecast.signaling.SignalingException;
import io.stagecast.signaling.stage.Outcome;

/**
 * A refused API call: its HTTP status and the stable code of the WebSocket protocol
 * (docs/protocol.md), written as {@code {"error": {"code", "message"}}}. Thrown before anything in a
 * room changed.
 */
final class ApiError extends Exception {
    private static final long serialVersionUID = 1L;

    final HttpResponseStatus status;
    final String code;

    ApiError(HttpResponseStatus status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    static ApiError draining() {
        return new ApiError(HttpResponseStatus.SERVICE_UNAVAILABLE, "node_draining",
                "this node is shutting down: create the room on another node");
    }

    static ApiError badRequest(String message) {
        return new ApiError(HttpResponseStatus.BAD_REQUEST, "bad_request", message);
    }

    static ApiError unauthorized(String message) {
        return new ApiError(HttpResponseStatus.UNAUTHORIZED, "unauthorized", message);
    }

    static ApiError forbidden(String message) {
        return new ApiError(HttpResponseStatus.FORBIDDEN, "forbidden", message);
    }

    static ApiError notFound(String message) {
        return new ApiError(HttpResponseStatus.NOT_FOUND, "not_found", message);
    }

    static ApiError invalidState(String message) {
        return new ApiError(HttpResponseStatus.CONFLICT, "invalid_state", message);
    }

    static ApiError methodNotAllowed(String allow) {
        return new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed", "allowed: " + allow);
    }

    /** The stage's refusal, with the same code a WebSocket client gets. */
    static ApiError of(Outcome.Refused refused) {
        return switch (refused.code()) {
            case FORBIDDEN -> forbidden(refused.message());
            case INVALID_STATE -> invalidState(refused.message());
            case NOT_FOUND -> notFound(refused.message());
            case RATE_LIMITED -> new ApiError(HttpResponseStatus.TOO_MANY_REQUESTS, "rate_limited", refused.message());
            case BAD_REQUEST -> badRequest(refused.message());
            case INVALID_NAME -> new ApiError(HttpResponseStatus.BAD_REQUEST, "invalid_name", refused.message());
            case ROOM_FULL -> new ApiError(HttpResponseStatus.TOO_MANY_REQUESTS, "room_full", refused.message());
        };
    }

    static ApiError of(SignalingException e) {
        HttpResponseStatus status = e.code().httpStatus();
        return new ApiError(status, e.code().wire, e.getMessage());
    }
}
