package io.stagecast.signaling.cluster;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What every entry path asks before it creates or joins a room here: alone (no
 * {@code cluster.redis-url}) every room is served here and the answer is at once; in a cluster it
 * is placement's ({@link PlacementClient}). The node's HTTP and WebSocket handlers are made before
 * the cluster node, which needs the bound port for its advertised URL, so they hold this and the
 * server {@link #attach attaches} the cluster once it exists; until then rooms are served here.
 */
public final class RoomRouting {
    private volatile PlacementClient placement;

    /** A node alone: every room here. */
    public static RoomRouting alone() {
        return new RoomRouting();
    }

    public void attach(PlacementClient placement) {
        this.placement = placement;
    }

    /** Where the room is served; completes on a placement thread, or at once (alone, or cached). */
    public CompletableFuture<RoomOrigin> originOf(String room) {
        PlacementClient client = placement;
        return client == null ? CompletableFuture.completedFuture(RoomOrigin.HERE) : client.originOf(room);
    }

    /** The room's durable state changed on this node: kept in Redis (cluster mode; queued, never blocks). */
    public void roomChanged(String room) {
        PlacementClient client = placement;
        if (client != null) {
            client.roomChanged(room);
        }
    }

    /** Another node serving the room now, without placing it (empty alone); completes on a placement thread. */
    public CompletableFuture<Optional<RoomOrigin>> servedElsewhere(String room) {
        PlacementClient client = placement;
        return client == null ? CompletableFuture.completedFuture(Optional.empty()) : client.servedElsewhere(room);
    }

    /**
     * Where a client may reconnect when its room's node and its own page's node are gone: the
     * cluster's nodes' advertised URLs as of the last heartbeat; empty alone.
     */
    public List<String> nodeUrls() {
        PlacementClient client = placement;
        return client == null ? List.of() : client.nodeUrls();
    }

    /** The room ended on this node: its origin key is given up (queued; never blocks). */
    public void roomEnded(String room) {
        PlacementClient client = placement;
        if (client != null) {
            client.roomEnded(room);
        }
    }
}
