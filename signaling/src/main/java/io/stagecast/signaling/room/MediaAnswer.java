package io.stagecast.signaling.room;

/** What a WHIP/WHEP POST made: the resource (its URL and entity tag) and the SDP answer. */
public record MediaAnswer(MediaResource resource, String sdp) {
}
