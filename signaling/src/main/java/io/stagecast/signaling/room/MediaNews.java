package io.stagecast.signaling.room;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecast.sfu.router.Producer;
import io.stagecast.sfu.router.StreamSpec;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The media plane's news as a room's clients hear it: who speaks ({@code speaker.dominant}, to
 * everyone admitted) and which simulcast layers of a track its viewers need ({@code media.layers},
 * to the publisher's web app, which turns the others off at the encoder). Confined to the lock of
 * the {@link Room} that owns it, which hands it the stage tracks and the connections of the moment.
 */
final class MediaNews {
    /** The audio producer the media plane last named the dominant speaker, or null. */
    private Producer dominantSpeaker;

    /** The media plane named {@code audioOrNull} (null: nobody); a producer off the stage counts as nobody. */
    void speakerChanged(Producer audioOrNull, List<StageTrack> tracks, Collection<Participant> admitted) {
        Producer speaker = audioOrNull != null && findTrack(audioOrNull, tracks) != null ? audioOrNull : null;
        if (speaker != dominantSpeaker) {
            announce(speaker, tracks, admitted);
        }
    }

    /** The stage changed: if the speaker's track left it, nobody speaks until the media plane says so. */
    void stageChanged(List<StageTrack> tracks, Collection<Participant> admitted) {
        if (dominantSpeaker != null && findTrack(dominantSpeaker, tracks) == null) {
            announce(null, tracks, admitted);
        }
    }

    /** Who the media plane last named the dominant speaker, both fields null when nobody speaks. */
    DominantSpeaker dominantSpeaker(List<StageTrack> tracks) {
        StageTrack track = dominantSpeaker == null ? null : findTrack(dominantSpeaker, tracks);
        return track == null ? DominantSpeaker.NOBODY : new DominantSpeaker(track.participantId(), track.trackId());
    }

    private void announce(Producer speaker, List<StageTrack> tracks, Collection<Participant> admitted) {
        dominantSpeaker = speaker;
        DominantSpeaker now = dominantSpeaker(tracks);
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("event", "speaker.dominant");
        event.put("participantId", now.participantId());
        event.put("trackId", now.trackId());
        for (Participant p : admitted) {
            p.send(event.deepCopy());
        }
    }

    /**
     * The layers of a simulcast track some viewer needs, told to its publisher's web app. Only a
     * change is sent. WHIP encoders have no channel to be told, and a track without rids has no
     * layers to name.
     */
    static void layersNeeded(Producer producer, List<Boolean> needed, Collection<Participant> connections) {
        for (Participant p : connections) {
            if (p.publication == null) {
                continue;
            }
            for (Map.Entry<String, Publication.Track> entry : p.publication.tracksByMid.entrySet()) {
                if (entry.getValue().producer() != producer) {
                    continue;
                }
                if (p.via() != Participant.Via.WEBSOCKET || needed.equals(p.publication.layersSent.get(entry.getKey()))) {
                    return;
                }
                List<StreamSpec> streams = producer.spec().streams();
                ObjectNode active = JsonNodeFactory.instance.objectNode();
                for (int i = 0; i < Math.min(streams.size(), needed.size()); i++) {
                    if (streams.get(i).rid() != null) {
                        active.put(streams.get(i).rid(), needed.get(i));
                    }
                }
                if (active.isEmpty()) {
                    return;
                }
                p.publication.layersSent.put(entry.getKey(), needed);
                ObjectNode event = JsonNodeFactory.instance.objectNode();
                event.put("event", "media.layers");
                event.put("mid", entry.getKey());
                event.put("trackId", new StageTrack(p.id(), entry.getValue().kind(), producer).trackId());
                event.set("active", active);
                p.send(event);
                return;
            }
        }
    }

    /** The stage track {@code producer} carries, or null if it is not on the stage. */
    static StageTrack findTrack(Producer producer, List<StageTrack> tracks) {
        for (StageTrack track : tracks) {
            if (track.producer() == producer) {
                return track;
            }
        }
        return null;
    }
}
