package io.stagecast.signaling.stage;

import java.util.Locale;

/** How attendees may reach the stage. Moderators and speakers go on stage directly in every mode. */
public enum AccessMode {
    /** "Everyone on stage": anyone may join the stage directly. */
    OPEN,
    /** "Join by request": attendees ask, a moderator approves (an invitation follows) or declines. */
    REQUEST,
    /** "Invite only": attendees reach the stage only through a moderator's invitation. */
    INVITE,
    /** No stage access for attendees at all, not even by invitation. */
    CLOSED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for anything but the four lower-case wire names */
    public static AccessMode fromWire(String wireName) {
        for (AccessMode mode : values()) {
            if (mode.wireName().equals(wireName)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown access mode '" + wireName + "' (expected open, request, invite or closed)");
    }
}
