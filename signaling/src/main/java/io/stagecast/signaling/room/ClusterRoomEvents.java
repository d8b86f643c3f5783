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
 * never block.
 */
public final class ClusterRoomEvents implements RoomListener {
    private final RoomListener next;
    private final RoomRouting routing;

    public ClusterRoomEvents(RoomListener next, RoomRouting routing) {
        this.next = next;
        this.routing = routing;
    }

    @Override
    public void roomCreated(String room) {
        next.roomCreated(room);
    }

    @Override
    public void roomEnded(String room, String reason) {
        routing.roomEnded(room);
        next.roomEnded(room, reason);
    }

    @Override
    public void delivered(String room, List<Delivery> deliveries) {
        if (!onlyReactions(deliveries)) {
            routing.roomChanged(room);
        }
        next.delivered(room, deliveries);
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
        next.trackPublished(room, participantId, trackId, kind);
    }

    @Override
    public void trackUnpublished(String room, String participantId, String trackId, TrackKind kind) {
        next.trackUnpublished(room, participantId, trackId, kind);
    }
}
