package io.stagecast.signaling.room;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecast.signaling.token.Role;

/** Someone in a room, through the web client (WebSocket), WHIP or WHEP. Guarded by its room. */
public final class Participant {
    public enum Via { WEBSOCKET, WHIP, WHEP }

    private final String id;
    private final String displayName;
    private final Role role;
    private final boolean mayPublish;
    private final Via via;
    private final ClientChannel channel;
    Publication publication;
    Subscription subscription;

    Participant(String id, String displayName, Role role, boolean mayPublish, Via via, ClientChannel channel) {
        this.id = id;
        this.displayName = displayName;
        this.role = role;
        this.mayPublish = mayPublish;
        this.via = via;
        this.channel = channel;
    }

    public String id() {
        return id;
    }

    public String displayName() {
        return displayName;
    }

    public Role role() {
        return role;
    }

    public boolean mayPublish() {
        return mayPublish;
    }

    public Via via() {
        return via;
    }

    ClientChannel channel() {
        return channel;
    }

    boolean isPublishing() {
        return publication != null && !publication.producersByMid.isEmpty();
    }

    void send(ObjectNode event) {
        if (channel != null) {
            channel.send(event);
        }
    }

    ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("id", id);
        node.put("name", displayName);
        node.put("role", role.wireName());
        node.put("publishing", isPublishing());
        return node;
    }
}
