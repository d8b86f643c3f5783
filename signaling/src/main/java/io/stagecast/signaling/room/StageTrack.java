package io.stagecast.signaling.room;

import io.stagecast.sfu.router.Producer;
import io.stagecast.signaling.stage.TrackKind;

/**
 * A track on stage: who publishes it, what it is, and the producer carrying it. Subscribers see
 * it as MediaStream {@code participantId} with track id {@code <kind>-<producer id>}, so clients
 * can tell a screen share from a camera.
 */
public record StageTrack(String participantId, TrackKind kind, Producer producer) {
    public String trackId() {
        return kind.name().toLowerCase() + "-" + producer.id();
    }
}
