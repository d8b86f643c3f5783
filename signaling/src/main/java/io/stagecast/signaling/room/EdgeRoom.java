package io.stagecast.signaling.room;

import io.stagecast.sfu.MediaNode;
import io.stagecast.sfu.router.Producer;
import io.stagecast.sfu.router.Router;
import io.stagecast.sfu.srtp.SrtpMasterKeys;
import io.stagecast.sfu.srtp.SrtpProfile;
import io.stagecast.sfu.transport.Transport;
import io.stagecast.sfu.transport.TransportListener;
import io.stagecast.signaling.SignalingException;
import io.stagecast.signaling.media.TransportDescription;
import io.stagecast.signaling.media.WhepNegotiation;
import io.stagecast.signaling.relay.RelayClient;
import io.stagecast.signaling.relay.RelayWire;
import io.stagecast.signaling.sdp.SessionDescription;
import io.stagecast.signaling.token.JoinGrant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Another node's room as this node serves its WHEP viewers and WHIP encoders (issue 14, item 3):
 * a router of its own, fed by one relay from the room's origin (this end's relay transport on a
 * socket of its own; {@link OriginRelays} is the other end), a producer here per stage track
 * there ({@link RelayedStage}), and the viewers' {@link WhepSubscription}s over them, each with this node's own
 * allocation; an encoder here sends to the origin over an uplink of its own ({@link
 * EdgePublisher}); who is here is {@link EdgeMembers}. The stage
 * is polled when the origin says it changed, when the viewers here come to need a layer, and every
 * 500 ms ({@link EdgeRooms}), one poll at a time, each saying which simulcast layers the viewers
 * here need (the origin relays only those); the stage's changes rebind the viewers' slots as on
 * the origin. Made on the first viewer or encoder, closed with the last one, or when the origin drops it (the
 * room ended or moved, or the origin is gone for 10 s: its viewers' transports close, and a WHEP
 * player POSTs again). Guarded by its monitor; nothing here blocks (the media plane's calls hop
 * onto its loops, the origin's calls are asynchronous).
 */
final class EdgeRoom {
    private static final Logger log = LoggerFactory.getLogger(EdgeRoom.class);
    static final long ORIGIN_LOST_NANOS = 10_000_000_000L;

    final String name;
    private final String originUrl;
    private final EdgeRooms edges;
    private final MediaNode node;
    private final Router router;
    private final Transport relay;
    private final SrtpMasterKeys keys = SrtpMasterKeys.random(SrtpProfile.AEAD_AES_128_GCM);
    private final RelayedStage relayed;
    private final EdgeMembers members = new EdgeMembers();
    /** What a notice of the origin runs (one object, so that it can be unsubscribed). */
    final Runnable onNotice = this::pollSoon;
    /** A poll is queued on the control thread by {@link #pollSoon} and has not started. */
    private final java.util.concurrent.atomic.AtomicBoolean pollQueued = new java.util.concurrent.atomic.AtomicBoolean();
    /** Under the monitor: one poll at a time (answers applied in order), another asked for meanwhile. */
    private boolean polling;
    private boolean pollAgain;
    /** Completes when the origin answered the relay's opening (exceptionally when it refused). */
    final CompletableFuture<Void> opened = new CompletableFuture<>();
    private String relayId;
    private String nodeId;
    /** The origin's count of its edge participants' changes in the last answer with their lists (null: none yet). */
    private Long membershipSeen;
    private long lastAnswerNanos = System.nanoTime();
    private boolean closed;
    /** Web clients' joins through this room not answered yet ({@link #webJoining}). */
    private int joiningWeb;

    EdgeRoom(String name, String originUrl, EdgeRooms edges, MediaNode node) throws InterruptedException {
        this.name = name;
        this.originUrl = originUrl;
        this.edges = edges;
        this.node = node;
        this.router = node.createRouter(name);
        router.setEvents(new io.stagecast.sfu.router.RouterEvents() {
            @Override
            public void onLayerDemand(Producer producer, List<Boolean> needed) {
                // On a media loop. A layer needed now that was not: ask for it at once (a viewer
                // upgrades within a round trip, not the rest of a poll period); one needed no more
                // can wait for the next poll.
                if (relayed.demandChanged(producer, needed)) {
                    pollSoon();
                }
            }
        });
        this.relay = node.createRelayTransport(new TransportListener() {
            @Override
            public void onClosed(Transport t, String reason) {
                edges.control().execute(() -> close("the relay closed: " + reason));
            }
        }, true);
        relay.setPublishAllowed(true);
        this.relayed = new RelayedStage(router, relay);
    }

    /** Asks the origin for the relay; {@link #opened} completes with its answer. */
    void open(RelayClient client, String nodeId) {
        this.nodeId = nodeId;
        String host = node.announcedAddresses().get(0).getHostAddress();
        client.open(originUrl, name, RelayWire.Open.of(nodeId, host, relay.localPort(), keys)).whenComplete((state, failure) -> {
            if (failure != null) {
                opened.completeExceptionally(failure);
                close("the origin refused the relay: " + failure.getMessage());
                return;
            }
            try {
                synchronized (this) {
                    relayId = state.relay();
                    relay.connectRelay(new InetSocketAddress(InetAddress.getByName(state.host()), state.port()), keys);
                    apply(state);
                }
                opened.complete(null);
            } catch (java.io.IOException | RuntimeException e) {
                opened.completeExceptionally(e);
                close("the origin's answer was unusable: " + e);
            }
        });
    }

    /** The origin's room admits a viewer by its join token: its participant id there (on a relay thread). */
    CompletableFuture<RelayWire.Admitted> admit(String token) {
        String id;
        synchronized (this) {
            if (closed || relayId == null) {
                return CompletableFuture.failedFuture(new SignalingException(SignalingException.Code.UNAVAILABLE,
                        "the relay of room " + name + " just closed: try again"));
            }
            id = relayId;
        }
        return edges.client().admit(originUrl, name, id, token);
    }

    /**
     * A WHIP encoder here (on a relay thread): its offer is answered here, then the origin's room
     * puts it on stage by its {@code token} and agrees to the uplink; the answer once it did.
     */
    CompletableFuture<MediaAnswer> whip(JoinGrant grant, String token, String identityKey, String offerSdp) {
        String id;
        EdgePublisher media;
        try {
            synchronized (this) {
                if (closed || relayId == null) {
                    throw new SignalingException(SignalingException.Code.UNAVAILABLE, "the relay of room " + name
                            + " just closed: try again");
                }
                id = relayId;
                SessionDescription offer = Room.parse(offerSdp);
                edges.caps().requireTransport(node);
                media = EdgePublisher.negotiate(node, offer, gone -> edges.control().execute(() -> publisherGone(gone)));
            }
        } catch (SignalingException e) {
            return CompletableFuture.failedFuture(e);
        }
        String host = node.announcedAddresses().get(0).getHostAddress();
        return edges.client().publish(originUrl, name, id, media.ask(token, nodeId, host))
                .thenApply(published -> started(media, published, grant, identityKey))
                .whenComplete((answer, failure) -> {
                    if (failure != null) {
                        media.close();
                    }
                });
    }

    /** The origin put the encoder on stage: its resource here, its media started. */
    private synchronized MediaAnswer started(EdgePublisher media, RelayWire.Published published, JoinGrant grant,
                                             String identityKey) {
        try {
            if (closed) {
                throw new SignalingException(SignalingException.Code.UNAVAILABLE, "the relay of room " + name
                        + " just closed: try again");
            }
            MediaResource resource = edges.resources().claim(MediaResource.Kind.WHIP, name, published.participant(),
                    grant, identityKey);
            try {
                media.start(router, published);
            } catch (java.io.IOException | RuntimeException e) {
                edges.resources().release(resource);
                throw new SignalingException(SignalingException.Code.UNAVAILABLE, "the origin's uplink is unusable: " + e);
            }
            members.addPublisher(resource, media, published.participant());
            log.info("{} publishes to {} here, relayed to {}", published.participant(), name, originUrl);
            return new MediaAnswer(resource, media.answer());
        } catch (SignalingException e) {
            left(published.participant());
            throw new java.util.concurrent.CompletionException(e);
        }
    }

    /** One of an encoder's transports closed (its ICE consent ended, or its uplink went silent). */
    private synchronized void publisherGone(EdgePublisher media) {
        MediaResource resource = members.resourceOf(media);
        if (resource != null) {
            leave(resource);
        }
    }

    /** A viewer the origin admitted is gone here (or was never made): the origin is told at once. */
    void left(String originId) {
        synchronized (this) {
            if (closed) {
                return; // the relay's end makes its viewers leave at the origin
            }
            members.leftHere(originId);
        }
        pollSoon();
    }

    /**
     * A poll as soon as the control thread can send it (any thread; never blocks): notices and
     * demand changes coming faster than polls are answered make one poll, not a queue of them.
     */
    void pollSoon() {
        if (pollQueued.compareAndSet(false, true)) {
            try {
                edges.control().execute(() -> {
                    pollQueued.set(false);
                    poll(edges.client());
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                pollQueued.set(false); // the node stops
            }
        }
    }

    /** On the relay-control thread (every 500 ms, and at once when asked): the layers needed here out, the origin's stage now in. */
    void poll(RelayClient client) {
        String id;
        List<String> left;
        Map<String, List<Boolean>> demand;
        synchronized (this) {
            if (closed || relayId == null) {
                return;
            }
            if (polling) {
                pollAgain = true; // sent when the poll in flight is answered, with the demand as it is then
                return;
            }
            polling = true;
            id = relayId;
            left = members.leftSoFar();
            demand = relayed.demand();
        }
        long sentNanos = System.nanoTime();
        Long seen = membershipSeen;
        client.poll(originUrl, name, id, new RelayWire.Poll(demand, left, seen)).whenComplete((state, failure) -> {
            boolean again;
            synchronized (this) {
                try {
                    if (failure == null) {
                        lastAnswerNanos = System.nanoTime();
                        members.told(left);
                        apply(state); // before the next poll may start: answers apply in order
                        if (!closed) {
                            for (MediaResource gone : members.removedAtOrigin(state.viewers(), sentNanos)) {
                                log.info("{} of {} here was removed at the origin", gone.participantId(), name);
                                leave(gone);
                            }
                            for (EdgeWebViewer gone : members.webRemovedAtOrigin(state.viewers(), sentNanos)) {
                                log.info("web client {} of {} here was removed at the origin", gone.originId(), name);
                                gone.end("removed at the room's node");
                                webLeft(gone);
                            }
                            members.letIn(state.waiting(), sentNanos, relayed.tracks());
                        }
                        if (state.viewers() != null) {
                            membershipSeen = state.membership();
                        }
                    }
                } finally {
                    polling = false;
                    again = pollAgain;
                    pollAgain = false;
                }
            }
            if (again) {
                pollSoon();
            }
            if (failure == null) {
                return;
            }
            Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            boolean lost;
            synchronized (this) {
                lost = cause instanceof RelayClient.RelayGone || System.nanoTime() - lastAnswerNanos > ORIGIN_LOST_NANOS;
            }
            if (lost) {
                close("the origin " + (cause instanceof RelayClient.RelayGone ? "dropped the relay (" + cause.getMessage()
                        + ")" : "did not answer for 10 s"));
            }
        });
    }

    /** The stage's tracks as the origin lists them: producers here made and closed to match, viewers rebound. */
    private void apply(RelayWire.State state) {
        if (!closed && relayed.apply(state.tracks())) {
            members.show(relayed.tracks());
        }
    }

    /** A WHEP viewer here: the answer, its slots bound to the relayed tracks. */
    synchronized MediaAnswer whepView(JoinGrant grant, String identityKey, String offerSdp, String originId,
                                      boolean inLobby) throws SignalingException {
        if (closed) {
            throw new SignalingException(SignalingException.Code.UNAVAILABLE, "the relay of room " + name
                    + " just closed: try again");
        }
        SessionDescription offer = Room.parse(offerSdp);
        edges.caps().requireTransport(node);
        MediaResources resources = edges.resources();
        String id = originId; // one id for the viewer at both nodes
        MediaResource resource = resources.claim(MediaResource.Kind.WHEP, name, id, grant, identityKey);
        Transport transport = node.createTransport(new TransportListener() {
            @Override
            public void onClosed(Transport t, String reason) {
                edges.control().execute(() -> leave(resource));
            }
        });
        WhepNegotiation.Result result;
        try {
            result = WhepNegotiation.answer(offer, TransportDescription.of(transport, node));
        } catch (SignalingException e) {
            transport.close();
            resources.release(resource);
            throw e;
        }
        transport.setRemoteDtls(result.remoteDtls());
        WhepSubscription subscription = new WhepSubscription(transport, router, result.slots());
        members.addViewer(resource, subscription, originId, inLobby, relayed.tracks());
        log.info("{} watches {} here, relayed from {}", id, name, originUrl);
        return new MediaAnswer(resource, result.answer().write());
    }

    /**
     * A web client here whose join the origin's room answered ({@code originId} its participant
     * there, {@code waiting} in its lobby): its receiving transport and subscription here. The
     * stage is offered once {@link EdgeWebViewer#start} says the join's response went out.
     */
    synchronized EdgeWebViewer webViewer(String originId, ClientChannel channel, boolean waiting) throws SignalingException {
        if (closed) {
            throw new SignalingException(SignalingException.Code.UNAVAILABLE, "the relay of room " + name
                    + " just closed: try again");
        }
        edges.caps().requireTransport(node);
        Participant owner = new Participant(originId, true, Participant.Via.WEBSOCKET, channel);
        EdgeWebViewer[] made = new EdgeWebViewer[1];
        Transport transport = node.createTransport(new TransportListener() {
            @Override
            public void onClosed(Transport t, String reason) {
                // On a media loop: its consent ended, as a receiving transport's end at the origin
                // ends the connection (the client reconnects).
                edges.control().execute(() -> {
                    EdgeWebViewer viewer = made[0];
                    if (viewer != null) {
                        synchronized (EdgeRoom.this) {
                            viewer.end("transport closed (" + reason + ")");
                        }
                        webLeft(viewer);
                    }
                });
            }
        });
        RenegotiatingSubscription subscription = new RenegotiatingSubscription(owner, transport,
                TransportDescription.of(transport, node), router);
        EdgeWebViewer viewer = new EdgeWebViewer(this, originId, subscription, channel, waiting);
        made[0] = viewer;
        members.addWeb(viewer);
        log.info("web client {} watches {} here, relayed from {}", originId, name, originUrl);
        return viewer;
    }

    /** A web client here is gone (its connection or its passage to the origin closed). */
    void webLeft(EdgeWebViewer viewer) {
        synchronized (this) {
            if (!members.removeWeb(viewer) || closed) {
                return;
            }
            if (!isEmpty()) {
                return; // the origin hears of the connection's end from its own passage
            }
        }
        close("the last one here left");
    }

    /** The stage's tracks here now. */
    synchronized List<StageTrack> stage() {
        return relayed.tracks();
    }

    synchronized void tellWeb(com.fasterxml.jackson.databind.node.ObjectNode event) {
        members.tellWeb(event);
    }

    synchronized int webCount() {
        return members.webCount();
    }

    synchronized int webLastN(String originId) {
        EdgeWebViewer viewer = members.web(originId);
        return viewer == null ? 0 : viewer.appliedLastN();
    }

    /** Caps how many video tracks a web client here receives (the room's lastN, as the origin's room sets it). */
    void setLastN(Transport transport, int n) {
        router.setLastN(transport, n);
    }

    LastNPolicy lastNPolicy() {
        return edges.lastN();
    }

    /**
     * What this node forwards to viewer {@code originId} (its participant id at the origin) of
     * relay {@code relay}: the origin asks it for a moderator's {@code media.debug} or an
     * operator's debug URL, since the viewer's media is here. The report completes on the media
     * loop; its JSON is made on {@code json}. {@code not_found} for a relay or viewer not here.
     */
    synchronized CompletableFuture<com.fasterxml.jackson.databind.node.ObjectNode> viewerReport(
            String asked, String originId, java.util.concurrent.Executor json) throws SignalingException {
        CompletableFuture<io.stagecast.sfu.router.SubscriberReport> report =
                asked == null || !asked.equals(relayId) ? null : members.report(router, originId);
        if (report == null) {
            throw new SignalingException(SignalingException.Code.NOT_FOUND,
                    "no viewer " + originId + " of that relay of room " + name + " here");
        }
        Map<String, StageTrack> byProducer = relayed.byProducer();
        int applied = webLastN(originId);
        return report.thenApplyAsync(r -> SubscriberReportJson.of(originId, applied, r, byProducer), json);
    }

    /** The relay's id at the origin once it opened (null before). */
    synchronized String relayId() {
        return relayId;
    }

    /** DELETE of a viewer's or an encoder's resource: by the token that made it (a moderator's power stays at the origin). */
    synchronized void delete(MediaResource.Kind kind, String secret, JoinGrant grant) throws SignalingException {
        MediaResource resource = resource(kind, secret);
        if (resource == null) {
            throw new SignalingException(SignalingException.Code.NOT_FOUND, "no such " + kind.path() + " resource");
        }
        if (!resource.createdBy(grant)) {
            throw SignalingException.forbidden("only the token that created this " + kind.path() + " resource may end it here");
        }
        leave(resource);
    }

    /** The resource of that kind and secret here, or null. */
    synchronized MediaResource resource(MediaResource.Kind kind, String secret) {
        return members.resource(kind, secret);
    }

    private synchronized void leave(MediaResource resource) {
        String originId = members.remove(resource);
        if (originId == null) {
            return;
        }
        edges.resources().release(resource);
        if (isEmpty()) {
            close("the last one here left"); // the relay's end makes it leave at the origin
        } else {
            members.leftHere(originId);
            pollSoon();
        }
    }

    /** No viewer and no encoder here. */
    synchronized boolean isEmpty() {
        return members.isEmpty() && joiningWeb == 0;
    }

    /**
     * A web client's join through this room is under way: the room stays open for it even if
     * everyone here leaves meanwhile (a reload through the same edge closes the older connection
     * before the origin answers the new one).
     */
    synchronized void webJoining() {
        joiningWeb++;
    }

    /** That join ended, made into a viewer here or abandoned. */
    synchronized void webJoined() {
        joiningWeb--;
    }

    synchronized int publisherCount() {
        return members.publisherCount();
    }

    /** What the forwarding towards each viewer here decided (the operator's view of an edge; tests). */
    synchronized List<CompletableFuture<io.stagecast.sfu.router.SubscriberReport>> reports() {
        return members.reports(router);
    }

    synchronized int viewerCount() {
        return members.viewerCount();
    }

    /** How the relayed tracks' producers here are described (tests: the SSRCs learnt at the origin). */
    synchronized List<io.stagecast.sfu.router.ProducerSpec> specs() {
        return relayed.specs();
    }

    synchronized int trackCount() {
        return relayed.size();
    }

    /** Ends the relay and every viewer and encoder here; idempotent. */
    void close(String reason) {
        List<MediaResource> left;
        String id;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            left = members.closeAll();
            id = relayId;
        }
        left.forEach(edges.resources()::release);
        router.close();
        relay.close();
        edges.forget(this);
        if (id != null) {
            edges.client().close(originUrl, name, id);
        }
        log.info("relay of room {} from {} closed: {}", name, originUrl, reason);
    }
}
