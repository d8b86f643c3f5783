package io.stagecast.signaling.stage;

/** The room's lifecycle: attendees wait in the lobby until a moderator starts; ending is final. */
public enum SessionState {
    LOBBY,
    LIVE,
    ENDED
}
