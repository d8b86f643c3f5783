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
 * cluster.edge-whep}) or takes WHIP encoders of ({@code cluster.edge-whip}): one {@link EdgeRoom}
 * per such room, each fed by one relay from the room's origin however many viewers watch here
 * (each encoder here has an uplink of its own to the origin, {@link EdgePublisher}). Each edge room polls its origin when the origin's
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
    private final boolean whep;
    private final boolean whip;
    private final boolean web;
    private final LastNPolicy lastN;
    private final ConcurrentMap<String, EdgeRoom> rooms = new ConcurrentHashMap<>();
    private final ScheduledExecutorService control =
            Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("relay-control-poll", true));

    /**
     * @param whep {@code cluster.edge-whep}: WHEP viewers of other nodes' rooms are served here
     * @param whip {@code cluster.edge-whip}: WHIP encoders of other nodes' rooms publish here
     * @param web  {@code cluster.edge-web}: web clients of other nodes' rooms stay here
     */
    public EdgeRooms(Rooms here, RelayClient client, RelayNotices notices, String nodeId, boolean whep, boolean whip,
                     boolean web, MeterRegistry metrics) {
        this.node = here.node();
        this.resources = here.resources();
        this.caps = here.caps();
        this.client = client;
        this.nodeId = nodeId;
        this.notices = notices;
        this.whep = whep;
        this.whip = whip;
        this.web = web;
        this.lastN = here.lastN();
        Gauge.builder("stagecast.relays", rooms, java.util.Map::size).tag("end", "edge")
                .description("rooms of other nodes served here through a relay (edge end)").register(metrics);
        Gauge.builder("stagecast.edge.viewers", this, EdgeRooms::viewerCount)
                .description("WHEP viewers watching rooms of other nodes here").register(metrics);
        Gauge.builder("stagecast.edge.publishers", this, EdgeRooms::publisherCount)
                .description("WHIP encoders publishing to rooms of other nodes here (relayed to the room's node)")
                .register(metrics);
        Gauge.builder("stagecast.edge.web.clients", this, EdgeRooms::webCount)
                .description("web clients of rooms of other nodes here (requests passed through to the room's node, the stage relayed from it)")
                .register(metrics);
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
        return edge.opened.thenCompose(ignored -> edge.admit(token)).handle((admitted, failure) -> {
            if (failure == null) {
                try {
                    return edge.whepView(grant, identityKey, offer, admitted.participant(), admitted.waiting());
                } catch (SignalingException e) {
                    edge.left(admitted.participant());
                    failure = e;
                }
            }
            if (edge.isEmpty()) {
                edge.close("its first viewer was refused");
            }
            throw failure instanceof java.util.concurrent.CompletionException c ? c
                    : new java.util.concurrent.CompletionException(failure);
        });
    }

    /**
     * A WHIP encoder publishing to {@code room}, which {@code originUrl} serves: its offer answered
     * here, once the relay is open the origin's room puts it on stage by its {@code token} and
     * takes its tracks over an uplink from here (docs/operations.md, "Edge encoders"). Completes
     * on a relay thread.
     */
    public CompletableFuture<MediaAnswer> whip(String room, String originUrl, JoinGrant grant, String token,
                                               String identityKey, String offer) {
        EdgeRoom edge;
        try {
            edge = edgeOf(room, originUrl);
        } catch (SignalingException e) {
            return CompletableFuture.failedFuture(e);
        }
        return edge.opened.thenCompose(ignored -> edge.whip(grant, token, identityKey, offer)).whenComplete((answer, failure) -> {
            if (failure != null && edge.isEmpty()) {
                edge.close("its first encoder was refused");
            }
        });
    }

    /**
     * A web client joining {@code room}, which {@code originUrl} serves: completes, once the
     * room's relay here is open (at once when it is), with what its passage to the origin needs.
     */
    public CompletableFuture<EdgeWebLink> web(String room, String originUrl) {
        EdgeRoom edge;
        try {
            edge = edgeOf(room, originUrl);
        } catch (SignalingException e) {
            return CompletableFuture.failedFuture(e);
        }
        edge.webJoining();
        return edge.opened.thenApply(ignored -> {
            String relayId = edge.relayId();
            if (relayId == null) {
                throw new java.util.concurrent.CompletionException(new SignalingException(
                        SignalingException.Code.UNAVAILABLE, "the relay of room " + room + " just closed: try again"));
            }
            return new EdgeWebLink(edge, originUrl, relayId, client);
        }).whenComplete((link, failure) -> {
            if (failure != null) {
                edge.webJoined(); // no link: nobody else ends this join
            }
        });
    }

    /** Whether web clients of other nodes' rooms stay here ({@code cluster.edge-web}). */
    public boolean servesWeb() {
        return web;
    }

    /** A node event (node.draining) to every web client here of other nodes' rooms. */
    void tellWebClients(com.fasterxml.jackson.databind.node.ObjectNode event) {
        for (EdgeRoom edge : rooms.values()) {
            edge.tellWeb(event);
        }
    }

    /** Web clients here of all rooms of other nodes. */
    public int webCount() {
        return rooms.values().stream().mapToInt(EdgeRoom::webCount).sum();
    }

    /** Web clients here of {@code room} (tests, operators). */
    public int webClients(String room) {
        EdgeRoom edge = rooms.get(room);
        return edge == null ? 0 : edge.webCount();
    }

    /** Whether WHEP viewers ({@code kind} WHEP) or WHIP encoders of other nodes' rooms are served here. */
    public boolean servesKind(MediaResource.Kind kind) {
        return kind == MediaResource.Kind.WHEP ? whep : whip;
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

    /** DELETE of a WHEP or WHIP resource of an edge room; {@code not_found} when this node has none of that kind and secret. */
    public void delete(String room, MediaResource.Kind kind, String secret, JoinGrant grant) throws SignalingException {
        EdgeRoom edge = rooms.get(room);
        if (edge == null || edge.resource(kind, secret) == null) {
            throw new SignalingException(SignalingException.Code.NOT_FOUND, "no such " + kind.path() + " resource");
        }
        edge.delete(kind, secret, grant);
    }

    /**
     * What this node forwards to {@code participant} (its id at the origin), a viewer here of
     * relay {@code relay} of {@code room}: asked by the origin ({@link EdgeViewerReports});
     * {@code not_found} when it does not receive here.
     */
    public CompletableFuture<com.fasterxml.jackson.databind.node.ObjectNode> viewerReport(String room, String relay,
                                                                                          String participant)
            throws SignalingException {
        EdgeRoom edge = rooms.get(room);
        if (edge == null) {
            throw new SignalingException(SignalingException.Code.NOT_FOUND, "room " + room + " is not relayed here");
        }
        return edge.viewerReport(relay, participant, control);
    }

    /** WHEP viewers here of all rooms of other nodes. */
    public int viewerCount() {
        return rooms.values().stream().mapToInt(EdgeRoom::viewerCount).sum();
    }

    /** WHIP encoders here of all rooms of other nodes. */
    public int publisherCount() {
        return rooms.values().stream().mapToInt(EdgeRoom::publisherCount).sum();
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

    LastNPolicy lastN() {
        return lastN;
    }

    /** The last-N given to the media plane for web client {@code originId} here of {@code room}; 0 if none (tests, operators). */
    public int webLastN(String room, String originId) {
        EdgeRoom edge = rooms.get(room);
        return edge == null ? 0 : edge.webLastN(originId);
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
