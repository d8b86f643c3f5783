package io.stagecast.signaling.room;

import io.stagecast.sfu.router.Producer;

/** A track on stage: who publishes it, and the producer carrying it. */
public record StageTrack(String participantId, Producer producer) {
}
