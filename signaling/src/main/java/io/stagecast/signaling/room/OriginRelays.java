package io.stagecast.signaling.room;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.stagecast.sfu.MediaNode;
import io.stagecast.sfu.router.Consumer;
import io.stagecast.sfu.transport.Transport;
import io.stagecast.sfu.transport.TransportListener;
import io.stagecast.signaling.SignalingException;
import io.stagecast.signaling.cluster.RelayNotices;
import io.stagecast.signaling.relay.RelayWire;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.RandomIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The origin's ends of relays to edge nodes (issue 14, item 3): per relay one relay transport
 * towards the edge's relay socket and one {@code RelayConsumer} per stage track of the room, kept
 * in step with the stage at each of the edge's polls, each carrying the simulcast layers the
 * edge's viewers need (the poll says; the lowest always). A change of the stage is pushed to the
 * room's edges ({@link RelayNotices}, Redis pub/sub), which poll at once, so a track on stage
 * reaches an edge within a round trip or two, and within the edge's periodic poll (500 ms) when a
 * notice is lost; a track that leaves the stage stops at once here (its producer is closed or
 * muted at the origin). A relay not polled
 * for {@link #POLL_LIMIT_NANOS} (the edge died, or lost the origin) is closed. Capped per room
 * and per node, counted in {@code /metrics}.
 */
public final class OriginRelays {
    private static final Logger log = LoggerFactory.getLogger(OriginRelays.class);
    /** Edge nodes one room is relayed to at most: more nodes than a cluster of this design has. */
    public static final int MAX_PER_ROOM = 32;
    public static final int MAX_PER_NODE = 512;
    static final long POLL_LIMIT_NANOS = 10_000_000_000L;
    /** An encoder's tracks (a WHIP offer has a microphone and a camera) and a track's simulcast streams, at most. */
    static final int MAX_PUBLISHED_TRACKS = 4;
    static final int MAX_STREAMS = 4;

    private final MediaNode node;
    private final RelayNotices notices;
    private final Map<String, OriginRelay> relays = new ConcurrentHashMap<>();
    private final Counter refused;
    /** Packets the closed relay consumers sent, so the counter below never goes back. */
    private final AtomicLong closedPackets = new AtomicLong();

    public OriginRelays(MediaNode node, RelayNotices notices, MeterRegistry metrics) {
        this.node = node;
        this.notices = notices;
        this.refused = Counter.builder("stagecast.relays.refused").tag("end", "origin")
                .description("relays to other nodes refused by a cap").register(metrics);
        Gauge.builder("stagecast.relays", relays, Map::size).tag("end", "origin")
                .description("relays of this node's rooms to other nodes (origin end)").register(metrics);
        // Read at each scrape from the consumers' own counts: nothing is counted per packet here.
        FunctionCounter.builder("stagecast.relay.packets", this, OriginRelays::packetsSent).tag("end", "origin")
                .description("RTP packets sent to other nodes by relays (once per packet and edge; retransmissions not included)")
                .register(metrics);
    }

    private double packetsSent() {
        long sum = closedPackets.get();
        for (OriginRelay relay : relays.values()) {
            for (Consumer c : relay.byTrack.values()) {
                sum += c.packetsSent();
            }
        }
        return sum;
    }

    /** Takes no monitor: it also runs on the media loop, when the relay transport closes itself. */
    private void closeRelay(OriginRelay relay) {
        if (relays.remove(relay.id) == null) {
            return;
        }
        for (Consumer c : relay.byTrack.values()) {
            closedPackets.addAndGet(c.packetsSent());
        }
        relay.transport.close();
    }

    /** One relay: the transport towards one edge and its consumer of each stage track. */
    private static final class OriginRelay {
        final String id = RandomIds.tokenId();
        final String room;
        /** The edge's node id, as it asked (and as the cluster registered it). */
        final String node;
        final Transport transport;
        /** Changed under the relay's monitor by {@link #sync}; read without it (metrics, the loop's close). */
        final Map<String, Consumer> byTrack = new ConcurrentHashMap<>();
        volatile long lastPollNanos = System.nanoTime();

        OriginRelay(String room, String node, Transport transport) {
            this.room = room;
            this.node = node;
            this.transport = transport;
        }
    }

    /** An edge asks for the room's stage; {@code ask}'s host was checked against the edge's registration. */
    public RelayWire.State open(Room room, RelayWire.Open ask) throws SignalingException {
        io.stagecast.sfu.srtp.SrtpMasterKeys keys = keysOf(ask);
        InetSocketAddress edge = addressOf(ask);
        long inRoom = relays.values().stream().filter(r -> r.room.equals(room.name())).count();
        if (relays.size() >= MAX_PER_NODE || inRoom >= MAX_PER_ROOM) {
            refused.increment();
            throw new SignalingException(SignalingException.Code.UNAVAILABLE, "room " + room.name()
                    + " is relayed to as many nodes as this node allows (" + MAX_PER_ROOM + " a room, "
                    + MAX_PER_NODE + " in all)");
        }
        Transport transport;
        try {
            transport = node.createRelayTransport(new TransportListener() {
                @Override
                public void onClosed(Transport t, String reason) {
                    for (OriginRelay r : List.copyOf(relays.values())) {
                        if (r.transport == t) {
                            closeRelay(r);
                        }
                    }
                }
            }, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SignalingException(SignalingException.Code.UNAVAILABLE, "interrupted");
        }
        transport.connectRelay(edge, keys);
        OriginRelay relay = new OriginRelay(room.name(), ask.node(), transport);
        relays.put(relay.id, relay);
        log.info("room {} relayed to node {} at {} (relay transport {})", room.name(), ask.node(), edge, transport.id());
        return sync(room, relay, null);
    }

    /**
     * The edge's poll: the relay follows the stage, relays of each track the streams the edge's
     * viewers need ({@code demand}, null or a track not named: as before), and says what it carries.
     */
    public RelayWire.State poll(Room room, String id, RelayWire.Poll demand) throws SignalingException {
        OriginRelay relay = find(room, id);
        if (demand != null && demand.left() != null) {
            room.edgeViewersLeft(relay.id, new java.util.HashSet<>(demand.left()));
        }
        RelayWire.State state = sync(room, relay, demand == null ? null : demand.seen());
        if (demand != null && demand.layers() != null) {
            for (Map.Entry<String, List<Boolean>> e : demand.layers().entrySet()) {
                Consumer consumer = e.getKey() == null ? null : relay.byTrack.get(e.getKey());
                if (consumer != null && e.getValue() != null) {
                    consumer.setRelayedStreams(streamMask(e.getValue()));
                }
            }
        }
        return state;
    }

    /**
     * The stage of {@code room} changed here (a track published or unpublished, the room ended):
     * its edges, if it has any, are told to poll now. Called under the room's monitor: only queues.
     */
    public void stageChanged(String room) {
        for (OriginRelay relay : relays.values()) {
            if (relay.room.equals(room)) {
                notices.stageChanged(room);
                return;
            }
        }
    }

    /** Bit i set when stream i is needed; streams past the 31st (no producer has them) are ignored. */
    static int streamMask(List<Boolean> needed) {
        int mask = 0;
        for (int i = 0; i < Math.min(31, needed.size()); i++) {
            if (Boolean.TRUE.equals(needed.get(i))) {
                mask |= 1 << i;
            }
        }
        return mask;
    }

    /** The edge no longer needs the relay (its last viewer left): its viewers leave the room too. */
    public void close(Room room, String id) throws SignalingException {
        closeRelay(find(room, id));
        room.edgeViewersLeft(id, null);
    }

    /** A viewer at the edge of relay {@code id} joins the room here (its rules apply): its participant id, and whether it waits in the lobby. */
    public RelayWire.Admitted admit(Room room, String id, JoinGrant grant) throws SignalingException {
        OriginRelay relay = find(room, id);
        String participant = room.edgeView(grant, relay.id);
        return new RelayWire.Admitted(participant, room.waiting(participant));
    }

    private static io.stagecast.sfu.srtp.SrtpMasterKeys keysOf(RelayWire.Open ask) throws SignalingException {
        try {
            return ask.keys();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new SignalingException(SignalingException.Code.BAD_REQUEST, "bad relay request: " + e.getMessage());
        }
    }

    /** The edge's end; its host was checked against the edge's registration (a literal address, so no lookup). */
    private static InetSocketAddress addressOf(RelayWire.Open ask) throws SignalingException {
        try {
            if (ask.port() < 1 || ask.port() > 65535) {
                throw new IllegalArgumentException("port out of range");
            }
            return new InetSocketAddress(java.net.InetAddress.getByName(ask.host()), ask.port());
        } catch (IllegalArgumentException | java.net.UnknownHostException | NullPointerException e) {
            throw new SignalingException(SignalingException.Code.BAD_REQUEST, "bad relay request: " + e.getMessage());
        }
    }

    /**
     * A WHIP encoder at the edge of relay {@code id} goes on stage here (the room's rules, as for a
     * WHIP POST here): its tracks arrive over an uplink of their own, this node's end of which is
     * the encoder's publishing transport in the room, so muting, removal and the relays to other
     * edges treat it as any publisher's.
     */
    public RelayWire.Published publish(Room room, String id, JoinGrant grant, RelayWire.Publisher ask)
            throws SignalingException {
        OriginRelay relay = find(room, id);
        if (ask.uplink() == null || ask.tracks() == null || ask.tracks().isEmpty()
                || ask.tracks().size() > MAX_PUBLISHED_TRACKS) {
            throw new SignalingException(SignalingException.Code.BAD_REQUEST, "bad relay request: an uplink and 1-"
                    + MAX_PUBLISHED_TRACKS + " tracks are needed");
        }
        java.util.Set<String> mids = new java.util.HashSet<>();
        for (io.stagecast.sfu.router.ProducerSpec spec : ask.tracks()) {
            if (spec == null || spec.kind() == null || spec.codec() == null || spec.codec().name() == null
                    || spec.codec().payloadType() < 0 || spec.codec().payloadType() > 127 || spec.mid() == null
                    || !mids.add(spec.mid()) || spec.streams().size() > MAX_STREAMS) {
                throw new SignalingException(SignalingException.Code.BAD_REQUEST, "bad relay request: a track's spec"
                        + " needs a kind, a codec, a mid of its own and 1-" + MAX_STREAMS + " streams");
            }
        }
        Room.EdgePublished made = room.edgePublish(grant, relay.id, addressOf(ask.uplink()), keysOf(ask.uplink()),
                ask.tracks());
        return new RelayWire.Published(made.participantId(), node.announcedAddresses().get(0).getHostAddress(), made.port());
    }

    /** Whether relay {@code id} is open (its edge viewers are in the room only while it is). */
    boolean isOpen(String id) {
        return relays.containsKey(id);
    }

    /** Whether {@code id} is an open relay of room {@code room} here (a web client's join through that edge names it). */
    public boolean isOpen(String room, String id) {
        OriginRelay relay = id == null ? null : relays.get(id);
        return relay != null && relay.room.equals(room);
    }

    /** The node at the edge end of relay {@code id} of {@code room}, if it is open. */
    public java.util.Optional<String> edgeNode(String room, String id) {
        OriginRelay relay = id == null ? null : relays.get(id);
        return relay == null || !relay.room.equals(room) ? java.util.Optional.empty() : java.util.Optional.of(relay.node);
    }

    private OriginRelay find(Room room, String id) throws SignalingException {
        OriginRelay relay = id == null ? null : relays.get(id);
        if (relay == null || !relay.room.equals(room.name())) {
            throw new SignalingException(SignalingException.Code.NOT_FOUND, "no such relay of room " + room.name());
        }
        return relay;
    }

    private RelayWire.State sync(Room room, OriginRelay relay, Long seen) {
        relay.lastPollNanos = System.nanoTime();
        List<StageTrack> stage = room.stageTracks();
        List<RelayWire.Track> carried = new ArrayList<>();
        synchronized (relay) {
            Map<String, StageTrack> now = new HashMap<>();
            for (StageTrack track : stage) {
                now.put(track.trackId(), track);
            }
            relay.byTrack.entrySet().removeIf(e -> {
                boolean gone = !now.containsKey(e.getKey());
                if (gone) {
                    closedPackets.addAndGet(e.getValue().packetsSent());
                    e.getValue().close();
                }
                return gone;
            });
            for (StageTrack track : stage) {
                relay.byTrack.computeIfAbsent(track.trackId(),
                        t -> room.mediaRouter().createRelayConsumer(relay.transport, track.producer()));
                carried.add(new RelayWire.Track(track.trackId(), track.participantId(), track.kind().name(),
                        track.producer().relaySpec()));
            }
        }
        String host = node.announcedAddresses().get(0).getHostAddress();
        // The count first: a change between it and the lists makes the next poll ask for them again.
        long membership = room.edgeMembership();
        boolean unchanged = seen != null && seen == membership;
        return new RelayWire.State(relay.id, host, relay.transport.localPort(), carried,
                unchanged ? null : room.edgeViewers(relay.id), unchanged ? null : room.edgeWaiting(relay.id), membership);
    }

    /** Each second (the rooms' timer): relays whose edge stopped polling, or whose room ended, close. */
    void sweep(java.util.function.Predicate<String> roomOpen) {
        long now = System.nanoTime();
        for (OriginRelay relay : List.copyOf(relays.values())) {
            if (now - relay.lastPollNanos > POLL_LIMIT_NANOS || !roomOpen.test(relay.room)) {
                closeRelay(relay);
                log.info("a relay of room {} closed: {}", relay.room,
                        roomOpen.test(relay.room) ? "no poll for 10 s" : "the room ended");
            }
        }
    }

    /** Relays open now, per room (tests, /metrics). */
    public int count(String room) {
        return (int) relays.values().stream().filter(r -> r.room.equals(room)).count();
    }

    public void close() {
        for (OriginRelay relay : List.copyOf(relays.values())) {
            closeRelay(relay);
        }
    }
}
