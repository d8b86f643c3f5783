package io.stagecast.signaling.stage;

/** One event and who should receive it. */
public record Delivery(Audience audience, StageEvent event) {
}
