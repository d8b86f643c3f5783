package io.stagecast.signaling.room;

import io.stagecast.signaling.cluster.RoomRouting;
import io.stagecast.signaling.stage.Delivery;
import io.stagecast.signaling.stage.StageEvent;
import io.stagecast.signaling.stage.TrackKind;

import java.util.List;

/**
 * The node's room listener in cluster mode: everything goes to the next listener (webhooks), and a
 * room that ends here gives its origin key up, so the next join anywhere places it afresh instead of
 * being sent to a node that no longer has it, and its kept state with it; every change of a room's
 * state has it kept in Redis ({@link RoomRouting#roomChanged}) for a node that takes the room over
 * if this one dies. Both are only queued (they run on the cluster's threads), as a listener must
 * never block. A change of the stage's tracks or of their description, someone removed, the
 * session's or the room's end also go to the stage hook (the origin's relays, which tell the
 * room's edges), once the cluster is attached.
 */
public final class ClusterRoomEvents implements RoomListener {
    private final RoomListener next;
    private final RoomRouting routing;
    private volatile java.util.function.Consumer<String> stageHook = room -> { };

    public ClusterRoomEvents(RoomListener next, RoomRouting routing) {
        this.next = next;
        this.routing = routing;
    }

    /** Where changes of a room's stage tracks go from now on (must only queue: it runs under the room's monitor). */
    public void onStageChange(java.util.function.Consumer<String> hook) {
        this.stageHook = hook;
    }

    @Override
    public void roomCreated(String room) {
        next.roomCreated(room);
    }

    @Override
    public void roomEnded(String room, String reason) {
        routing.roomEnded(room);
        stageHook.accept(room);
        next.roomEnded(room, reason);
    }

    @Override
    public void delivered(String room, List<Delivery> deliveries) {
        if (!onlyReactions(deliveries)) {
            routing.roomChanged(room);
        }
        if (changesWhoWatches(deliveries)) {
            stageHook.accept(room); // a viewer at an edge may be among them: its edge ends it, or lets it watch, now
        }
        next.delivered(room, deliveries);
    }

    /**
     * Someone removed by a moderator or the server, the session's start or end, someone let in
     * from the lobby. Not someone leaving: a viewer at an edge leaves when its edge says so, and a
     * notice of each of a big room's departures would have every edge poll at each of them.
     */
    private static boolean changesWhoWatches(List<Delivery> deliveries) {
        for (Delivery delivery : deliveries) {
            if (delivery.event() instanceof StageEvent.ParticipantRemoved removed
                    && removed.reason() == StageEvent.RemovalReason.REMOVED
                    || delivery.event() instanceof StageEvent.SessionEnded
                    || delivery.event() instanceof StageEvent.SessionStarted
                    || delivery.event() instanceof StageEvent.Admitted) {
                return true;
            }
        }
        return false;
    }

    /** Reactions change nothing that is kept: a burst of them writes nothing. */
    private static boolean onlyReactions(List<Delivery> deliveries) {
        for (Delivery delivery : deliveries) {
            if (!(delivery.event() instanceof StageEvent.Reaction)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void trackPublished(String room, String participantId, String trackId, TrackKind kind) {
        stageHook.accept(room);
        next.trackPublished(room, participantId, trackId, kind);
    }

    /** The edges' producers of the track are made anew with the SSRC learnt. */
    @Override
    public void tracksDescribed(String room) {
        stageHook.accept(room);
        next.tracksDescribed(room);
    }

    @Override
    public void trackUnpublished(String room, String participantId, String trackId, TrackKind kind) {
        stageHook.accept(room);
        next.trackUnpublished(room, participantId, trackId, kind);
    }
}
