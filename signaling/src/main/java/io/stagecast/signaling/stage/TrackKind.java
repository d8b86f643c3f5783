package io.stagecast.signaling.stage;

/** The tracks a participant on stage may publish. */
public enum TrackKind {
    MICROPHONE,
    CAMERA,
    SCREEN
}
