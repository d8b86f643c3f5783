package io.stagecast.signaling.ws;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecast.signaling.SignalingException;
import io.stagecast.signaling.room.EdgeRooms;
import io.stagecast.signaling.room.OriginRelays;
import io.stagecast.signaling.room.Rooms;
import io.stagecast.signaling.token.ApiCaller;
import io.stagecast.signaling.token.ApiTokens;
import io.stagecast.signaling.token.TokenError;

/**
 * Web clients across nodes (cluster mode, {@code cluster.edge-web}): both ends of a web client's
 * passage through an edge. At the edge, whether a join for another node's room stays here
 * ({@link EdgeWebProxy}); at the origin, the check of such a join's {@code edge} field: the id of
 * an open relay of that room and an API token with roomAdmin of it, which only a node of the
 * cluster mints (docs/protocol.md, join). Alone (no cluster), neither: {@link #NONE}.
 */
public final class EdgeWeb {
    public static final EdgeWeb NONE = new EdgeWeb(null, null);

    private final Rooms rooms;
    private final ApiTokens apiTokens;

    public EdgeWeb(Rooms rooms, ApiTokens apiTokens) {
        this.rooms = rooms;
        this.apiTokens = apiTokens;
    }

    /** The edge rooms of this node when web clients of other nodes' rooms stay here, else null. */
    EdgeRooms edges() {
        EdgeRooms edges = rooms == null ? null : rooms.edges();
        return edges != null && edges.servesWeb() ? edges : null;
    }

    /**
     * The relay a join through an edge names, checked; null for a join without {@code edge} (a
     * client connected here). A forged or stale one is refused: what it would change (no media
     * for the client here) is harmless, but nothing a client sends may pass for a node.
     */
    String verifiedRelay(JsonNode join, String room) throws SignalingException {
        JsonNode edge = join.get("edge");
        if (edge == null || edge.isNull()) {
            return null;
        }
        String relay = edge.path("relay").asText("");
        String credential = edge.path("credential").asText("");
        OriginRelays relays = rooms == null ? null : rooms.originRelays();
        if (relays == null || apiTokens == null || relay.isEmpty() || credential.isEmpty()) {
            throw SignalingException.forbidden("a join through an edge node needs that node's relay and credential");
        }
        try {
            ApiCaller caller = apiTokens.verify(credential);
            if (!caller.grants().mayAdminister(room)) {
                throw SignalingException.forbidden("the edge's credential is not for room " + room);
            }
        } catch (TokenError e) {
            throw SignalingException.forbidden("the edge's credential was refused: " + e.getMessage());
        }
        if (!relays.isOpen(room, relay)) {
            throw new SignalingException(SignalingException.Code.UNAVAILABLE, "no such relay of room " + room
                    + " here: its edge must open it again");
        }
        return relay;
    }
}
