package io.stagecast.signaling.stage;

import java.util.Objects;

/** The room options moderators change live; every change is pushed to everyone. */
public record StageSettings(
        AccessMode accessMode,
        int capacity,
        boolean chatEnabled,
        boolean reactionsEnabled,
        boolean pollsEnabled,
        boolean strongMute,
        boolean locked) {

    public static final int DEFAULT_CAPACITY = 25;
    /** Upper bound on stage capacity: every stage member is forwarded to every viewer. */
    public static final int MAX_CAPACITY = 100;

    /** Request mode, 25 places, chat, reactions and polls on, strong mute off, unlocked. */
    public static final StageSettings DEFAULTS =
            new StageSettings(AccessMode.REQUEST, DEFAULT_CAPACITY, true, true, true, false, false);

    public StageSettings {
        Objects.requireNonNull(accessMode, "accessMode");
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity must be 1.." + MAX_CAPACITY + ", was " + capacity);
        }
    }

    /** These settings with every non-null field of {@code change} applied. */
    StageSettings with(SettingsChange change) {
        return new StageSettings(
                change.accessMode() != null ? change.accessMode() : accessMode,
                change.capacity() != null ? change.capacity() : capacity,
                change.chatEnabled() != null ? change.chatEnabled() : chatEnabled,
                change.reactionsEnabled() != null ? change.reactionsEnabled() : reactionsEnabled,
                change.pollsEnabled() != null ? change.pollsEnabled() : pollsEnabled,
                change.strongMute() != null ? change.strongMute() : strongMute,
                change.locked() != null ? change.locked() : locked);
    }
}
