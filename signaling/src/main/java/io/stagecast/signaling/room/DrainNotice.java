package io.stagecast.signaling.room;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;

/**
 * {@code node.draining} (docs/protocol.md): the node is shutting down. The room goes on here until
 * it ends or until {@code deadline}, when the node closes it; new joins go to another node.
 */
final class DrainNotice {
    private DrainNotice() {
    }

    static ObjectNode event(Instant deadline) {
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("event", "node.draining");
        event.put("deadline", deadline.toString());
        return event;
    }
}
