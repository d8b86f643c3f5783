package io.stagecast.signaling.stage;

/** Why an action was refused; the wire names are stable and clients act on them. */
public enum RefusalCode {
    /** The actor's role (or the room's mode) does not allow this action. */
    FORBIDDEN("forbidden"),
    /** Allowed in general, but not now: wrong session state, nothing pending, already done. */
    INVALID_STATE("invalid_state"),
    /** The named participant, message or poll does not exist. */
    NOT_FOUND("not_found"),
    /** Too many chat messages, reactions or other requests that fan out to the room in the current window. */
    RATE_LIMITED("rate_limited"),
    /** The arguments are malformed: empty or too long text, bad option index, bad capacity. */
    BAD_REQUEST("bad_request"),
    /** The display name breaks the name rule ({@link DisplayName}): nothing visible, or too long. */
    INVALID_NAME("invalid_name"),
    /** The room holds as many participants as it may ({@link StageLimits#maxParticipants()}). */
    ROOM_FULL("room_full");

    public final String wire;

    RefusalCode(String wire) {
        this.wire = wire;
    }
}
