package io.stagecast.signaling.room;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecast.sfu.MediaNode;
import io.stagecast.sfu.router.MediaKind;
import io.stagecast.sfu.router.Producer;
import io.stagecast.sfu.router.Router;
import io.stagecast.sfu.router.RouterEvents;
import io.stagecast.sfu.transport.Transport;
import io.stagecast.sfu.transport.TransportListener;
import io.stagecast.signaling.SignalingException;
import io.stagecast.signaling.media.PublishNegotiation;
import io.stagecast.signaling.media.TransportDescription;
import io.stagecast.signaling.media.WhepNegotiation;
import io.stagecast.signaling.sdp.SdpParseException;
import io.stagecast.signaling.sdp.SessionDescription;
import io.stagecast.signaling.stage.Audience;
import io.stagecast.signaling.stage.Delivery;
import io.stagecast.signaling.stage.Outcome;
import io.stagecast.signaling.stage.ParticipantState;
import io.stagecast.signaling.stage.Place;
import io.stagecast.signaling.stage.SessionState;
import io.stagecast.signaling.stage.StageEvent;
import io.stagecast.signaling.stage.StageLimits;
import io.stagecast.signaling.stage.StageRoom;
import io.stagecast.signaling.stage.StageSettings;
import io.stagecast.signaling.stage.TrackKind;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.JoinTokens;
import io.stagecast.signaling.token.RandomIds;
import io.stagecast.signaling.token.Role;
import io.stagecast.signaling.token.TokenError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A room: the stage rules ({@link StageRoom}, the authority on who is where and may do what) and
 * the media that follows them (who publishes, who receives). Its one owner is its
 * {@link RoomExecutor} (issue 13): the HTTP and WebSocket loops hand every request for the room
 * there ({@link #executor}), and the media plane's news (transport ends, dominant speaker, layer
 * demand, voice activity) goes there through {@link RoomMediaEvents}, as does the once-a-second
 * tick; so SDP work in one room never waits on, or delays, another room or a socket. Methods
 * still take the room's lock, uncontended but for the few reads made from elsewhere (counts for
 * /metrics, the API's list of rooms). The stage model refuses before anything changes, and the
 * media plane is only told what the model decided; media-plane calls only queue work on the
 * media loop, which never waits for a room.
 */
public final class Room {
    private static final Logger log = LoggerFactory.getLogger(Room.class);

    private final String name;
    private final MediaNode node;
    private final Router router;
    private final StageRoom stage;
    private final JoinTokens tokens;
    private final MediaResources resources;
    private final Map<String, Participant> connections = new LinkedHashMap<>();
    /** {@code connections.size()}, kept for readers outside the room's executor. */
    private volatile int connected;
    /** Of {@link #connected}, the viewers watching at an edge (their media is that node's load). */
    private volatile int connectedAtEdges;
    /** See {@link #edgeMembership()}; under the monitor. */
    private long edgeMembership;
    /** {@link StageRoom#memberCount()} as of the last connect, disconnect or tick, for /metrics. */
    private volatile int members;
    private final LastNPolicy lastN;
    private final RoomExecutor executor;
    private final RoomMediaEvents mediaEvents;
    private final TrackPriorities priorities = new TrackPriorities();
    /** Who speaks and which layers are needed, as the clients are told. */
    private final MediaNews news = new MediaNews();
    private final RoomListener listener;
    /** The stage tracks last told to the listener, by track id: published/unpublished are this set's changes. */
    private final Map<String, StageTrack> announcedTracks = new LinkedHashMap<>();
    private final Instant createdAt = Instant.now();
    /**
     * Single-use tokens this room's joins used up, until they expire (cluster mode keeps them with
     * the room, so a link used before a take-over stays used after it). Expired ones are dropped at
     * each new one and each write, so it holds no more than the node's own cap on remembered ids,
     * which every entry passed first.
     */
    private final Map<String, Instant> redeemed = new LinkedHashMap<>();
    private volatile Duration idleLimit = Rooms.IDLE_LIMIT;

    /**
     * @param workers where the room's {@link RoomExecutor} runs: requests, the media plane's news
     *                ({@link RouterEvents}, transports' ends) and its reports, one task at a time,
     *                never on a media loop, which must not wait for this room
     */
    /** The node's caps on transports, and the counter of every cap this room's requests hit. */
    private final NodeCaps caps;
    /** Reports of participants who watch at an edge (their media is there). */
    private final EdgeViewerReports.Source edgeReports;

    Room(String name, MediaNode node, StageLimits limits, JoinTokens tokens, MediaResources resources,
         LastNPolicy lastN, RoomWorkers workers, RoomListener listener, NodeCaps caps,
         EdgeViewerReports.Source edgeReports) {
        this.name = name;
        this.edgeReports = edgeReports;
        this.caps = caps;
        this.listener = listener;
        this.node = node;
        this.tokens = tokens;
        this.resources = resources;
        this.lastN = lastN;
        this.executor = new RoomExecutor(name, workers);
        this.router = node.createRouter(name);
        this.stage = new StageRoom(name, StageSettings.DEFAULTS.withLastN(lastN.roomDefault()), limits,
                Clock.systemUTC(), System::nanoTime);
        this.mediaEvents = new RoomMediaEvents(executor, new RoomMediaEvents.Sink() {
            @Override
            public void dominantSpeakerChanged(Producer audioOrNull) {
                Room.this.dominantSpeakerChanged(audioOrNull);
            }

            @Override
            public void layerDemandChanged(Producer producer, List<Boolean> needed) {
                Room.this.layerDemandChanged(producer, needed);
            }

            @Override
            public void streamsLearned() {
                listener.tracksDescribed(name); // no room state changes: no lock
            }

            @Override
            public void transportClosed(Participant owner, Transport transport, String reason) {
                Room.this.transportClosed(owner, transport, reason);
            }
        });
        router.setEvents(mediaEvents);
    }

    /** What the router calls with its news (tests call it to stand in for the media plane). */
    public RouterEvents routerEvents() {
        return mediaEvents;
    }

    /** The room's forwarding graph (a relay to another node consumes its stage tracks). */
    public io.stagecast.sfu.router.Router mediaRouter() {
        return router;
    }

    public String name() {
        return name;
    }

    /** The room's one owner: every request for the room runs there (clients' through {@link RoomExecutor#submit}). */
    public RoomExecutor executor() {
        return executor;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** How long the room may stay idle ({@link #isIdle}) before the node removes it. */
    public Duration idleLimit() {
        return idleLimit;
    }

    public void setIdleLimit(Duration limit) {
        this.idleLimit = Objects.requireNonNull(limit, "limit");
    }

    /** How a participant is connected (web client, WHIP, WHEP), or null while it has no connection. */
    public synchronized Participant.Via connectionOf(String participantId) {
        Participant p = connections.get(participantId);
        return p == null ? null : p.via();
    }

    /** Nobody is connected and nobody is waiting to reconnect: the room holds only history. */
    public synchronized boolean isIdle() {
        return connections.isEmpty() && stage.participants().isEmpty() && stage.lobbySize() == 0;
    }

    private void connect(String id, Participant p) {
        Participant replaced = connections.put(id, p);
        if (p.edgeRelay != null || replaced != null && replaced.edgeRelay != null) {
            edgeMembership++;
        }
        connectedAtEdges += (p.edgeRelay != null ? 1 : 0) - (replaced != null && replaced.edgeRelay != null ? 1 : 0);
        connected = connections.size();
        members = stage.memberCount();
    }

    private Participant disconnect(String id) {
        Participant p = connections.remove(id);
        if (p != null && p.edgeRelay != null) {
            connectedAtEdges--;
            edgeMembership++;
        }
        connected = connections.size();
        members = stage.memberCount();
        return p;
    }

    /** Participants with a live connection (web, WHIP or WHEP); lock-free, for /metrics on an event loop. */
    public int size() {
        return connected;
    }

    /** Of {@link #size()}, those connected to this node (not watching at an edge); lock-free. */
    public int sizeHere() {
        return connected - connectedAtEdges;
    }

    /**
     * Participants the room holds, those within their reconnect grace included (up to a second
     * old: kept at each connect, disconnect and tick); lock-free, for /metrics.
     */
    public int memberCount() {
        return members;
    }

    public synchronized SessionState session() {
        return stage.session();
    }

    public synchronized Optional<ParticipantState> state(String participantId) {
        return stage.participant(participantId);
    }

    // ---- what outlives the node (cluster mode) ----

    /** What is kept of the room in Redis: on the room's executor. */
    synchronized KeptRooms.Kept kept() {
        forgetExpiredRedemptions();
        Map<String, String> used = new LinkedHashMap<>();
        redeemed.forEach((id, forgetAt) -> used.put(id, forgetAt.toString()));
        return new KeptRooms.Kept(KeptRooms.VERSION, idleLimit.toMillis(), stage.durableState(), used);
    }

    /** Drops the single-use tokens that expired: past that they fail on expiry anyway. */
    private void forgetExpiredRedemptions() {
        Instant now = Instant.now();
        redeemed.values().removeIf(forgetAt -> !forgetAt.isAfter(now));
    }

    /** A new room takes over what a dead origin kept; before anyone can reach it. */
    synchronized void restore(KeptRooms.Kept kept) {
        stage.restore(kept.stage());
        idleLimit = KeptRooms.idleLimitOf(kept);
        members = stage.memberCount();
        if (kept.redeemedTokens() != null) {
            kept.redeemedTokens().forEach((id, forgetAt) -> {
                Instant until = Instant.parse(forgetAt);
                redeemed.put(id, until);
                tokens.markRedeemed(id, until);
            });
        }
    }

    // ---- the web client ----

    /**
     * A web client joins (or comes back within the reconnect grace with the same identity).
     * Returns what the join response says: the room as this client sees it, and who it is.
     */
    public synchronized JoinResult join(JoinGrant grant, String chosenName, ClientChannel channel, boolean mobile,
                                        boolean wantsStage) throws SignalingException {
        return join(grant, chosenName, channel, mobile, wantsStage, null);
    }

    /**
     * The same for a web client connected to an edge node ({@code edgeRelay} the id of that node's
     * relay of this room; null: connected here): its requests and events pass through the edge to
     * this room, which decides everything as for a client here, but it receives the stage from
     * its edge over the relay, so no receiving transport is made for it here (its publishing
     * transport, once on stage, is made here: a speaker publishes to the room's own node).
     */
    public synchronized JoinResult join(JoinGrant grant, String chosenName, ClientChannel channel, boolean mobile,
                                        boolean wantsStage, String edgeRelay) throws SignalingException {
        String id = grant.participantId();
        if (wantsStage && grant.viewOnly()) {
            throw SignalingException.forbidden("this link is view-only");
        }
        if (edgeRelay == null && !connections.containsKey(id)) {
            // A reload of a connected participant replaces its transport, so it needs no new one.
            caps.requireTransport(node);
        }
        boolean returning = stage.participant(id).isPresent();
        String displayName = chosenName != null ? chosenName : grant.displayName() == null ? "Guest" : grant.displayName();
        Outcome outcome = joinRedeeming(grant, () -> returning ? stage.reconnect(id)
                : stage.join(id, displayName, grant.role(), mobile, wantsStage));
        Participant previous = disconnect(id);
        if (previous != null) {
            // A reload: the newest connection wins; the old one's media ends quietly.
            retire(previous, "replaced by a new connection");
        }
        Participant p = new Participant(id, grant.viewOnly(), Participant.Via.WEBSOCKET, channel);
        if (edgeRelay == null) {
            Transport transport = node.createTransport(closedWith(p));
            p.subscription = new RenegotiatingSubscription(p, transport, TransportDescription.of(transport, node), router);
        } else {
            p.edgeRelay = edgeRelay;
        }
        connect(id, p);
        applyLastN(p);
        deliver(outcome.deliveries());
        log.info("{} {} {} as {}", id, returning ? "rejoined" : "joined", name, grant.role().wireName());
        return new JoinResult(stage.snapshot(id), id, stage.participant(id).map(ParticipantState::name).orElse(displayName),
                grant.role(), grant.viewOnly(), grant.role() == Role.MODERATOR ? stage.lobbySize() : null,
                dominantSpeaker());
    }

    /** Called right after the join response went out, so the first offer follows it. */
    public synchronized void startReceiving(Participant p) {
        if (isCurrent(p)) {
            syncSubscription(p);
        }
    }

    /**
     * A client's stage request (docs/protocol.md, "Stage"): {@code call} is one {@link StageRoom}
     * action under the participant's own id, run under the room's lock; a refusal is thrown with
     * its code, and the events go out before the response. {@code leadsToStage} requests are
     * refused for view-only tokens before the stage sees them.
     */
    public synchronized void act(Participant p, boolean leadsToStage, StageCall call) throws SignalingException {
        requireCurrent(p);
        if (p.viewOnly() && leadsToStage) {
            throw SignalingException.forbidden("this link is view-only");
        }
        Outcome outcome = call.on(stage);
        require(outcome);
        deliver(outcome.deliveries());
    }

    /**
     * An action of a client that is not a connection of the room (the server API): the same
     * rules and refusals, usually under {@link StageRoom#SERVER}; the events reach the room's
     * clients and its media plane as if a moderator in the room had acted. Returns the outcome
     * (a refusal changed nothing).
     */
    public synchronized Outcome act(Function<StageRoom, Outcome> action) {
        Outcome outcome = action.apply(stage);
        if (outcome instanceof Outcome.Refused refused) {
            caps.count(refused.cap());
        }
        deliver(outcome.deliveries());
        return outcome;
    }

    /** Reads the stage under the room's lock (participants, questions, settings) for a client off the room. */
    public synchronized <T> T read(Function<StageRoom, T> query) {
        return query.apply(stage);
    }

    /** One {@link StageRoom} action, whose arguments may still be refused as malformed. */
    @FunctionalInterface
    public interface StageCall {
        Outcome on(StageRoom stage) throws SignalingException;
    }

    /** The WebSocket closed: media ends at once, the stage place waits for a reconnect. */
    public synchronized void connectionClosed(Participant p) {
        if (!isCurrent(p)) {
            return;
        }
        retire(p, "connection closed");
        if (stage.participant(p.id()).map(ParticipantState::connected).orElse(false)) {
            deliver(stage.disconnect(p.id()).deliveries());
        }
    }

    /** Publish (or re-publish) tracks: allowed while on stage. {@code kinds}: mid -> kind. */
    public synchronized String publish(Participant p, String offerSdp, Map<String, TrackKind> kinds) throws SignalingException {
        requireCurrent(p);
        ParticipantState state = stage.participant(p.id()).orElseThrow(
                () -> new SignalingException(SignalingException.Code.INVALID_STATE, "not in room " + name));
        if (p.viewOnly()) {
            throw SignalingException.forbidden("this link does not allow publishing to the stage");
        }
        if (state.place() != Place.STAGE) {
            throw SignalingException.forbidden("only people on stage publish: join the stage first");
        }
        if (p.publication == null) {
            caps.requireTransport(node);
        }
        return negotiatePublish(p, offerSdp, kinds, state);
    }

    private String negotiatePublish(Participant p, String offerSdp, Map<String, TrackKind> kinds, ParticipantState state)
            throws SignalingException {
        SessionDescription offer = parse(offerSdp);
        Transport transport = p.publication != null ? p.publication.transport : node.createTransport(closedWith(p));
        PublishNegotiation.Result result;
        try {
            result = PublishNegotiation.answer(offer, TransportDescription.of(transport, node));
            for (PublishNegotiation.Track track : result.tracks()) {
                if (kindOf(track, kinds) == TrackKind.SCREEN && !state.screenSharing()) {
                    throw SignalingException.forbidden("start screen sharing (media.screenShare) before publishing a screen");
                }
            }
        } catch (SignalingException e) {
            if (p.publication == null) {
                transport.close();
            }
            throw e;
        }
        return publishTracks(p, transport, result, kinds);
    }

    /** Carries out a negotiated offer: the publication, its DTLS parameters and one producer per track. */
    private String publishTracks(Participant p, Transport transport, PublishNegotiation.Result result,
                                 Map<String, TrackKind> kinds) {
        if (p.publication == null) {
            p.publication = new Publication(transport);
            transport.setPublishAllowed(true);
        }
        Publication publication = p.publication;
        if (!publication.remoteDtlsSet) {
            transport.setRemoteDtls(result.remoteDtls());
            publication.remoteDtlsSet = true;
        }
        addTracks(p, result.tracks(), kinds);
        return result.answer().write();
    }

    /** The publication's tracks become {@code tracks}: a producer for each new mid, those not offered again closed. */
    private void addTracks(Participant p, List<PublishNegotiation.Track> tracks, Map<String, TrackKind> kinds) {
        Publication publication = p.publication;
        Transport transport = publication.transport;
        Set<String> offeredMids = new HashSet<>();
        for (PublishNegotiation.Track track : tracks) {
            offeredMids.add(track.mid());
            if (!publication.tracksByMid.containsKey(track.mid())) {
                publication.tracksByMid.put(track.mid(),
                        new Publication.Track(kindOf(track, kinds), router.createProducer(transport, track.spec())));
            }
        }
        publication.tracksByMid.entrySet().removeIf(e -> {
            boolean gone = !offeredMids.contains(e.getKey());
            if (gone) {
                e.getValue().producer().close();
            }
            return gone;
        });
        applyMediaState(p.id());
        stageChanged();
    }

    private static TrackKind kindOf(PublishNegotiation.Track track, Map<String, TrackKind> kinds) {
        TrackKind named = kinds.get(track.mid());
        if (named != null) {
            return named;
        }
        return track.spec().kind() == MediaKind.AUDIO ? TrackKind.MICROPHONE : TrackKind.CAMERA;
    }

    /** Stops everything the participant publishes (it stays on stage). */
    public synchronized void unpublish(Participant p) throws SignalingException {
        requireCurrent(p);
        if (p.publication != null) {
            p.publication.close();
            p.publication = null;
            stageChanged();
        }
    }

    public synchronized void subscriberAnswer(Participant p, String sdp, long revision) throws SignalingException {
        requireCurrent(p);
        if (!(p.subscription instanceof RenegotiatingSubscription subscription)) {
            throw new SignalingException(SignalingException.Code.INVALID_STATE, "there is no stage offer to answer yet");
        }
        subscription.onAnswer(sdp, revision);
    }

    // ---- WHIP and WHEP ----

    /**
     * WHIP (RFC 9725): an encoder goes on stage with camera and microphone on; a moderator's encoder
     * going live also starts the session, as the host pressing "start" would. The offer is
     * negotiated before the stage changes, so a bad offer evicts nobody and uses up no token.
     */
    public synchronized MediaAnswer whipPublish(JoinGrant grant, String identityKey, String offerSdp)
            throws SignalingException {
        if (!grant.mayPublish()) {
            throw SignalingException.forbidden("this token does not allow publishing to the stage");
        }
        SessionDescription offer = parse(offerSdp);
        caps.requireTransport(node);
        String id = "whip-" + RandomIds.participantId();
        String displayName = grant.displayName() == null ? "WHIP" : grant.displayName();
        MediaResource resource = resources.claim(MediaResource.Kind.WHIP, name, id, grant, identityKey);
        Participant p = new Participant(id, false, Participant.Via.WHIP, null);
        Transport transport = node.createTransport(closedWith(p));
        PublishNegotiation.Result result;
        Outcome joined;
        try {
            result = PublishNegotiation.answer(offer, TransportDescription.of(transport, node));
            joined = joinRedeeming(grant, () -> stage.join(id, displayName, grant.role(), false, true));
        } catch (SignalingException e) {
            transport.close();
            resources.release(resource);
            throw e;
        }
        p.resource = resource;
        connect(id, p);
        deliver(encoderLive(id, grant, joined));
        String answer = publishTracks(p, transport, result, Map.of());
        log.info("{} publishes to {} over WHIP as {}", id, name, grant.role().wireName());
        return new MediaAnswer(resource, answer);
    }

    /**
     * An encoder on stage: every event of its join (the speakers it evicted from a full stage
     * among them), its camera and microphone on, and a moderator's encoder starts the session.
     */
    private List<Delivery> encoderLive(String id, JoinGrant grant, Outcome joined) {
        List<Delivery> deliveries = new ArrayList<>(joined.deliveries());
        deliveries.addAll(stage.setMicrophone(id, true).deliveries());
        deliveries.addAll(stage.setCamera(id, true).deliveries());
        if (grant.role() == Role.MODERATOR && stage.session() == SessionState.LOBBY) {
            deliveries.addAll(stage.start(id).deliveries());
        }
        return deliveries;
    }

    /** An encoder at an edge on stage here: its participant id, and the port of this node's end of its uplink. */
    public record EdgePublished(String participantId, int port) {
    }

    /**
     * A WHIP encoder connected at the edge of relay {@code relayId} goes on stage here by the rules
     * of {@link #whipPublish} (the edge negotiated its offer; {@code specs} are its tracks). Its
     * publishing transport here is a relay transport towards the edge's uplink socket
     * ({@code edge}, {@code keys}), so muting, removal and the relays to every edge treat its
     * tracks as any publisher's (the edge's own viewers get them back over the room's relay). It
     * leaves as an edge viewer does (the edge says, its relay ends) and when its uplink goes silent.
     */
    public synchronized EdgePublished edgePublish(JoinGrant grant, String relayId, java.net.InetSocketAddress edge,
                                                  io.stagecast.sfu.srtp.SrtpMasterKeys keys,
                                                  List<io.stagecast.sfu.router.ProducerSpec> specs)
            throws SignalingException {
        if (!grant.mayPublish()) {
            throw SignalingException.forbidden("this token does not allow publishing to the stage");
        }
        caps.requireTransport(node);
        String id = "whip-" + RandomIds.participantId();
        String displayName = grant.displayName() == null ? "WHIP" : grant.displayName();
        Participant p = new Participant(id, false, Participant.Via.WHIP, null);
        p.edgeRelay = relayId;
        Transport uplink;
        try {
            uplink = node.createRelayTransport(closedWith(p), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SignalingException(SignalingException.Code.UNAVAILABLE, "interrupted");
        }
        Outcome joined;
        try {
            joined = joinRedeeming(grant, () -> stage.join(id, displayName, grant.role(), false, true));
        } catch (SignalingException e) {
            uplink.close();
            throw e;
        }
        connect(id, p);
        deliver(encoderLive(id, grant, joined));
        uplink.connectRelay(edge, keys);
        uplink.setPublishAllowed(true);
        p.publication = new Publication(uplink);
        p.publication.remoteDtlsSet = true; // no DTLS between nodes: the keys came with the request
        addTracks(p, specs.stream().map(spec -> new PublishNegotiation.Track(spec.mid(), spec)).toList(), Map.of());
        log.info("{} publishes to {} over WHIP at an edge node, through an uplink relay", id, name);
        return new EdgePublished(id, uplink.localPort());
    }

    /** WHEP: a viewer without a WebSocket. Returns the answer. */
    public synchronized MediaAnswer whepView(JoinGrant grant, String identityKey, String offerSdp)
            throws SignalingException {
        SessionDescription offer = parse(offerSdp);
        caps.requireTransport(node);
        String id = "whep-" + RandomIds.participantId();
        String displayName = grant.displayName() == null ? "WHEP" : grant.displayName();
        MediaResource resource = resources.claim(MediaResource.Kind.WHEP, name, id, grant, identityKey);
        Participant p = new Participant(id, true, Participant.Via.WHEP, null);
        Transport transport = node.createTransport(closedWith(p));
        WhepNegotiation.Result result;
        Outcome joined;
        try {
            result = WhepNegotiation.answer(offer, TransportDescription.of(transport, node));
            joined = joinRedeeming(grant, () -> stage.join(id, displayName, grant.role(), false, false));
        } catch (SignalingException e) {
            transport.close();
            resources.release(resource);
            throw e;
        }
        transport.setRemoteDtls(result.remoteDtls());
        p.subscription = new WhepSubscription(transport, router, result.slots());
        p.resource = resource;
        connect(id, p);
        applyLastN(p);
        deliver(joined.deliveries());
        syncSubscription(p);
        return new MediaAnswer(resource, result.answer().write());
    }

    /**
     * A WHEP viewer who watches at the edge of relay {@code relayId} joins the room here, by the
     * same rules as one watching here (bans, lock, capacity, the token's role): its participant
     * id. The edge holds its resource and media; it leaves when the edge says (a poll's
     * {@code left}), when the relay ends, or as anyone does here (removed, the session's end),
     * which the edge learns from the next poll's answer.
     */
    public synchronized String edgeView(JoinGrant grant, String relayId) throws SignalingException {
        String id = "whep-" + RandomIds.participantId();
        String displayName = grant.displayName() == null ? "WHEP" : grant.displayName();
        Outcome joined = joinRedeeming(grant, () -> stage.join(id, displayName, grant.role(), false, false));
        Participant p = new Participant(id, true, Participant.Via.WHEP, null);
        p.edgeRelay = relayId;
        connect(id, p);
        deliver(joined.deliveries());
        log.info("{} watches {} at an edge node, through a relay", id, name);
        return id;
    }

    /**
     * A count of the changes of who is connected at edges, and of who of them waits in the lobby:
     * an edge that has seen this count is answered without the lists (docs/api.md, Relays).
     */
    public synchronized long edgeMembership() {
        return edgeMembership;
    }

    /** The edge viewers of relay {@code relayId} the room still holds. */
    public synchronized List<String> edgeViewers(String relayId) {
        List<String> ids = new ArrayList<>();
        for (Participant p : connections.values()) {
            if (relayId.equals(p.edgeRelay)) {
                ids.add(p.id());
            }
        }
        return ids;
    }

    /** The edge participants of relay {@code relayId} the room holds in its lobby (no media for them yet). */
    public synchronized List<String> edgeWaiting(String relayId) {
        List<String> ids = new ArrayList<>();
        for (Participant p : connections.values()) {
            if (relayId.equals(p.edgeRelay) && !admitted(p)) {
                ids.add(p.id());
            }
        }
        return ids;
    }

    /** Whether participant {@code id} is held in the lobby (not admitted to the session yet). */
    public synchronized boolean waiting(String id) {
        Participant p = connections.get(id);
        return p != null && !admitted(p);
    }

    /** Edge viewers of relay {@code relayId} leave: those named ({@code ids}), or all of them (null). */
    public synchronized void edgeViewersLeft(String relayId, java.util.Collection<String> ids) {
        for (Participant p : List.copyOf(connections.values())) {
            if (relayId.equals(p.edgeRelay) && (ids == null || ids.contains(p.id()))) {
                endEdgeConnection(p, ids == null ? "its edge's relay ended" : "left at its edge");
            }
        }
    }

    /** Edge viewers whose relay is no longer open leave (each second, from {@link Rooms}' tick). */
    synchronized void edgeRelaysOpen(java.util.function.Predicate<String> open) {
        for (Participant p : List.copyOf(connections.values())) {
            if (p.edgeRelay != null && !open.test(p.edgeRelay)) {
                endEdgeConnection(p, "its edge's relay ended");
            }
        }
    }

    /**
     * A connection at an edge ends there: a WHEP viewer leaves the room; a web client is
     * disconnected, as when its WebSocket closes here, so it may come back within the grace
     * (through another node, if its edge is gone) as the same person.
     */
    private void endEdgeConnection(Participant p, String reason) {
        if (p.via() == Participant.Via.WEBSOCKET) {
            connectionClosed(p);
        } else {
            endConnection(p, reason);
        }
    }

    /**
     * DELETE of a WHIP/WHEP resource (RFC 9725 4.4): allowed to the token identity that created it
     * and to the room's moderators. The URL names a resource of exactly this kind, never a
     * WebSocket participant; an unknown one is {@code not_found}, someone else's {@code forbidden}.
     */
    public synchronized void deleteResource(MediaResource.Kind kind, String secret, JoinGrant grant)
            throws SignalingException {
        MediaResource resource = resources.find(kind, name, secret);
        Participant p = resource == null ? null : connections.get(resource.participantId());
        if (p == null || p.resource != resource) {
            throw new SignalingException(SignalingException.Code.NOT_FOUND, "no such " + kind.path() + " resource");
        }
        // Moderator powers need a reusable token: a single-use one ends only what it made, so a used
        // (or leaked) single-use link cannot end other people's sessions, over and over.
        if (!resource.createdBy(grant) && !(isModerator(grant) && !grant.singleUse())) {
            throw SignalingException.forbidden("only the token that created this " + kind.path()
                    + " resource, or a moderator of the room, may end it");
        }
        endConnection(p, kind.path() + " resource deleted");
    }

    /** A moderator: by the token's role (unless demoted since) or by the role the person has now. */
    private boolean isModerator(JoinGrant grant) {
        Optional<ParticipantState> now = grant.named() ? stage.participant(grant.participantId()) : Optional.empty();
        return now.map(s -> s.role() == Role.MODERATOR).orElse(grant.role() == Role.MODERATOR);
    }

    /** A WHIP/WHEP connection ends: its media at once, and its person leaves the room (everyone told). */
    private void endConnection(Participant p, String reason) {
        retire(p, reason);
        if (stage.participant(p.id()).isPresent()) {
            deliver(stage.leave(p.id()).deliveries());
        }
    }

    /**
     * Uses up a single-use token only for a join that happens: redeemed right before the stage's
     * join (which may still refuse, e.g. a locked room) and given back if it refuses.
     */
    private Outcome joinRedeeming(JoinGrant grant, Supplier<Outcome> join) throws SignalingException {
        try {
            tokens.redeem(grant);
        } catch (TokenError e) {
            throw new SignalingException(SignalingException.Code.UNAUTHORIZED, "token refused: " + e.getMessage());
        }
        Outcome outcome = join.get();
        if (outcome instanceof Outcome.Refused) {
            tokens.cancelRedemption(grant);
        } else if (grant.singleUse()) {
            forgetExpiredRedemptions();
            redeemed.put(grant.tokenId(), JoinTokens.redemptionKeptUntil(grant));
        }
        require(outcome);
        return outcome;
    }

    // ---- timers ----

    /** Once a second: voice activity for "silent the longest", reconnect grace and invitation expiry. */
    public synchronized void tick() {
        List<Producer> microphones = new ArrayList<>();
        for (Participant p : connections.values()) {
            if (p.publication == null) {
                continue;
            }
            for (Publication.Track track : p.publication.tracksByMid.values()) {
                if (track.kind() != TrackKind.MICROPHONE) {
                    continue;
                }
                microphones.add(track.producer());
                long voice = lastVoiceNanos(track.producer());
                if (voice != 0) {
                    stage.reportVoiceActivity(p.id(), voice);
                }
            }
        }
        mediaEvents.retainVoiceOf(microphones);
        deliver(stage.tick());
        members = stage.memberCount();
    }

    /**
     * The voice activity the media loop pushed ({@link RouterEvents#onVoiceActivity}). FALLBACK
     * until the router pushes it: while it never has in this room, the producer's loop-owned
     * field is read from this thread as before (a racy read of a long; remove once pushed).
     */
    private long lastVoiceNanos(Producer microphone) {
        return mediaEvents.lastVoiceNanos(microphone);
    }

    // ---- what the stage decided, carried out ----

    /**
     * The one place where what the stage decided is carried out: every event of every outcome,
     * whatever request caused it, to the media plane and to the clients.
     */
    private void deliver(List<Delivery> deliveries) {
        if (!deliveries.isEmpty()) {
            listener.delivered(name, deliveries);
        }
        boolean ended = false;
        List<Participant> encodersOffStage = new ArrayList<>();
        for (Delivery delivery : deliveries) {
            StageEvent event = delivery.event();
            if (delivery.audience() == Audience.MEDIA_PLANE) {
                applyToMedia(event, encodersOffStage);
                continue;
            }
            for (String id : stage.recipients(delivery.audience())) {
                Participant p = connections.get(id);
                if (p == null) {
                    continue;
                }
                if (event instanceof StageEvent.Admitted admitted) {
                    p.admitted(admitted.snapshot(), dominantSpeaker());
                } else {
                    p.send(event);
                }
            }
            if (event instanceof StageEvent.ParticipantChanged changed) {
                applyMediaState(changed.participant().id());
            } else if (event instanceof StageEvent.Admitted admitted) {
                Participant p = connections.get(admitted.snapshot().you().id());
                if (p != null) {
                    syncSubscription(p);
                    if (p.edgeRelay != null) {
                        edgeMembership++; // out of the lobby: its edge lets it watch
                    }
                }
            } else if (event instanceof StageEvent.ParticipantRemoved removed) {
                Participant p = disconnect(removed.participantId());
                if (p != null) {
                    retire(p, "removed from the room (" + removed.reason().name().toLowerCase() + ")");
                }
            } else if (event instanceof StageEvent.SessionEnded) {
                ended = true;
            } else if (event instanceof StageEvent.SpotlightChanged) {
                priorities.apply(stageTracks(), stage.spotlight());
            } else if (event instanceof StageEvent.SettingsChanged) {
                for (Participant p : connections.values()) {
                    applyLastN(p);
                }
            }
        }
        if (ended) {
            for (Participant p : new ArrayList<>(connections.values())) {
                retire(p, "the session has ended");
            }
            return;
        }
        // A WHIP encoder off the stage has nothing left to do (it cannot watch): its resource ends.
        for (Participant p : encodersOffStage) {
            if (isCurrent(p)) {
                endConnection(p, "moved off the stage");
            }
        }
    }

    private void applyToMedia(StageEvent event, List<Participant> encodersOffStage) {
        if (event instanceof StageEvent.PublishPermissionChanged permission && !permission.allowed()) {
            // Off the stage: publishing is revoked now (the media loop drops the transport's next
            // RTP as not_allowed, before it even closes), and the tracks end for everyone.
            Participant p = connections.get(permission.participantId());
            if (p != null && p.publication != null) {
                p.publication.transport.setPublishAllowed(false);
                p.publication.close();
                p.publication = null;
                stageChanged();
            }
            if (p != null && p.via() == Participant.Via.WHIP) {
                encodersOffStage.add(p);
            }
        } else if (event instanceof StageEvent.TrackForcedMute mute) {
            applyMediaState(mute.participantId());
        }
    }

    /** The media plane forwards a track only while its owner has it on (and not forced off). */
    private void applyMediaState(String participantId) {
        Participant p = connections.get(participantId);
        Optional<ParticipantState> state = stage.participant(participantId);
        if (p == null || p.publication == null || state.isEmpty()) {
            return;
        }
        ParticipantState s = state.get();
        for (Publication.Track track : p.publication.tracksByMid.values()) {
            boolean on = switch (track.kind()) {
                case MICROPHONE -> s.microphoneOn() && !s.microphoneForcedOff();
                case CAMERA -> s.cameraOn() && !s.cameraForcedOff();
                case SCREEN -> s.screenSharing();
            };
            track.producer().setMuted(!on);
        }
    }

    /** Every stage track, in publishing order. */
    public synchronized List<StageTrack> stageTracks() {
        List<StageTrack> tracks = new ArrayList<>();
        for (Participant p : connections.values()) {
            if (p.publication != null) {
                for (Publication.Track track : p.publication.tracksByMid.values()) {
                    tracks.add(new StageTrack(p.id(), track.kind(), track.producer()));
                }
            }
        }
        return tracks;
    }

    private void stageChanged() {
        List<StageTrack> tracks = stageTracks();
        announceTracks(tracks);
        for (Participant p : connections.values()) {
            if (p.subscription != null && admitted(p)) {
                p.subscription.sync(tracks);
            }
        }
        priorities.apply(tracks, stage.spotlight());
        news.stageChanged(tracks, admittedConnections());
    }

    /** Tells the listener which stage tracks ended and which appeared since the last change. */
    private void announceTracks(List<StageTrack> tracks) {
        Map<String, StageTrack> now = new LinkedHashMap<>();
        for (StageTrack t : tracks) {
            now.put(t.trackId(), t);
        }
        for (StageTrack gone : List.copyOf(announcedTracks.values())) {
            if (!now.containsKey(gone.trackId())) {
                announcedTracks.remove(gone.trackId());
                listener.trackUnpublished(name, gone.participantId(), gone.trackId(), gone.kind());
            }
        }
        for (StageTrack t : tracks) {
            if (announcedTracks.putIfAbsent(t.trackId(), t) == null) {
                listener.trackPublished(name, t.participantId(), t.trackId(), t.kind());
            }
        }
    }

    // ---- selective forwarding: what viewers show, who speaks, which layers are needed ----

    /** {@code media.viewport}: what this web client shows of the tracks it receives. */
    public synchronized void showViewports(Participant p, List<Viewport> views) throws SignalingException {
        requireCurrent(p);
        if (p.subscription == null) {
            return;
        }
        for (Viewport view : views) {
            p.subscription.show(view);
        }
    }

    /** The last viewport reported for one received track (tests); null if it does not receive it. */
    synchronized Viewport viewportOf(String participantId, String trackId) {
        Participant p = connections.get(participantId);
        return p == null || p.subscription == null ? null : p.subscription.viewOf(trackId);
    }

    /** The last-N given to the media plane for this participant's subscriber transport, 0 if none. */
    public synchronized int lastNOf(String participantId) {
        Participant p = connections.get(participantId);
        return p == null ? 0 : p.appliedLastN;
    }

    /** The priority last given to a stage track's producer (tests), null if none. */
    synchronized io.stagecast.sfu.bwe.TrackPriority priorityOf(Producer producer) {
        return priorities.applied(producer);
    }

    /**
     * The room's {@code lastN}, capped for phones (a WHEP viewer has the room's value: it says
     * nothing about its screen). Sent to the media plane only when it changes.
     */
    private void applyLastN(Participant p) {
        if (p.subscription == null) {
            return;
        }
        int roomSetting = stage.settings().lastN();
        boolean phone = p.via() == Participant.Via.WEBSOCKET
                && stage.participant(p.id()).map(ParticipantState::mobile).orElse(false);
        int n = lastN.forViewer(roomSetting, phone);
        if (n != p.appliedLastN) {
            router.setLastN(p.subscription.transport(), n);
            p.appliedLastN = n;
        }
    }

    private synchronized void dominantSpeakerChanged(Producer audioOrNull) {
        news.speakerChanged(audioOrNull, stageTracks(), admittedConnections());
    }

    private DominantSpeaker dominantSpeaker() {
        return news.dominantSpeaker(stageTracks());
    }

    /** The layers of a simulcast track some viewer needs: to its publisher's web app ({@code media.layers}). */
    private synchronized void layerDemandChanged(Producer producer, List<Boolean> needed) {
        MediaNews.layersNeeded(producer, needed, connections.values());
    }

    /** Connections of people past the lobby: who hears the room's media news. */
    private List<Participant> admittedConnections() {
        List<Participant> admitted = new ArrayList<>();
        for (Participant p : connections.values()) {
            if (admitted(p)) {
                admitted.add(p);
            }
        }
        return admitted;
    }

    /**
     * The operator's report of what is forwarded to one participant (docs/protocol.md, media
     * debug): for a moderator of this room holding a reusable token (a single-use link stands for
     * one person's entry, not for operating the room), like deleting others' WHIP/WHEP resources.
     */
    public synchronized CompletableFuture<ObjectNode> mediaReport(JoinGrant grant, String participantId)
            throws SignalingException {
        if (!isModerator(grant) || grant.singleUse()) {
            throw SignalingException.forbidden("only a moderator of room " + name + " (with a reusable token) may see this");
        }
        return mediaReport(participantId);
    }

    /** {@code media.debug}: the same for a moderator in the room. */
    public synchronized CompletableFuture<ObjectNode> mediaReport(Participant actor, String participantId)
            throws SignalingException {
        requireCurrent(actor);
        if (stage.participant(actor.id()).map(s -> s.role() != Role.MODERATOR).orElse(true)) {
            throw SignalingException.forbidden("only moderators see the media report");
        }
        return mediaReport(participantId);
    }

    private CompletableFuture<ObjectNode> mediaReport(String participantId) throws SignalingException {
        Participant p = connections.get(participantId);
        if (p != null && p.subscription == null && p.edgeRelay != null && p.via() != Participant.Via.WHIP) {
            return edgeReports.report(name, p.edgeRelay, participantId); // it watches at an edge: the edge reports
        }
        if (p == null || p.subscription == null) {
            throw new SignalingException(SignalingException.Code.NOT_FOUND,
                    "no participant " + participantId + " receives media in room " + name);
        }
        Map<String, StageTrack> tracks = new LinkedHashMap<>();
        for (StageTrack track : stageTracks()) {
            tracks.put(track.producer().id(), track);
        }
        int applied = p.appliedLastN;
        // The report completes on the media loop; the JSON is made on the signaling thread.
        return router.subscriberReport(p.subscription.transport())
                .thenApplyAsync(report -> SubscriberReportJson.of(participantId, applied, report, tracks), executor);
    }

    private void syncSubscription(Participant p) {
        if (p.subscription != null && admitted(p)) {
            p.subscription.sync(stageTracks());
        }
    }

    /** Lobby members see nothing of the stage until the session starts. */
    private boolean admitted(Participant p) {
        return stage.participant(p.id()).map(s -> s.place() != Place.LOBBY).orElse(false);
    }

    /** Ends a connection's media and its channel; the stage decides separately about the person. */
    private void retire(Participant p, String reason) {
        if (p.gone) {
            return;
        }
        p.gone = true;
        if (connections.get(p.id()) == p) {
            disconnect(p.id());
        }
        if (p.resource != null) {
            resources.release(p.resource);
        }
        boolean wasPublishing = p.isPublishing();
        p.closeMedia();
        if (p.channel() != null) {
            p.channel().close(reason);
        }
        log.info("{} connection to {} ended: {}", p.id(), name, reason);
        if (wasPublishing) {
            stageChanged();
        }
    }

    /**
     * A transport's own end (consent expired, DTLS failed) ends its connection like a closed
     * socket. A transport the room closed itself (publishing revoked, unpublish, a replaced
     * connection) is no longer the participant's, and its end changes nothing more.
     */
    private TransportListener closedWith(Participant p) {
        return new TransportListener() {
            @Override
            public void onClosed(Transport transport, String why) {
                // On the transport's media loop: only queued (RoomMediaEvents), handled below on
                // the rooms' thread, since this room's lock may be held for as long as SDP takes.
                mediaEvents.onTransportClosed(p, transport, why);
            }
        };
    }

    /** A transport's end, off the media loop: see {@link #closedWith}. */
    private synchronized void transportClosed(Participant p, Transport transport, String why) {
        if (!isCurrent(p) || !p.uses(transport)) {
            return;
        }
        if (p.via() == Participant.Via.WEBSOCKET) {
            connectionClosed(p);
        } else {
            endConnection(p, "transport closed (" + why + ")");
        }
    }

    private boolean isCurrent(Participant p) {
        return !p.gone && connections.get(p.id()) == p;
    }

    private void requireCurrent(Participant p) throws SignalingException {
        if (!isCurrent(p)) {
            throw new SignalingException(SignalingException.Code.INVALID_STATE, "not in room " + name);
        }
    }

    /** The connection a join just made for this participant id. */
    public synchronized Participant participantFor(String participantId) {
        return connections.get(participantId);
    }

    public synchronized boolean isMember(Participant p) {
        return isCurrent(p);
    }

    private void require(Outcome outcome) throws SignalingException {
        if (outcome instanceof Outcome.Refused refused) {
            caps.count(refused.cap());
            throw new SignalingException(codeOf(refused), refused.message());
        }
    }

    private static SignalingException.Code codeOf(Outcome.Refused refused) {
        return switch (refused.code()) {
            case FORBIDDEN -> SignalingException.Code.FORBIDDEN;
            case INVALID_STATE -> SignalingException.Code.INVALID_STATE;
            case NOT_FOUND -> SignalingException.Code.NOT_FOUND;
            case RATE_LIMITED -> SignalingException.Code.RATE_LIMITED;
            case BAD_REQUEST -> SignalingException.Code.BAD_REQUEST;
            case INVALID_NAME -> SignalingException.Code.INVALID_NAME;
            case ROOM_FULL -> SignalingException.Code.ROOM_FULL;
        };
    }

    /** An offer, or {@code bad_request} (also an edge's WHEP offers: {@link EdgeRoom}). */
    static SessionDescription parse(String sdp) throws SignalingException {
        if (sdp == null || sdp.isBlank()) {
            throw SignalingException.badRequest("an SDP offer is required");
        }
        try {
            return SessionDescription.parse(sdp);
        } catch (SdpParseException e) {
            throw SignalingException.badRequest("invalid SDP: " + e.getMessage());
        }
    }

    /** A node-wide message (in wire form) for every participant with a connection, in the lobby too. */
    synchronized void tellEveryone(ObjectNode event) {
        for (Participant p : connections.values()) {
            p.send(event.deepCopy());
        }
    }

    synchronized void close() {
        for (Participant p : new ArrayList<>(connections.values())) {
            retire(p, "room closed");
        }
        announceTracks(List.of());
        router.close();
    }
}
