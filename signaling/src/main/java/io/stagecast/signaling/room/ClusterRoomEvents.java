package io.stagecast.signaling.room;

import io.stagecast.signaling.cluster.RoomRouting;
import io.stagecast.signaling.stage.Delivery;
import io.stagecast.signaling.stage.TrackKind;

import java.util.List;

/**
 * The node's room listener in cluster mode: everything goes to the next listener (webhooks), and a
 * room that ends here gives its origin key up, so the next join anywhere places it afresh instead of
 * being sent to a node that no longer has it. Giving up is only queued (it runs on a placement
 * thread), as a listener must never block.
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
        next.delivered(room, deliveries);
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
