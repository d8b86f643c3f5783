package io.stagecast.sfu.bwe;

/** How much a viewer's budget favours a video track, first to last (audio always comes first). */
public enum TrackPriority {
    /** A screen share: the content tile. */
    CONTENT,
    /** The track a moderator put in the spotlight. */
    SPOTLIGHT,
    /** The dominant speaker's camera. */
    DOMINANT,
    /** Everyone else on stage. */
    NORMAL
}
