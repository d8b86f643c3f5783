package io.stagecast.signaling.room;

import io.stagecast.signaling.SignalingException;
import io.stagecast.signaling.relay.RelayClient;

import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;

/**
 * What a web client's passage through this edge needs of its room's relay (docs/operations.md,
 * "Edge web clients"): the origin's URL, the relay's id and a credential that proves the join
 * comes from this edge, the WebSocket to the origin, and the subscription here once the origin's
 * room answered the join.
 */
public final class EdgeWebLink {
    private final EdgeRoom edge;
    private final String originUrl;
    private final String relayId;
    private final RelayClient client;

    EdgeWebLink(EdgeRoom edge, String originUrl, String relayId, RelayClient client) {
        this.edge = edge;
        this.originUrl = originUrl;
        this.relayId = relayId;
        this.client = client;
    }

    public String room() {
        return edge.name;
    }

    public String relayId() {
        return relayId;
    }

    /** A fresh 2-minute API token with roomAdmin of this room only (never logged, never sent to the client). */
    public String credential() {
        return client.credential(edge.name);
    }

    /** Opens the client's WebSocket to the origin's {@code /ws}. */
    public CompletableFuture<WebSocket> connect(WebSocket.Listener listener) {
        return client.webSocket(originUrl, listener);
    }

    /** Whether the join this link is for has ended (a viewer made, or abandoned). */
    private boolean done;

    /** The origin's room admitted the client as {@code originId}: its subscription here. Once. */
    public EdgeWebViewer viewer(String originId, ClientChannel channel, boolean waiting) throws SignalingException {
        synchronized (edge) {
            EdgeWebViewer made = edge.webViewer(originId, channel, waiting);
            finish();
            return made;
        }
    }

    /** The join came to nothing (refused, or the connection ended first): the relay closes if nobody else uses it. */
    public void abandon() {
        synchronized (edge) {
            finish();
        }
        if (edge.isEmpty()) {
            edge.close("a web client's join through it came to nothing");
        }
    }

    private void finish() {
        if (!done) {
            done = true;
            edge.webJoined();
        }
    }
}
