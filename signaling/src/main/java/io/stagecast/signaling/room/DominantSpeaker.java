package io.stagecast.signaling.room;

/** The stage track the media plane last named the dominant speaker's; both null when nobody speaks. */
public record DominantSpeaker(String participantId, String trackId) {
    public static final DominantSpeaker NOBODY = new DominantSpeaker(null, null);
}
