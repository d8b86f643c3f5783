package io.stagecast.signaling.room;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Where a participant's events go: its WebSocket. WHIP/WHEP participants have none. */
public interface ClientChannel {
    void send(ObjectNode event);

    /** Ends the connection (the participant left or was removed). */
    void close(String reason);
}
