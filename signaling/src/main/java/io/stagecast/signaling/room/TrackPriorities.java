package io.stagecast.signaling.room;

import io.stagecast.sfu.bwe.TrackPriority;
import io.stagecast.sfu.router.MediaKind;
import io.stagecast.sfu.router.Producer;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Collections;

/**
 * Tells the media plane how viewers' budgets favour each video track (issue 9, allocation order):
 * a screen share is the content tile, the spotlighted participant's camera comes next, the rest
 * are equal (the media plane raises the dominant speaker itself). Only changes are sent: this is
 * recomputed whenever the stage or the spotlight changes. Guarded by the room.
 */
final class TrackPriorities {
    private final Map<Producer, TrackPriority> applied = new IdentityHashMap<>();

    static TrackPriority of(StageTrack track, String spotlightId) {
        return switch (track.kind()) {
            case SCREEN -> TrackPriority.CONTENT;
            case CAMERA -> track.participantId().equals(spotlightId) ? TrackPriority.SPOTLIGHT : TrackPriority.NORMAL;
            case MICROPHONE -> TrackPriority.NORMAL;
        };
    }

    void apply(List<StageTrack> tracks, String spotlightId) {
        Set<Producer> live = Collections.newSetFromMap(new IdentityHashMap<>());
        for (StageTrack track : tracks) {
            Producer producer = track.producer();
            if (producer.kind() != MediaKind.VIDEO) {
                continue; // audio always comes first, whatever its priority
            }
            live.add(producer);
            TrackPriority priority = of(track, spotlightId);
            if (applied.put(producer, priority) != priority) {
                producer.setPriority(priority);
            }
        }
        applied.keySet().retainAll(live);
    }

    /** The priority last given to {@code producer}, null if none (tests, the debug report). */
    TrackPriority applied(Producer producer) {
        return applied.get(producer);
    }
}
