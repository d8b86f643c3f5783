package io.stagecast.signaling.room;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecast.signaling.SignalingException;
import io.stagecast.signaling.relay.RelayClient;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * The origin's way to the media report of a participant who watches at an edge (a WHEP viewer or
 * a web client there, issue 14): the origin's room has the participant and decides who may see
 * the report (a moderator's {@code media.debug}, an operator's debug URL), the edge has its
 * transport. The participant's relay names the edge's node, the cluster's registry that node's
 * URL, and the edge answers {@code GET .../relays/{id}/viewers/{participant}/media} to the API
 * credential every node of the cluster can mint.
 */
public final class EdgeViewerReports implements AutoCloseable {
    /** How a room asks; {@link #NONE} alone (no cluster: nobody watches elsewhere). */
    interface Source {
        CompletableFuture<ObjectNode> report(String room, String relay, String participant);
    }

    static final Source NONE = (room, relay, participant) -> CompletableFuture.failedFuture(
            new SignalingException(SignalingException.Code.NOT_FOUND, "no participant " + participant
                    + " receives media in room " + room));

    private final OriginRelays relays;
    /** A node's advertised URL while it is live; reads Redis, so it runs on {@link #lookups}. */
    private final Function<String, Optional<String>> nodeUrl;
    private final RelayClient client;
    private final Executor lookups;

    /**
     * @param client  shared with this node's edge end ({@link EdgeRooms}); closed by whichever closes first
     * @param lookups where the registry is read (never a room's monitor or a loop)
     */
    public EdgeViewerReports(OriginRelays relays, Function<String, Optional<String>> nodeUrl, RelayClient client,
                             Executor lookups) {
        this.relays = relays;
        this.nodeUrl = nodeUrl;
        this.client = client;
        this.lookups = lookups;
    }

    CompletableFuture<ObjectNode> report(String room, String relay, String participant) {
        Optional<String> node = relays.edgeNode(room, relay);
        if (node.isEmpty()) {
            return CompletableFuture.failedFuture(new SignalingException(SignalingException.Code.NOT_FOUND,
                    "participant " + participant + " watched at an edge whose relay has closed"));
        }
        CompletableFuture<Optional<String>> url;
        try {
            url = CompletableFuture.supplyAsync(() -> nodeUrl.apply(node.get()), lookups);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(SignalingException.busy("the node"));
        }
        return url.thenCompose(edgeUrl -> edgeUrl.map(u -> client.viewerReport(u, room, relay, participant))
                .orElseGet(() -> CompletableFuture.failedFuture(new SignalingException(SignalingException.Code.UNAVAILABLE,
                        "the edge node of participant " + participant + " is not live"))));
    }

    @Override
    public void close() {
        client.close();
    }
}
