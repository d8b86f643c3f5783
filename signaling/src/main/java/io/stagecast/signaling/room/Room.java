package io.stagecast.signaling.room;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecast.sfu.MediaNode;
import io.stagecast.sfu.router.Producer;
import io.stagecast.sfu.router.Router;
import io.stagecast.sfu.transport.Transport;
import io.stagecast.sfu.transport.TransportListener;
import io.stagecast.signaling.SignalingException;
import io.stagecast.signaling.media.PublishNegotiation;
import io.stagecast.signaling.media.TransportDescription;
import io.stagecast.signaling.media.WhepNegotiation;
import io.stagecast.signaling.sdp.SdpParseException;
import io.stagecast.signaling.sdp.SessionDescription;
import io.stagecast.signaling.token.JoinGrant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A room: its participants, what is on stage, and who receives it. Every method runs under the
 * room's lock, checks permission first and changes state only once nothing can be refused any
 * more. Media-plane calls made here only queue work on the media loop, so the lock is never held
 * while waiting for it.
 */
public final class Room {
    private static final Logger log = LoggerFactory.getLogger(Room.class);

    private final String name;
    private final MediaNode node;
    private final Router router;
    private final Map<String, Participant> participants = new LinkedHashMap<>();

    Room(String name, MediaNode node) {
        this.name = name;
        this.node = node;
        this.router = node.createRouter(name);
    }

    public String name() {
        return name;
    }

    public synchronized int size() {
        return participants.size();
    }

    public synchronized Collection<Participant> participants() {
        return List.copyOf(participants.values());
    }

    /** A web client joins: it will receive every stage track through a renegotiated session. */
    public synchronized Participant join(JoinGrant grant, ClientChannel channel) throws SignalingException {
        Participant existing = participants.get(grant.participantId());
        if (existing != null) {
            // Same identity again (a reload): the newest connection wins.
            removeNow(existing, "replaced by a new connection");
        }
        Participant p = new Participant(grant.participantId(), grant.displayName(), grant.role(), grant.mayPublish(),
                Participant.Via.WEBSOCKET, channel);
        Transport transport = node.createTransport(leaveWhenClosed(p, "receive transport closed"));
        p.subscription = new RenegotiatingSubscription(p, transport, TransportDescription.of(transport, node), router);
        participants.put(p.id(), p);
        broadcastExcept(p, event("participantJoined").set("participant", p.toJson()));
        log.info("{} joined {} as {}", p.id(), name, p.role().wireName());
        return p;
    }

    /** Called right after the join reply went out, so the first offer follows it. */
    public synchronized void startReceiving(Participant p) {
        if (participants.get(p.id()) == p && p.subscription != null) {
            p.subscription.sync(stageTracks());
        }
    }

    public synchronized ArrayNode participantsJson() {
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        for (Participant p : participants.values()) {
            list.add(p.toJson());
        }
        return list;
    }

    /** Publish (or re-publish) tracks: the participant's offer in, our answer out. */
    public synchronized String publish(Participant p, String offerSdp) throws SignalingException {
        requireMember(p);
        if (!p.mayPublish()) {
            throw SignalingException.forbidden("your role does not allow publishing to the stage");
        }
        SessionDescription offer = parse(offerSdp);
        Transport transport = p.publication != null ? p.publication.transport
                : node.createTransport(leaveWhenClosed(p, "publish transport closed"));
        PublishNegotiation.Result result;
        try {
            result = PublishNegotiation.answer(offer, TransportDescription.of(transport, node));
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
            if (!publication.producersByMid.containsKey(track.mid())) {
                publication.producersByMid.put(track.mid(), router.createProducer(transport, track.spec()));
            }
        }
        publication.producersByMid.entrySet().removeIf(e -> {
            boolean gone = !offeredMids.contains(e.getKey());
            if (gone) {
                e.getValue().close();
            }
            return gone;
        });
        stageChanged();
        return result.answer().write();
    }

    /** Stops everything the participant publishes. */
    public synchronized void unpublish(Participant p) throws SignalingException {
        requireMember(p);
        if (p.publication != null) {
            p.publication.close();
            p.publication = null;
            stageChanged();
        }
    }

    public synchronized void subscriberAnswer(Participant p, String sdp, long revision) throws SignalingException {
        requireMember(p);
        if (!(p.subscription instanceof RenegotiatingSubscription subscription)) {
            throw new SignalingException(SignalingException.Code.INVALID_STATE, "this participant has no subscriber session");
        }
        subscription.onAnswer(sdp, revision);
    }

