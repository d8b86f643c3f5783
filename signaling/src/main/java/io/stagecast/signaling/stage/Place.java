package io.stagecast.signaling.stage;

/** Where a participant is: waiting to be admitted, watching, or publishing on stage. */
public enum Place {
    LOBBY,
    VIEWER,
    STAGE
}
