package io.stagecast.signaling.room;

import io.stagecast.signaling.stage.Delivery;
import io.stagecast.signaling.stage.TrackKind;

import java.util.List;

/**
 * Hears what happens in the node's rooms, for clients off the room (webhooks). Every method is
 * called under the room's lock (or, for {@link #roomCreated}, before anyone else can reach the
 * room), in the order things happened: an implementation only queues, it never blocks or calls
 * back into the room.
 */
public interface RoomListener {

    RoomListener NONE = new RoomListener() {
    };

    /** The room came into being (an API call or the first valid token). */
    default void roomCreated(String room) {
    }

    /** The room is gone from this node: deleted through the API, or idle past its limit. */
    default void roomEnded(String room, String reason) {
    }

    /** Every event of one stage outcome, in order, as the room delivers it (media-plane ones included). */
    default void delivered(String room, List<Delivery> deliveries) {
    }

    /** A track appeared on stage (its producer exists). */
    default void trackPublished(String room, String participantId, String trackId, TrackKind kind) {
    }

    /** A stage track ended (unpublished, publishing revoked, the connection ended). */
    default void trackUnpublished(String room, String participantId, String trackId, TrackKind kind) {
    }

    /** A stage track's description changed: its producer learnt a stream's SSRC from its packets. Must only queue. */
    default void tracksDescribed(String room) {
    }
}
