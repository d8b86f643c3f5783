package io.stagecast.signaling.room;

import io.stagecast.sfu.router.Producer;
import io.stagecast.sfu.transport.Transport;
import io.stagecast.signaling.stage.TrackKind;

import java.util.LinkedHashMap;
import java.util.Map;

/** A participant's publishing transport and the tracks on it, by mid. Guarded by the room. */
final class Publication {
    record Track(TrackKind kind, Producer producer) {
    }

    final Transport transport;
    final Map<String, Track> tracksByMid = new LinkedHashMap<>();
    /** The last {@code media.layers} sent per mid (only changes are sent). */
    final Map<String, java.util.List<Boolean>> layersSent = new java.util.HashMap<>();
    boolean remoteDtlsSet;

    Publication(Transport transport) {
        this.transport = transport;
    }

    boolean isEmpty() {
        return tracksByMid.isEmpty();
    }

    void close() {
        for (Track track : tracksByMid.values()) {
            track.producer().close();
        }
        tracksByMid.clear();
        layersSent.clear();
        transport.close();
    }
}
