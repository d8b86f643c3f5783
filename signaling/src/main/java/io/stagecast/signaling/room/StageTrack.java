package io.stagecast.signaling.room;

import io.stagecast.sfu.router.Producer;
import io.stagecast.signaling.stage.TrackKind;

/**
 * A track on stage: who publishes it, what it is, and the producer carrying it. Subscribers see
 * it as MediaStream {@code participantId} with track id {@code trackId}: {@code <kind>-<producer
 * id>} of the origin's producer, so clients can tell a screen share from a camera. At an edge the
 * relayed producer has an id of its own there, but the track keeps the origin's id: the events a
 * web client at the edge gets from the origin's room (speaker.dominant, media.layers) name it so.
 */
public record StageTrack(String participantId, TrackKind kind, Producer producer, String trackId) {
    public StageTrack(String participantId, TrackKind kind, Producer producer) {
        this(participantId, kind, producer, kind.name().toLowerCase() + "-" + producer.id());
    }
}
