package io.stagecast.signaling.room;

import io.stagecast.sfu.router.Producer;
import io.stagecast.sfu.router.ProducerSpec;
import io.stagecast.sfu.router.Router;
import io.stagecast.sfu.transport.Transport;
import io.stagecast.signaling.relay.RelayWire;
import io.stagecast.signaling.stage.TrackKind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The origin's stage as an edge room has it (issue 14): one producer in the edge's router per
 * relayed track, fed by the room's relay transport, made and closed to match each answer of the
 * origin; and which layers of each the viewers here need, as the router's layer demand last said,
 * sent with each poll so that the origin relays only those. Guarded by its edge room's monitor,
 * but for the demand, which the media loops write.
 */
final class RelayedStage {
    private final Router router;
    private final Transport relay;
    /** By the origin's track id, in the origin's order. */
    private final Map<String, StageTrack> tracks = new LinkedHashMap<>();
    private final Map<String, ProducerSpec> specs = new HashMap<>();
    private final Map<Producer, List<Boolean>> layerDemand = new ConcurrentHashMap<>();

    RelayedStage(Router router, Transport relay) {
        this.router = router;
        this.relay = relay;
    }

    /**
     * On a media loop: the router says which layers of {@code producer} the viewers here need.
     * True when one is needed now that was not: a viewer upgrades within a round trip when the
     * poll goes at once; one needed no more can wait for the next poll.
     */
    boolean demandChanged(Producer producer, List<Boolean> needed) {
        return gainsALayer(layerDemand.put(producer, needed), needed);
    }

    /** Whether {@code now} needs a stream {@code before} did not (no demand before: every stream was relayed). */
    static boolean gainsALayer(List<Boolean> before, List<Boolean> now) {
        if (before == null) {
            return false;
        }
        for (int i = 0; i < now.size(); i++) {
            if (Boolean.TRUE.equals(now.get(i)) && (i >= before.size() || !Boolean.TRUE.equals(before.get(i)))) {
                return true;
            }
        }
        return false;
    }

    /** For a poll: the layers needed of each track, by track id; the demand of producers closed since is forgotten. */
    Map<String, List<Boolean>> demand() {
        Map<String, List<Boolean>> demand = new LinkedHashMap<>();
        Set<Producer> current = new HashSet<>();
        for (Map.Entry<String, StageTrack> e : tracks.entrySet()) {
            Producer producer = e.getValue().producer();
            current.add(producer);
            List<Boolean> needed = layerDemand.get(producer);
            if (needed != null) {
                demand.put(e.getKey(), needed);
            }
        }
        layerDemand.keySet().retainAll(current); // a late event of a producer closed since
        return demand;
    }

    /**
     * The stage's tracks as the origin lists them now: producers here made and closed to match (a
     * track described anew, with an SSRC the origin learnt since, is made again). True when the
     * stage changed, so that the viewers here are shown it.
     */
    boolean apply(List<RelayWire.Track> listed) {
        Map<String, RelayWire.Track> now = new LinkedHashMap<>();
        for (RelayWire.Track track : listed) {
            now.put(track.trackId(), track);
        }
        boolean changed = tracks.keySet().removeIf(id -> {
            RelayWire.Track track = now.get(id);
            if (track == null || !track.spec().equals(specs.get(id))) {
                tracks.get(id).producer().close();
                specs.remove(id);
                return true;
            }
            return false;
        });
        for (RelayWire.Track track : now.values()) {
            if (!tracks.containsKey(track.trackId())) {
                Producer producer = router.createProducer(relay, track.spec());
                // Every layer to start with, as a producer's demand starts (the origin may have
                // narrowed the relay for the producer this one replaces).
                List<Boolean> all = new ArrayList<>();
                for (int i = 0; i < track.spec().streams().size(); i++) {
                    all.add(true);
                }
                layerDemand.putIfAbsent(producer, List.copyOf(all));
                specs.put(track.trackId(), track.spec());
                tracks.put(track.trackId(), new StageTrack(track.participantId(), TrackKind.valueOf(track.kind()),
                        producer, track.trackId()));
                changed = true;
            }
        }
        return changed;
    }

    /** The stage's tracks here now. */
    List<StageTrack> tracks() {
        return List.copyOf(tracks.values());
    }

    /** The tracks by the id of their producer here (how the media plane's reports name them). */
    Map<String, StageTrack> byProducer() {
        Map<String, StageTrack> byProducer = new LinkedHashMap<>();
        for (StageTrack track : tracks.values()) {
            byProducer.put(track.producer().id(), track);
        }
        return byProducer;
    }

    List<ProducerSpec> specs() {
        return List.copyOf(specs.values());
    }

    int size() {
        return tracks.size();
    }
}
