package io.stagecast.signaling.stage;

/**
 * Thrown by the checks at the top of an action, before anything is changed, and turned into
 * {@link Outcome.Refused} at the boundary of {@link StageRoom}; it never leaves this package.
 */
final class StageRefusal extends Exception {
    final RefusalCode code;
    /** The cap this refusal hit ({@link Outcome.Refused#cap()}), null for any other refusal. */
    final String cap;

    StageRefusal(RefusalCode code, String message) {
        this(code, message, null);
    }

    private StageRefusal(RefusalCode code, String message, String cap) {
        super(message, null, false, false);
        this.code = code;
        this.cap = cap;
    }

    /** A bound of the room was reached ({@code cap} names it in {@code stagecast_caps_refused_total}). */
    static StageRefusal capReached(RefusalCode code, String cap, String message) {
        return new StageRefusal(code, message, cap);
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
