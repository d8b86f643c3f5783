package io.stagecast.signaling.room;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.stagecast.sfu.MediaNode;
import io.stagecast.signaling.SignalingException;
import io.stagecast.signaling.cluster.RelayNotices;
import io.stagecast.signaling.relay.RelayClient;
import io.stagecast.signaling.token.JoinGrant;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The rooms of other nodes this node serves WHEP viewers of (cluster mode, {@code
 * cluster.edge-whep}): one {@link EdgeRoom} per such room, each fed by one relay from the room's
 * origin however many viewers watch here. Each edge room polls its origin when the origin's
 * notice says the stage changed ({@link RelayNotices}, Redis pub/sub), when its viewers come to
 * need a layer the relay does not carry, and every {@value #POLL_MILLIS} ms in any case (a notice
 * may be lost). One thread, {@code relay-control-poll}, sends the polls and runs the rooms'
 * housekeeping; the origin's answers arrive on the {@link RelayClient}'s threads. Nothing here
 * runs on an HTTP or media loop.
 */
public final class EdgeRooms implements AutoCloseable {
    static final long POLL_MILLIS = 500;

    private final MediaNode node;
    private final MediaResources resources;
    private final NodeCaps caps;
    private final RelayClient client;
    private final String nodeId;
    private final RelayNotices notices;
    private final ConcurrentMap<String, EdgeRoom> rooms = new ConcurrentHashMap<>();
    private final ScheduledExecutorService control =
            Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("relay-control-poll", true));

    public EdgeRooms(Rooms here, RelayClient client, RelayNotices notices, String nodeId, MeterRegistry metrics) {
        this.node = here.node();
        this.resources = here.resources();
        this.caps = here.caps();
        this.client = client;
        this.nodeId = nodeId;
        this.notices = notices;
        Gauge.builder("stagecast.relays", rooms, java.util.Map::size).tag("end", "edge")
                .description("rooms of other nodes served here through a relay (edge end)").register(metrics);
        Gauge.builder("stagecast.edge.viewers", this, EdgeRooms::viewerCount)
                .description("WHEP viewers watching rooms of other nodes here").register(metrics);
        control.scheduleWithFixedDelay(this::poll, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * A WHEP viewer of {@code room}, which {@code originUrl} serves: once the relay is open (at
     * once when it is), the origin's room admits the viewer by its {@code token} (its rules, its
     * participants list), then it is answered here. Completes on a relay thread.
     */
    public CompletableFuture<MediaAnswer> whep(String room, String originUrl, JoinGrant grant, String token,
                                               String identityKey, String offer) {
        EdgeRoom edge;
        try {
            edge = edgeOf(room, originUrl);
        } catch (SignalingException e) {
            return CompletableFuture.failedFuture(e);
        }
        return edge.opened.thenCompose(ignored -> edge.admit(token)).handle((participantId, failure) -> {
            if (failure == null) {
                try {
                    return edge.whepView(grant, identityKey, offer, participantId);
                } catch (SignalingException e) {
                    edge.left(participantId);
                    failure = e;
                }
            }
            if (edge.viewerCount() == 0) {
                edge.close("its first viewer was refused");
            }
            throw failure instanceof java.util.concurrent.CompletionException c ? c
                    : new java.util.concurrent.CompletionException(failure);
        });
    }

    private EdgeRoom edgeOf(String room, String originUrl) throws SignalingException {
        synchronized (rooms) {
            EdgeRoom existing = rooms.get(room);
            if (existing != null) {
                return existing;
            }
            caps.requireTransport(node);
            EdgeRoom made;
            try {
                made = new EdgeRoom(room, originUrl, this, node);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SignalingException(SignalingException.Code.UNAVAILABLE, "interrupted");
            }
            rooms.put(room, made);
            // Before the opening: a change the origin makes while it answers is heard.
            notices.subscribe(room, made.onNotice);
            made.open(client, nodeId);
            return made;
        }
    }

    /** Whether this node serves viewers of {@code room} through a relay. */
    public boolean serves(String room) {
        return rooms.containsKey(room);
    }

    /** DELETE of a WHEP resource of an edge room; {@code not_found} when this node has none of that secret. */
    public void delete(String room, String secret, JoinGrant grant) throws SignalingException {
        EdgeRoom edge = rooms.get(room);
        if (edge == null || !edge.hasViewer(secret)) {
            throw new SignalingException(SignalingException.Code.NOT_FOUND, "no such whep resource");
        }
        edge.delete(secret, grant);
    }

    /** WHEP viewers here of all rooms of other nodes. */
    public int viewerCount() {
        return rooms.values().stream().mapToInt(EdgeRoom::viewerCount).sum();
    }

    /** Viewers here of {@code room}'s relay (tests, operators). */
    public int viewers(String room) {
        EdgeRoom edge = rooms.get(room);
        return edge == null ? 0 : edge.viewerCount();
    }

    /** The forwarding towards each viewer here of {@code room}, as the media loops report it. */
    public java.util.List<io.stagecast.sfu.router.SubscriberReport> reports(String room) {
        EdgeRoom edge = rooms.get(room);
        return edge == null ? java.util.List.of()
                : edge.reports().stream().map(CompletableFuture::join).toList();
    }

    /** Tracks relayed here of {@code room}. */
    public int tracks(String room) {
        EdgeRoom edge = rooms.get(room);
        return edge == null ? 0 : edge.trackCount();
    }

    /** How the producers here of {@code room}'s relayed tracks are described (tests, operators). */
    public java.util.List<io.stagecast.sfu.router.ProducerSpec> relayedSpecs(String room) {
        EdgeRoom edge = rooms.get(room);
        return edge == null ? java.util.List.of() : edge.specs();
    }

    private void poll() {
        for (EdgeRoom edge : rooms.values()) {
            edge.poll(client);
        }
    }

    void forget(EdgeRoom edge) {
        if (rooms.remove(edge.name, edge)) {
            notices.unsubscribe(edge.name, edge.onNotice);
        }
    }

    java.util.concurrent.Executor control() {
        return control;
    }

    RelayClient client() {
        return client;
    }

    MediaResources resources() {
        return resources;
    }

    NodeCaps caps() {
        return caps;
    }

    @Override
    public void close() {
        for (EdgeRoom edge : rooms.values()) {
            edge.close("the node stops");
        }
        control.shutdownNow();
        client.close();
    }
}
