package io.stagecast.signaling.sdp;

import java.util.Objects;

/** a=msid (RFC 8830 2): the MediaStream id and, optionally, the track id (null when absent). */
public record Msid(String streamId, String trackId) {

    public Msid {
        Objects.requireNonNull(streamId, "streamId");
    }

    String sdpValue() {
        return trackId == null ? streamId : streamId + " " + trackId;
    }
}
