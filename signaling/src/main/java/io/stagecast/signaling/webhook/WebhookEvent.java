package io.stagecast.signaling.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.Objects;

/**
 * One event as receivers get it (docs/api.md, webhooks): {@code {"id", "event", "room", "timestamp", "data"}}.
 *
 * @param id        unique per event (receivers drop a second delivery of the same id)
 * @param type      e.g. {@code participant.joined}
 * @param timestamp when it happened on this node
 * @param data      the event's own fields (built from immutable values, never changed after)
 */
public record WebhookEvent(String id, String type, String room, Instant timestamp, ObjectNode data) {
    public WebhookEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(data, "data");
    }

    ObjectNode toJson() {
        ObjectNode node = data.objectNode();
        node.put("id", id);
        node.put("event", type);
        node.put("room", room);
        node.put("timestamp", timestamp.toString());
        node.set("data", data);
        return node;
    }
}
