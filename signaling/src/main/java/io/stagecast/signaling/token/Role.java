package io.stagecast.signaling.token;

import java.util.Locale;

/** What a participant is allowed to do in a room, as carried in the {@code role} claim of a join token. */
public enum Role {
    MODERATOR,
    SPEAKER,
    ATTENDEE;

    /**
     * Whether this role may publish media. For now moderators and speakers go on stage directly;
     * the stage state machine may narrow this later (request / invitation modes).
     */
    public boolean mayPublish() {
        return this != ATTENDEE;
    }

    /** The lower-case name used in tokens and on the wire, e.g. {@code "speaker"}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The role for a wire name ({@code moderator}, {@code speaker}, {@code attendee}); exact lower case only.
     *
     * @throws IllegalArgumentException for anything else, naming the value
     */
    public static Role fromWire(String wireName) {
        for (Role role : values()) {
            if (role.wireName().equals(wireName)) {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown role '" + wireName + "' (expected moderator, speaker or attendee)");
    }
}
