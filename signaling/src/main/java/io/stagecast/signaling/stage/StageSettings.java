package io.stagecast.signaling.stage;

import java.util.Objects;

/** The room options moderators change live; every change is pushed to everyone. */
public record StageSettings(
        AccessMode accessMode,
        int capacity,
        boolean chatEnabled,
        boolean reactionsEnabled,
        boolean pollsEnabled,
        boolean qaEnabled,
        boolean strongMute,
        boolean locked,
        int lastN) {

    public static final int DEFAULT_CAPACITY = 25;
    /** Upper bound on stage capacity: every stage member is forwarded to every viewer. */
    public static final int MAX_CAPACITY = 100;

    /** Most video tracks one viewer receives (docs/protocol.md, room.settings): the stage's default capacity. */
    public static final int MAX_LAST_N = 25;

    /** Request mode, 25 places, chat, reactions, polls and Q&amp;A on, strong mute off, unlocked, last-N 25. */
    public static final StageSettings DEFAULTS =
            new StageSettings(AccessMode.REQUEST, DEFAULT_CAPACITY, true, true, true, true, false, false, MAX_LAST_N);

    public StageSettings {
        Objects.requireNonNull(accessMode, "accessMode");
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity must be 1.." + MAX_CAPACITY + ", was " + capacity);
        }
        if (lastN < 1 || lastN > MAX_LAST_N) {
            throw new IllegalArgumentException("lastN must be 1.." + MAX_LAST_N + ", was " + lastN);
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
                change.qaEnabled() != null ? change.qaEnabled() : qaEnabled,
                change.strongMute() != null ? change.strongMute() : strongMute,
                change.locked() != null ? change.locked() : locked,
                change.lastN() != null ? change.lastN() : lastN);
    }

    /** These settings with another last-N (the node's configured default for new rooms). */
    public StageSettings withLastN(int value) {
        return new StageSettings(accessMode, capacity, chatEnabled, reactionsEnabled, pollsEnabled, qaEnabled, strongMute,
                locked, value);
    }
}
