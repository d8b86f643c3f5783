package io.stagecast.signaling.stage;

/**
 * A partial update of {@link StageSettings}, as a moderator sends it: {@code null} leaves a field
 * as it is.
 */
public record SettingsChange(
        AccessMode accessMode,
        Integer capacity,
        Boolean chatEnabled,
        Boolean reactionsEnabled,
        Boolean pollsEnabled,
        Boolean qaEnabled,
        Boolean strongMute,
        Boolean locked,
        Integer lastN) {

    public static final SettingsChange NONE = new SettingsChange(null, null, null, null, null, null, null, null, null);

    public SettingsChange withAccessMode(AccessMode value) {
        return new SettingsChange(value, capacity, chatEnabled, reactionsEnabled, pollsEnabled, qaEnabled, strongMute, locked, lastN);
    }

    public SettingsChange withCapacity(int value) {
        return new SettingsChange(accessMode, value, chatEnabled, reactionsEnabled, pollsEnabled, qaEnabled, strongMute, locked, lastN);
    }

    public SettingsChange withChatEnabled(boolean value) {
        return new SettingsChange(accessMode, capacity, value, reactionsEnabled, pollsEnabled, qaEnabled, strongMute, locked, lastN);
    }

    public SettingsChange withReactionsEnabled(boolean value) {
        return new SettingsChange(accessMode, capacity, chatEnabled, value, pollsEnabled, qaEnabled, strongMute, locked, lastN);
    }

    public SettingsChange withPollsEnabled(boolean value) {
        return new SettingsChange(accessMode, capacity, chatEnabled, reactionsEnabled, value, qaEnabled, strongMute, locked, lastN);
    }

    public SettingsChange withQaEnabled(boolean value) {
        return new SettingsChange(accessMode, capacity, chatEnabled, reactionsEnabled, pollsEnabled, value, strongMute, locked, lastN);
    }

    public SettingsChange withStrongMute(boolean value) {
        return new SettingsChange(accessMode, capacity, chatEnabled, reactionsEnabled, pollsEnabled, qaEnabled, value, locked, lastN);
    }

    public SettingsChange withLocked(boolean value) {
        return new SettingsChange(accessMode, capacity, chatEnabled, reactionsEnabled, pollsEnabled, qaEnabled, strongMute, value, lastN);
    }

    public SettingsChange withLastN(int value) {
        return new SettingsChange(accessMode, capacity, chatEnabled, reactionsEnabled, pollsEnabled, qaEnabled, strongMute, locked, value);
    }

    boolean isEmpty() {
        return equals(NONE);
    }
}
