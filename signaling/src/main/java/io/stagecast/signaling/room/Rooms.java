package io.stagecast.signaling.room;

import io.stagecast.sfu.MediaNode;
import io.stagecast.signaling.stage.StageLimits;
import io.stagecast.signaling.token.JoinTokens;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.stagecast.signaling.SignalingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The rooms of this node. A room comes into being with its first valid join token (or the API's
 * {@link #create}) and goes away after it has been idle (nobody in it) for its idle limit
 * ({@link #IDLE_LIMIT} unless the API set one), so rooms made by old links do not pile up. Each
 * room's work runs on its own {@link RoomExecutor} over the node's {@link RoomWorkers}; one timer
 * thread only hands each room its once-a-second tick (reconnect grace, invitation expiry, voice
 * activity, idleness), never running room work itself.
 */
public final class Rooms {
    private static final Logger log = LoggerFactory.getLogger(Rooms.class);
    private final MediaNode node;
    private final ConcurrentMap<String, Room> rooms = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("room-timer", true));

    public static final Duration IDLE_LIMIT = Duration.ofMinutes(10);
    private final StageLimits limits;
    private final Map<String, Long> idleSince = new ConcurrentHashMap<>();
    private volatile String keep;
    private volatile boolean draining;

    private final JoinTokens tokens;
    private final MediaResources resources;
    private final LastNPolicy lastN;
    private final RoomListener listener;
    private final RoomWorkers workers = new RoomWorkers();
    private final NodeCaps caps;
    /** Held only to create a room, so that {@code rooms.max-rooms} is never passed (creations are rare). */
    private final Object creation = new Object();

    /**
     * @param tokens    redeems single-use tokens when a join succeeds
     * @param resources the node's WHIP/WHEP resources and their caps
     * @param lastN     {@code media.last-n} and {@code media.last-n-mobile}
     * @param listener  hears every room's news (webhooks); called under the room's lock
     * @param caps      the node's caps on rooms and transports, and the counter of every cap hit
     */
    public Rooms(MediaNode node, StageLimits limits, JoinTokens tokens, MediaResources resources, LastNPolicy lastN,
                 RoomListener listener, NodeCaps caps) {
        this.caps = caps;
        this.listener = listener;
        this.lastN = lastN;
        this.node = node;
        this.limits = limits;
        this.tokens = tokens;
        this.resources = resources;
        timer.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    /** The room of that name, created if need be even past {@code rooms.max-rooms}: the demo room, tests. */
    public Room getOrCreate(String name) {
        synchronized (creation) {
            return rooms.computeIfAbsent(name, this::newRoom);
        }
    }

    /**
     * The room a join goes to. While the node drains, only a participant the room still holds
     * (a reconnect within its grace) may come back: anyone else is sent to another node.
     *
     * @param participantId the joining grant's participant, null for WHIP/WHEP (always new)
     */
    public Room forJoin(String name, String participantId) throws SignalingException {
        if (draining) {
            Room room = rooms.get(name);
            if (room == null || participantId == null || room.state(participantId).isEmpty()) {
                throw new SignalingException(SignalingException.Code.DRAINING,
                        "this node is shutting down: join the room on another node");
            }
            return room;
        }
        Room room = rooms.get(name);
        return room != null ? room : createCapped(name, r -> { }).room();
    }

    private record Creation(Room room, boolean made) {
    }

    /** The room of that name, created (and set up by {@code init}) if the cap allows one more. */
    private Creation createCapped(String name, Consumer<Room> init) throws SignalingException {
        synchronized (creation) {
            Room existing = rooms.get(name);
            if (existing != null) {
                return new Creation(existing, false);
            }
            caps.requireRoomFor(rooms.size());
            Room room = newRoom(name);
            init.accept(room);
            rooms.put(name, room);
            return new Creation(room, true);
        }
    }

    /**
     * Stops taking new rooms and joins (graceful shutdown), and tells everyone connected with a
     * {@code node.draining} event carrying {@code deadline}, when the node will close their rooms.
     */
    public void drain(Instant deadline) {
        draining = true;
        for (Room room : rooms.values()) {
            room.tellEveryone(DrainNotice.event(deadline));
        }
        EdgeRooms edgeRooms = edges;
        if (edgeRooms != null) {
            edgeRooms.tellWebClients(DrainNotice.event(deadline)); // this node's own notice, not their origin's
        }
    }

    public boolean draining() {
        return draining;
    }

    /**
     * A new room, set up by {@code init} (its settings, its session) before anyone else can reach
     * it; empty if a room of that name exists already.
     */
    public Optional<Room> create(String name, Consumer<Room> init) throws SignalingException {
        Creation creation = createCapped(name, init);
        return creation.made() ? Optional.of(creation.room()) : Optional.empty();
    }

    /**
     * The room made again from what its dead origin kept (cluster mode, the node that took it
     * over), everyone in it disconnected until they rejoin; nothing if a room of that name is open
     * here already. Past {@code rooms.max-rooms} too: the room exists, it only moves.
     */
    void restore(String name, KeptRooms.Kept kept) {
        synchronized (creation) {
            if (rooms.containsKey(name)) {
                return;
            }
            Room room = newRoom(name);
            try {
                room.restore(kept);
            } catch (RuntimeException e) {
                // What Redis held does not make a room (another version's, or damaged): the room
                // starts afresh at the join that found it, rather than not at all.
                room.close();
                log.warn("room {}: its kept state cannot be restored ({}); the room starts afresh", name, e.toString());
                return;
            }
            rooms.put(name, room);
        }
        log.info("room {} taken over: {} participants to rejoin", name, kept.stage().people().size());
    }

    /** Ends a room now (the API's delete): everyone's connection closes, the room is gone. */
    public boolean remove(String name, String reason) {
        Room room = rooms.remove(name);
        if (room == null) {
            return false;
        }
        idleSince.remove(name);
        room.close();
        listener.roomEnded(name, reason);
        return true;
    }

    private Room newRoom(String name) {
        Room room = new Room(name, node, limits, tokens, resources, lastN, workers, listener, caps, this::edgeViewerReport);
        listener.roomCreated(name);
        return room;
    }

    public Room get(String name) {
        return rooms.get(name);
    }

    public Collection<Room> all() {
        return List.copyOf(rooms.values());
    }

    public int participantCount() {
        int n = 0;
        for (Room room : rooms.values()) {
            n += room.size();
        }
        return n;
    }

    /**
     * Participants whose media this node carries (the cluster's load): those connected here, not
     * the viewers and encoders of rooms here who are connected at an edge, and the viewers and
     * encoders here of other nodes' rooms.
     */
    /** {@code media.last-n} and {@code media.last-n-mobile}: also what an edge applies to its web clients. */
    LastNPolicy lastN() {
        return lastN;
    }

    public int participantsCarried() {
        int n = 0;
        for (Room room : rooms.values()) {
            n += room.sizeHere();
        }
        EdgeRooms edgeRooms = edges;
        return edgeRooms == null ? n : n + edgeRooms.viewerCount() + edgeRooms.publisherCount() + edgeRooms.webCount();
    }

    /** Participants all rooms hold, those within their reconnect grace included ({@link Room#memberCount()}). */
    public int memberCount() {
        int n = 0;
        for (Room room : rooms.values()) {
            n += room.memberCount();
        }
        return n;
    }

    /** A room that is never removed for idleness (the configured demo room). */
    public void keep(String name) {
        keep = name;
        getOrCreate(name);
    }

    /** The origin's ends of relays to other nodes (cluster mode), swept each second; null alone. */
    private volatile OriginRelays originRelays;

    public void attach(OriginRelays relays) {
        this.originRelays = relays;
    }

    /** The origin's way to reports of its viewers at edges (cluster mode); null alone. */
    private volatile EdgeViewerReports viewerReports;

    public void attach(EdgeViewerReports reports) {
        this.viewerReports = reports;
    }

    private CompletableFuture<com.fasterxml.jackson.databind.node.ObjectNode> edgeViewerReport(String room, String relay,
                                                                                               String participant) {
        EdgeViewerReports reports = viewerReports;
        return reports == null ? EdgeViewerReports.NONE.report(room, relay, participant)
                : reports.report(room, relay, participant);
    }

    MediaNode node() {
        return node;
    }

    MediaResources resources() {
        return resources;
    }

    NodeCaps caps() {
        return caps;
    }

    /** This node's WHEP viewers of other nodes' rooms (cluster mode with cluster.edge-whep), null otherwise. */
    private volatile EdgeRooms edges;

    public void attach(EdgeRooms edgeRooms) {
        this.edges = edgeRooms;
    }

    public EdgeRooms edges() {
        return edges;
    }

    public OriginRelays originRelays() {
        return originRelays;
    }

    private void tick() {
        OriginRelays relays = originRelays;
        if (relays != null) {
            relays.sweep(rooms::containsKey);
        }
        for (Room room : rooms.values()) {
            room.executor().execute(() -> tick(room));
        }
    }

    /** On the room's executor. */
    private void tick(Room room) {
        long now = System.nanoTime();
        try {
            room.tick();
            OriginRelays relays = originRelays;
            if (relays != null) {
                room.edgeRelaysOpen(relays::isOpen);
            }
            if (!room.isIdle() || room.name().equals(keep)) {
                idleSince.remove(room.name());
            } else if (now - idleSince.computeIfAbsent(room.name(), n -> now) > room.idleLimit().toNanos()
                    && rooms.remove(room.name(), room)) {
                idleSince.remove(room.name());
                room.close();
                listener.roomEnded(room.name(), "idle");
                log.info("room {} removed after {} idle", room.name(), room.idleLimit());
            }
        } catch (RuntimeException e) {
            log.warn("tick of room {} failed", room.name(), e);
        }
    }

    /** The threads rooms run on, for work of no one room and for /metrics. */
    public RoomWorkers workers() {
        return workers;
    }

    public void close() {
        timer.shutdownNow();
        EdgeRooms edgeRooms = edges;
        if (edgeRooms != null) {
            edgeRooms.close();
        }
        OriginRelays relays = originRelays;
        if (relays != null) {
            relays.close();
        }
        EdgeViewerReports reports = viewerReports;
        if (reports != null) {
            reports.close();
        }
        for (Room room : rooms.values()) {
            room.close();
        }
        rooms.clear();
        workers.close();
    }
}