    /** WHIP (RFC 9725): a publisher without a WebSocket. Returns the answer. */
    public synchronized String whipPublish(JoinGrant grant, String resourceId, String offerSdp) throws SignalingException {
        if (!grant.mayPublish()) {
            throw SignalingException.forbidden("this token does not allow publishing to the stage");
        }
        Participant p = new Participant(resourceId, grant.displayName(), grant.role(), true, Participant.Via.WHIP, null);
        participants.put(p.id(), p);
        try {
            return publish(p, offerSdp);
        } catch (SignalingException e) {
            participants.remove(p.id());
            throw e;
        }
    }

    /** WHEP: a viewer without a WebSocket. Returns the answer. */
    public synchronized String whepView(JoinGrant grant, String resourceId, String offerSdp) throws SignalingException {
        SessionDescription offer = parse(offerSdp);
        Participant p = new Participant(resourceId, grant.displayName(), grant.role(), false, Participant.Via.WHEP, null);
        Transport transport = node.createTransport(leaveWhenClosed(p, "WHEP transport closed"));
        WhepNegotiation.Result result;
        try {
            result = WhepNegotiation.answer(offer, TransportDescription.of(transport, node));
        } catch (SignalingException e) {
            transport.close();
            throw e;
        }
        transport.setRemoteDtls(result.remoteDtls());
        p.subscription = new WhepSubscription(transport, router, result.slots());
        participants.put(p.id(), p);
        p.subscription.sync(stageTracks());
        return result.answer().write();
    }

    /** DELETE of a WHIP/WHEP resource, or a WebSocket that closed. */
    public synchronized boolean leave(String participantId, String reason) {
        Participant p = participants.get(participantId);
        if (p == null) {
            return false;
        }
        removeNow(p, reason);
        return true;
    }

    public synchronized void leave(Participant p, String reason) {
        if (participants.get(p.id()) == p) {
            removeNow(p, reason);
        }
    }

    public synchronized boolean isMember(Participant p) {
        return participants.get(p.id()) == p;
    }

    private void removeNow(Participant p, String reason) {
        participants.remove(p.id());
        boolean wasPublishing = p.isPublishing();
        if (p.publication != null) {
            p.publication.close();
            p.publication = null;
        }
        if (p.subscription != null) {
            p.subscription.close();
            p.subscription = null;
        }
        if (p.channel() != null) {
            p.channel().close(reason);
        }
        log.info("{} left {}: {}", p.id(), name, reason);
        broadcastExcept(p, event("participantLeft").put("participantId", p.id()));
        if (wasPublishing) {
            stageChanged();
        }
    }

    /** Every stage track, in publishing order. */
    public synchronized List<StageTrack> stageTracks() {
        List<StageTrack> tracks = new ArrayList<>();
        for (Participant p : participants.values()) {
            if (p.publication != null) {
                for (Producer producer : p.publication.producersByMid.values()) {
                    tracks.add(new StageTrack(p.id(), producer));
                }
            }
        }
        return tracks;
    }

    private void stageChanged() {
        List<StageTrack> tracks = stageTracks();
        for (Participant p : participants.values()) {
            if (p.subscription != null) {
                p.subscription.sync(tracks);
            }
        }
        ArrayNode publishing = JsonNodeFactory.instance.arrayNode();
        for (Participant p : participants.values()) {
            if (p.isPublishing()) {
                publishing.add(p.id());
            }
        }
        ObjectNode stage = event("stage");
        stage.set("publishing", publishing);
        broadcastExcept(null, stage);
    }

    /** The room learns of a transport's end from the media loop and removes its participant. */
    private TransportListener leaveWhenClosed(Participant p, String reason) {
        return new TransportListener() {
            @Override
            public void onClosed(Transport transport, String why) {
                leave(p, reason + " (" + why + ")");
            }
        };
    }

    private void requireMember(Participant p) throws SignalingException {
        if (participants.get(p.id()) != p) {
            throw new SignalingException(SignalingException.Code.INVALID_STATE, "not in room " + name);
        }
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

    private void broadcastExcept(Participant except, ObjectNode event) {
        for (Participant p : participants.values()) {
            if (p != except) {
                p.send(event);
            }
        }
    }

    static ObjectNode event(String name) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("event", name);
        return node;
    }

    void close() {
        for (Participant p : new ArrayList<>(participants.values())) {
            removeNow(p, "room closed");
        }
        router.close();
    }
}
