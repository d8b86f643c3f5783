package io.stagecast.signaling.room;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecast.signaling.stage.RoomSnapshot;
import io.stagecast.signaling.stage.StageEvent;

/**
 * Where a participant's events go: its WebSocket, which writes them in its protocol (the stage's
 * JSON belongs there, not in the room). WHIP/WHEP participants have none.
 */
public interface ClientChannel {
    /** A stage event for this client. */
    void send(StageEvent event);

    /** {@code room.admitted}: the session started and this client left the lobby. */
    void admitted(RoomSnapshot snapshot, DominantSpeaker speaker);

    /** A media-plane message already in wire form (subscriber offers, speaker.dominant, media.layers). */
    void send(ObjectNode event);

    /** Ends the connection (the participant left or was removed). */
    void close(String reason);
}
