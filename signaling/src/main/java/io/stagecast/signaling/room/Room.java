package io.stagecast.signaling.room;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecast.sfu.MediaNode;
import io.stagecast.sfu.router.MediaKind;
import io.stagecast.sfu.router.Router;
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
import io.stagecast.signaling.stage.StageEvent;
import io.stagecast.signaling.stage.StageLimits;
import io.stagecast.signaling.stage.StageRoom;
import io.stagecast.signaling.stage.StageSettings;
import io.stagecast.signaling.stage.TrackKind;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.Role;
import io.stagecast.signaling.ws.StageJson;
import io.stagecast.signaling.ws.StageRequests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A room: the stage rules ({@link StageRoom}, the authority on who is where and may do what) and
 * the media that follows them (who publishes, who receives). Every method runs under the room's
 * lock; the stage model refuses before anything changes, and the media plane is only told what
 * the model decided. Media-plane calls only queue work on the media loop, so the lock is never
 * held while waiting for it.
 */
public final class Room {
    private static final Logger log = LoggerFactory.getLogger(Room.class);

    private final String name;
    private final MediaNode node;
    private final Router router;
    private final StageRoom stage;
    private final Map<String, Participant> connections = new LinkedHashMap<>();

    Room(String name, MediaNode node, StageLimits limits) {
        this.name = name;
        this.node = node;
        this.router = node.createRouter(name);
        this.stage = new StageRoom(name, StageSettings.DEFAULTS, limits, Clock.systemUTC(), System::nanoTime);
    }

    public String name() {
        return name;
    }

    /** Nobody is connected and nobody is waiting to reconnect: the room holds only history. */
    public synchronized boolean isIdle() {
        return connections.isEmpty() && stage.participants().isEmpty() && stage.lobbySize() == 0;
    }

    /** Participants with a live connection (web, WHIP or WHEP). */
    public synchronized int size() {
        return connections.size();
    }

    public synchronized Optional<ParticipantState> state(String participantId) {
        return stage.participant(participantId);
    }

    // ---- the web client ----

    /**
     * A web client joins (or comes back within the reconnect grace with the same identity).
     * Returns the join response: the room snapshot plus who the client is.
     */
    public synchronized ObjectNode join(JoinGrant grant, String chosenName, ClientChannel channel, boolean mobile,
                                        boolean wantsStage) throws SignalingException {
        String id = grant.participantId();
        if (wantsStage && grant.viewOnly()) {
            throw SignalingException.forbidden("this link is view-only");
        }
        boolean returning = stage.participant(id).isPresent();
        String displayName = chosenName != null ? chosenName : grant.displayName() == null ? "Guest" : grant.displayName();
        Outcome outcome = returning ? stage.reconnect(id) : stage.join(id, displayName, grant.role(), mobile, wantsStage);
        require(outcome);
        Participant previous = connections.remove(id);
        if (previous != null) {
            // A reload: the newest connection wins; the old one's media ends quietly.
            retire(previous, "replaced by a new connection");
        }
        Participant p = new Participant(id, grant.viewOnly(), Participant.Via.WEBSOCKET, channel);
        Transport transport = node.createTransport(closedWith(p));
        p.subscription = new RenegotiatingSubscription(p, transport, TransportDescription.of(transport, node), router);
        connections.put(id, p);
        deliver(outcome.deliveries());
        log.info("{} {} {} as {}", id, returning ? "rejoined" : "joined", name, grant.role().wireName());
        ObjectNode data = StageJson.snapshot(stage.snapshot(id));
        data.put("participantId", id);
        data.put("name", stage.participant(id).map(ParticipantState::name).orElse(displayName));
        data.put("role", grant.role().wireName());
        data.put("viewOnly", grant.viewOnly());
        data.put("mayPublish", !grant.viewOnly());
        if (grant.role() == Role.MODERATOR) {
            data.put("lobbyWaiting", stage.lobbySize());
        }
        return data;
    }

    /** Called right after the join response went out, so the first offer follows it. */
    public synchronized void startReceiving(Participant p) {
        if (isCurrent(p)) {
            syncSubscription(p);
        }
    }

