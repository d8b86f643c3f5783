package io.stagecast.signaling.room;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecast.sfu.transport.Transport;
import io.stagecast.signaling.stage.RoomSnapshot;
import io.stagecast.signaling.stage.StageEvent;

/**
 * One connection of someone in a room, through the web client (WebSocket), WHIP or WHEP, with
 * the media it publishes and receives. Who they are on stage lives in the room's
 * {@link io.stagecast.signaling.stage.StageRoom}; this is the transport side. Guarded by its room.
 */
public final class Participant {
    public enum Via { WEBSOCKET, WHIP, WHEP }

    private final String id;
    private final boolean viewOnly;
    private final Via via;
    private final ClientChannel channel;
    Publication publication;
    Subscription subscription;
    /** The WHIP/WHEP resource this connection is, or null for a WebSocket. */
    MediaResource resource;
    /**
     * A WHEP viewer watching at another node (an edge) through relay {@code edgeRelay}: in the room
     * here with no media of its own here; null for a connection to this node.
     */
    String edgeRelay;
    /** The last-N given to the media plane for {@link #subscription}; 0 before. */
    int appliedLastN;
    /** Set once this connection was replaced or removed: late events for it are ignored. */
    boolean gone;

    Participant(String id, boolean viewOnly, Via via, ClientChannel channel) {
        this.id = id;
        this.viewOnly = viewOnly;
        this.via = via;
        this.channel = channel;
    }

    public String id() {
        return id;
    }

    /** The token forbids going on stage, whatever the role. */
    public boolean viewOnly() {
        return viewOnly;
    }

    public Via via() {
        return via;
    }

    ClientChannel channel() {
        return channel;
    }

    boolean isPublishing() {
        return publication != null && !publication.isEmpty();
    }

    /** Whether {@code transport} is one this connection still publishes or receives on. */
    boolean uses(Transport transport) {
        return (publication != null && publication.transport == transport)
                || (subscription != null && subscription.transport() == transport);
    }

    void send(ObjectNode event) {
        if (channel != null && !gone) {
            channel.send(event);
        }
    }

    void send(StageEvent event) {
        if (channel != null && !gone) {
            channel.send(event);
        }
    }

    void admitted(RoomSnapshot snapshot, DominantSpeaker speaker) {
        if (channel != null && !gone) {
            channel.admitted(snapshot, speaker);
        }
    }

    /** Ends this connection's media (transports, tracks); the stage place is the room's business. */
    void closeMedia() {
        if (publication != null) {
            publication.close();
            publication = null;
        }
        if (subscription != null) {
            subscription.close();
            subscription = null;
        }
    }
}
