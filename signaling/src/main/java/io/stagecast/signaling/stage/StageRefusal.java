package io.stagecast.signaling.stage;

/**
 * Thrown by the checks at the top of an action, before anything is changed, and turned into
 * {@link Outcome.Refused} at the boundary of {@link StageRoom}; it never leaves this package.
 */
final class StageRefusal extends Exception {
    final RefusalCode code;

    StageRefusal(RefusalCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    static StageRefusal forbidden(String message) {
        return new StageRefusal(RefusalCode.FORBIDDEN, message);
    }

    static StageRefusal invalidState(String message) {
        return new StageRefusal(RefusalCode.INVALID_STATE, message);
    }

    static StageRefusal notFound(String message) {
        return new StageRefusal(RefusalCode.NOT_FOUND, message);
    }

    static StageRefusal rateLimited(String message) {
        return new StageRefusal(RefusalCode.RATE_LIMITED, message);
    }

    static StageRefusal badRequest(String message) {
        return new StageRefusal(RefusalCode.BAD_REQUEST, message);
    }
}