    /** Any stage, chat, hand, reaction or poll request (docs/protocol.md). */
    public synchronized ObjectNode act(Participant p, String type, JsonNode request) throws SignalingException {
        requireCurrent(p);
        if (p.viewOnly() && StageRequests.leadsToStage(type)) {
            throw SignalingException.forbidden("this link is view-only");
        }
        Outcome outcome = StageRequests.dispatch(stage, p.id(), type, request);
        require(outcome);
        deliver(outcome.deliveries());
        if (type.equals("room.leave")) {
            retire(p, "left the room");
        }
        return null;
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
        if (p.publication == null) {
            p.publication = new Publication(transport);
            transport.setPublishAllowed(true);
        }
        Publication publication = p.publication;
        if (!publication.remoteDtlsSet) {
            transport.setRemoteDtls(result.remoteDtls());
            publication.remoteDtlsSet = true;
        }
        Set<String> offeredMids = new HashSet<>();
        for (PublishNegotiation.Track track : result.tracks()) {
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
        return result.answer().write();
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

    /** WHIP (RFC 9725): an encoder goes on stage with camera and microphone on. Returns the answer. */
    public synchronized String whipPublish(JoinGrant grant, String resourceId, String offerSdp) throws SignalingException {
        if (!grant.mayPublish()) {
            throw SignalingException.forbidden("this token does not allow publishing to the stage");
        }
        SessionDescription parsed = parse(offerSdp);
        String displayName = grant.displayName() == null ? "WHIP" : grant.displayName();
        require(stage.join(resourceId, displayName, grant.role(), false, true));
        List<Delivery> deliveries = new ArrayList<>();
        deliveries.addAll(stage.setMicrophone(resourceId, true).deliveries());
        deliveries.addAll(stage.setCamera(resourceId, true).deliveries());
        Participant p = new Participant(resourceId, false, Participant.Via.WHIP, null);
        connections.put(resourceId, p);
        try {
            String answer = negotiatePublish(p, parsed.write(), Map.of(), stage.participant(resourceId).orElseThrow());
            deliver(deliveries);
            return answer;
        } catch (SignalingException e) {
            connections.remove(resourceId);
            stage.leave(resourceId);
            throw e;
        }
    }

    /** WHEP: a viewer without a WebSocket. Returns the answer. */
    public synchronized String whepView(JoinGrant grant, String resourceId, String offerSdp) throws SignalingException {
        SessionDescription offer = parse(offerSdp);
        Participant p = new Participant(resourceId, true, Participant.Via.WHEP, null);
        Transport transport = node.createTransport(closedWith(p));
        WhepNegotiation.Result result;
        try {
            result = WhepNegotiation.answer(offer, TransportDescription.of(transport, node));
        } catch (SignalingException e) {
            transport.close();
            throw e;
        }
        Outcome joined = stage.join(resourceId, grant.displayName() == null ? "WHEP" : grant.displayName(),
                grant.role(), false, false);
        if (!joined.ok()) {
            transport.close();
            require(joined);
        }
        transport.setRemoteDtls(result.remoteDtls());
        p.subscription = new WhepSubscription(transport, router, result.slots());
        connections.put(resourceId, p);
        deliver(joined.deliveries());
        syncSubscription(p);
        return result.answer().write();
    }

    /** DELETE of a WHIP/WHEP resource: it leaves the room. */
    public synchronized boolean leave(String participantId, String reason) {
        Participant p = connections.get(participantId);
        if (p == null) {
            return false;
        }
        retire(p, reason);
        if (stage.participant(participantId).isPresent()) {
            deliver(stage.leave(participantId).deliveries());
        }
        return true;
    }

    // ---- timers ----

    /** Once a second: voice activity for "silent the longest", reconnect grace and invitation expiry. */
    public synchronized void tick() {
        for (Participant p : connections.values()) {
            if (p.publication == null) {
                continue;
            }
            for (Publication.Track track : p.publication.tracksByMid.values()) {
                long voice = track.kind() == TrackKind.MICROPHONE ? track.producer().lastVoiceNanos() : 0;
                if (voice != 0) {
                    stage.reportVoiceActivity(p.id(), voice);
                }
            }
        }
        deliver(stage.tick());
    }

    // ---- what the stage decided, carried out ----

    private void deliver(List<Delivery> deliveries) {
        boolean ended = false;
        for (Delivery delivery : deliveries) {
            StageEvent event = delivery.event();
            if (delivery.audience() == Audience.MEDIA_PLANE) {
                applyToMedia(event);
                continue;
            }
            ObjectNode json = StageJson.event(event);
            for (String id : stage.recipients(delivery.audience())) {
                Participant p = connections.get(id);
                if (p != null) {
                    p.send(json);
                }
            }
            if (event instanceof StageEvent.ParticipantChanged changed) {
                applyMediaState(changed.participant().id());
            } else if (event instanceof StageEvent.Admitted admitted) {
                Participant p = connections.get(admitted.snapshot().you().id());
                if (p != null) {
                    syncSubscription(p);
                }
            } else if (event instanceof StageEvent.ParticipantRemoved removed) {
                Participant p = connections.remove(removed.participantId());
                if (p != null) {
                    retire(p, "removed from the room (" + removed.reason().name().toLowerCase() + ")");
                }
            } else if (event instanceof StageEvent.SessionEnded) {
                ended = true;
            }
        }
        if (ended) {
            for (Participant p : new ArrayList<>(connections.values())) {
                retire(p, "the session has ended");
            }
        }
    }

    private void applyToMedia(StageEvent event) {
        if (event instanceof StageEvent.PublishPermissionChanged permission && !permission.allowed()) {
            // Off the stage: publishing is revoked now, the next packet is dropped, tracks end for all.
            Participant p = connections.get(permission.participantId());
            if (p != null && p.publication != null) {
                p.publication.close();
                p.publication = null;
                stageChanged();
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
        for (Participant p : connections.values()) {
            if (p.subscription != null && admitted(p)) {
                p.subscription.sync(tracks);
            }
        }
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
            connections.remove(p.id());
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

    /** A transport's end (consent expired, DTLS failed) ends its connection like a closed socket. */
    private TransportListener closedWith(Participant p) {
        return new TransportListener() {
            @Override
            public void onClosed(Transport transport, String why) {
                synchronized (Room.this) {
                    if (!isCurrent(p)) {
                        return;
                    }
                    if (p.via() == Participant.Via.WEBSOCKET) {
                        connectionClosed(p);
                    } else {
                        leave(p.id(), "transport closed (" + why + ")");
                    }
                }
            }
        };
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

    private static void require(Outcome outcome) throws SignalingException {
        if (outcome instanceof Outcome.Refused refused) {
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
        };
    }

    private static SessionDescription parse(String sdp) throws SignalingException {
        if (sdp == null || sdp.isBlank()) {
            throw SignalingException.badRequest("an SDP offer is required");
        }
        try {
            return SessionDescription.parse(sdp);
        } catch (SdpParseException e) {
            throw SignalingException.badRequest("invalid SDP: " + e.getMessage());
        }
    }

    synchronized void close() {
        for (Participant p : new ArrayList<>(connections.values())) {
            retire(p, "room closed");
        }
        router.close();
    }
}
