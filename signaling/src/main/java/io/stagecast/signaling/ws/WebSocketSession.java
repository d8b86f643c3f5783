package io.stagecast.signaling.ws;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.stagecast.signaling.SignalingException;
import io.stagecast.signaling.room.ClientChannel;
import io.stagecast.signaling.room.DominantSpeaker;
import io.stagecast.signaling.room.Participant;
import io.stagecast.signaling.room.Room;
import io.stagecast.signaling.room.Rooms;
import io.stagecast.signaling.turn.IceServers;
import io.stagecast.signaling.stage.RoomSnapshot;
import io.stagecast.signaling.stage.StageEvent;
import io.stagecast.signaling.cluster.RoomRouting;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.JoinTokens;
import io.stagecast.signaling.token.TokenError;
import io.stagecast.signaling.token.InvitationLinks;
import io.stagecast.signaling.token.RandomIds;
import io.stagecast.signaling.token.Role;
import io.stagecast.signaling.stage.RateWindow;
import io.stagecast.signaling.stage.TrackKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One web client's WebSocket: JSON requests in, exactly one response per request, events pushed
 * as the room changes. The first request must be {@code join}; everything after is checked
 * against the participant that join established. See docs/protocol.md.
 */
public final class WebSocketSession extends SimpleChannelInboundHandler<WebSocketFrame> implements ClientChannel {
    private static final Logger log = LoggerFactory.getLogger(WebSocketSession.class);
    private final IceServers iceServers;
    /**
     * One JSON value per message: trailing text is refused ({@link #readOneValue}: it would be
     * ignored here and maybe read differently by a proxy or logger in between), and so are
     * duplicate keys, for the same reason ({@code {"type":"ping","type":"join"}}).
     */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final Duration INVITATION_VALIDITY = Duration.ofDays(7);
    /** Largest message, in one frame or joined from fragments (docs/protocol.md): more closes with 1009. */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024;
    /** Requests of one connection handed to its room and not yet answered before the connection is no longer read. */
    public static final int MAX_IN_FLIGHT = 32;
    /** Reading resumes when fewer than this many wait. */
    static final int RESUME_BELOW = 16;

    private final Rooms rooms;
    private final JoinTokens tokens;
    private final WebSocketLimits limits;
    private final WebSocketMetrics metrics;
    private final RateWindow publishRate;
    private final RateWindow viewportRate = MediaRequests.viewportRate();
    private volatile Channel channel;
    private volatile OutboundQueue outbound;
    /** The WebSocket handshake is done: before it the channel speaks plain HTTP. */
    private volatile boolean upgraded;
    /** The room this connection's requests go to: set on the loop when its join is handed over. */
    private volatile Room room;
    /** Set by a join on the room's executor. */
    private volatile Participant participant;
    /** A join is handed over and not yet answered: a second one is refused. */
    private volatile boolean joining;
    /** The room executor's thread while it runs one of this connection's requests. */
    private volatile Thread handlingThread;
    /** A close this connection's own request asked for, done once its response is queued. */
    private String closeAfterReply;
    /** Requests handed to the room and not yet answered: {@link #MAX_IN_FLIGHT} pauses reading. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean readingPaused;

    private final java.util.function.Supplier<String> baseUrl;
    /** Cluster mode: which node serves a room, asked before a join creates or joins it here. */
    private final RoomRouting routing;
    /**
     * The hand-over of this connection's last request. Each request is handed over behind the one
     * before, so while a join waits for its room's placement (cluster mode, off the loop) the
     * requests sent after it wait too and still reach the room behind it; alone, or with the
     * answer cached, every future is done and a request is handed over on the loop at once.
     * Touched on the loop, or on the thread completing the join's placement.
     */
    private volatile CompletableFuture<Void> handover = CompletableFuture.completedFuture(null);
    /** Cluster mode: web clients of other nodes' rooms (the edge's passage, the origin's check of it). */
    private final EdgeWeb edgeWeb;
    /** Set while this client's room is another node's and its requests pass through to it. */
    private volatile EdgeWebProxy proxy;

    public WebSocketSession(Rooms rooms, JoinTokens tokens, java.util.function.Supplier<String> baseUrl,
                            WebSocketLimits limits, WebSocketMetrics metrics) {
        this(rooms, tokens, baseUrl, limits, metrics, IceServers.NONE);
    }

    /** @param iceServers the TURN servers the join response gives (with this participant's credential) */
    public WebSocketSession(Rooms rooms, JoinTokens tokens, java.util.function.Supplier<String> baseUrl,
                            WebSocketLimits limits, WebSocketMetrics metrics, IceServers iceServers) {
        this(rooms, tokens, baseUrl, limits, metrics, iceServers, RoomRouting.alone());
    }

    /** @param routing which node serves a room (cluster mode); a join for another node's room is refused with wrong_node */
    public WebSocketSession(Rooms rooms, JoinTokens tokens, java.util.function.Supplier<String> baseUrl,
                            WebSocketLimits limits, WebSocketMetrics metrics, IceServers iceServers,
                            RoomRouting routing) {
        this(rooms, tokens, baseUrl, limits, metrics, iceServers, routing, EdgeWeb.NONE);
    }

    /** @param edgeWeb web clients across nodes: another node's room joined here passes through to it (cluster.edge-web) */
    public WebSocketSession(Rooms rooms, JoinTokens tokens, java.util.function.Supplier<String> baseUrl,
                            WebSocketLimits limits, WebSocketMetrics metrics, IceServers iceServers,
                            RoomRouting routing, EdgeWeb edgeWeb) {
        this.edgeWeb = edgeWeb;
        this.routing = routing;
        this.iceServers = iceServers;
        this.rooms = rooms;
        this.tokens = tokens;
        this.baseUrl = baseUrl;
        this.limits = limits;
        this.metrics = metrics;
        this.publishRate = new RateWindow(limits.publishBurst(), limits.publishWindow().toNanos());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        outbound = new OutboundQueue(channel, limits.outboundQueueBytes(), limits.closeGrace().toMillis());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (!(frame instanceof TextWebSocketFrame text)) {
            reply(null, error(SignalingException.badRequest("only text frames with JSON are understood")));
            return;
        }
        JsonNode request;
        try {
            request = readOneValue(text.text());
        } catch (SignalingException e) {
            metrics.refused(e.code());
            reply(null, error(e));
            return;
        }
        if (request == null || !request.isObject()) {
            reply(null, error(SignalingException.badRequest("a request is a JSON object")));
            return;
        }
        JsonNode id = request.get("id");
        if (id != null && !id.isNumber() && !id.isTextual()) {
            reply(null, error(SignalingException.badRequest("id must be a number or a string")));
            return;
        }
        String type = request.path("type").asText("");
        if (inFlight.incrementAndGet() >= MAX_IN_FLIGHT && !readingPaused) {
            // Backpressure, not refusal: a client that pipelines more is simply not read (TCP
            // holds the rest) until its room has answered most of what it sent.
            readingPaused = true;
            ctx.channel().config().setAutoRead(false);
        }
        handover = handover.thenCompose(ignored -> dispatchTo(id, type, request))
                .thenAccept(owner -> {
                    if (owner == null) {
                        answered(ctx);
                    } else {
                        handOver(ctx, owner, id, type, request);
                    }
                })
                .exceptionally(failure -> {
                    log.warn("request {} could not be handed over", type, failure);
                    answered(ctx);
                    return null;
                });
    }

    /** Gives the request to its room's executor (any thread: the loop, or a placement thread). */
    private void handOver(ChannelHandlerContext ctx, Room owner, JsonNode id, String type, JsonNode request) {
        try {
            owner.executor().submit(() -> {
                try {
                    run(id, type, request);
                } finally {
                    answered(ctx);
                }
            });
        } catch (RejectedExecutionException e) {
            answered(ctx);
            if ("join".equals(type)) {
                joining = false;
            }
            refuse(id, SignalingException.busy("room " + owner.name()));
        }
    }

    /** A request handed over is answered (any thread): reading resumes once few wait. */
    private void answered(ChannelHandlerContext ctx) {
        answered(ctx.channel());
    }

    private void answered(Channel ch) {
        if (inFlight.decrementAndGet() < RESUME_BELOW && readingPaused) {
            ch.eventLoop().execute(() -> {
                if (readingPaused && inFlight.get() < RESUME_BELOW) {
                    readingPaused = false;
                    ch.config().setAutoRead(true);
                }
            });
        }
    }

    /** A request passed through to the origin ({@link EdgeWebProxy}) got its response (any thread). */
    void answeredThrough() {
        Channel ch = channel;
        if (ch != null) {
            answered(ch);
        }
    }

    /** A request whose response comes later from the proxy: counted once more, as the hand-over's end counts it answered. */
    private CompletableFuture<Room> passedThrough() {
        inFlight.incrementAndGet();
        return CompletableFuture.completedFuture(null);
    }

    /** The passage to another node ended (its join was refused there, or it closed): a new join starts over here. */
    void proxyEnded(EdgeWebProxy ended) {
        if (proxy == ended) {
            proxy = null;
        }
    }

    /**
     * The room whose executor runs this request, or null when it was answered here (no room to
     * ask). A {@code join} names its room, checked here (token, placement, draining) so that every
     * request after it goes to the same room's queue, behind it, even before it is done. Runs on
     * the loop, or behind a join waiting for placement on the thread that answered it.
     */
    private CompletableFuture<Room> dispatchTo(JsonNode id, String type, JsonNode request) {
        EdgeWebProxy through = proxy;
        if (through != null) {
            through.forward(id, type, request);
            return passedThrough();
        }
        if (type.equals("join") && participant == null) {
            if (joining) {
                refuse(id, new SignalingException(SignalingException.Code.INVALID_STATE, "a join is under way"));
                return CompletableFuture.completedFuture(null);
            }
            String roomName;
            JoinGrant grant;
            try {
                roomName = requireText(request, "room");
                grant = verifiedGrant(request, roomName);
            } catch (SignalingException e) {
                refuse(id, e);
                return CompletableFuture.completedFuture(null);
            }
            // Placement first: a room served by another node is neither made nor joined here.
            return routing.originOf(roomName).thenCompose(origin -> {
                try {
                    if (!origin.here()) {
                        io.stagecast.signaling.room.EdgeRooms edges = edgeWeb.edges();
                        // A join that already came through an edge is not passed on again (no chains
                        // of edges while placement settles): it is sent to the origin.
                        if (edges == null || request.has("edge")) {
                            throw SignalingException.wrongNode(roomName, origin.url());
                        }
                        if (rooms.draining()) {
                            throw new SignalingException(SignalingException.Code.DRAINING,
                                    "this node is shutting down: join the room on another node");
                        }
                        // cluster.edge-web: the client stays here, its requests pass through to the origin.
                        EdgeWebProxy made = new EdgeWebProxy(this, edges, roomName, origin.url());
                        proxy = made;
                        made.start(id, request);
                        Channel ch = channel;
                        if (ch == null || !ch.isActive()) {
                            made.clientClosed(); // gone while placement was asked: no passage left open at the origin
                        }
                        return passedThrough();
                    }
                    room = rooms.forJoin(roomName, grant.participantId());
                    joining = true;
                    return CompletableFuture.completedFuture(room);
                } catch (SignalingException e) {
                    refuse(id, e);
                    return CompletableFuture.<Room>completedFuture(null);
                }
            });
        }
        Room current = room;
        if (current == null) {
            refuse(id, new SignalingException(SignalingException.Code.INVALID_STATE, "join a room first"));
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.completedFuture(current);
    }

    /** On the room's executor: the request's work and its one response. */
    private void run(JsonNode id, String type, JsonNode request) {
        if ("media.debug".equals(type)) {
            mediaDebug(id, request);
            return;
        }
        handlingThread = Thread.currentThread();
        ObjectNode response;
        try {
            ObjectNode data = handle(type, request);
            response = JSON.createObjectNode();
            response.put("ok", true);
            response.set("data", data == null ? JSON.createObjectNode() : data);
        } catch (SignalingException e) {
            metrics.refused(e.code());
            response = error(e);
        } catch (RuntimeException e) {
            log.warn("request {} failed", type, e);
            response = error(new SignalingException(SignalingException.Code.BAD_REQUEST, "request failed"));
        } finally {
            handlingThread = null;
        }
        boolean join = "join".equals(type);
        if (join) {
            joining = false; // before the response: the client may send its next join on reading it
        }
        reply(id, response);
        if (join && participant != null && response.path("ok").asBoolean()) {
            room.startReceiving(participant);
        }
        String reason = closeAfterReply;
        if (reason != null) {
            closeAfterReply = null;
            closeAfterQueued(reason);
        }
    }

    private void refuse(JsonNode id, SignalingException e) {
        metrics.refused(e.code());
        reply(id, error(e));
    }

    /** A refusal counted, whoever answers it (here, or the edge's passage). */
    void refused(SignalingException e) {
        metrics.refused(e.code());
    }

    /**
     * The one JSON value of a message; text after it (other than whitespace) is a
     * {@code bad_request}. What {@code FAIL_ON_TRAILING_TOKENS} checks, done by hand so that the
     * error says what is wrong whether the trailing text is JSON ({@code {}}) or not ({@code xyz}).
     */
    static JsonNode readOneValue(String text) throws SignalingException {
        try (JsonParser parser = JSON.createParser(text)) {
            JsonNode value;
            try {
                value = JSON.readTree(parser);
            } catch (JsonProcessingException e) {
                throw SignalingException.badRequest("malformed JSON: " + e.getOriginalMessage());
            }
            try {
                if (parser.nextToken() != null) {
                    throw SignalingException.badRequest("text after the JSON object: one message is one JSON object");
                }
            } catch (JsonProcessingException e) {
                throw SignalingException.badRequest("text after the JSON object: one message is one JSON object");
            }
            return value;
        } catch (IOException e) {
            throw SignalingException.badRequest("malformed JSON");
        }
    }

    /**
     * {@code publish} and {@code unpublish} renegotiate the stage with every viewer in the room:
     * rate-limited like the stage requests that fan out (docs/protocol.md).
     */
    private void requirePublishBudget() throws SignalingException {
        long now = System.nanoTime();
        if (!publishRate.allows(now)) {
            throw new SignalingException(SignalingException.Code.RATE_LIMITED, "at most " + limits.publishBurst()
                    + " publish or unpublish requests per " + limits.publishWindow().toSeconds() + " s");
        }
        publishRate.record(now);
    }

    /**
     * {@code media.viewport} is sent as tiles change (debounced by the web app): a client that
     * sends more than {@link MediaRequests#VIEWPORT_BURST} a second is refused, so nothing it
     * sends makes the node do more work. Refusals count in {@code stagecast_websocket_refused_total}.
     */
    private void requireViewportBudget() throws SignalingException {
        MediaRequests.requireViewportBudget(viewportRate);
    }

    /**
     * {@code media.debug}: a moderator's view of one participant's forwarding. The media plane
     * answers on its own loop, so the response goes out when it has, not from this call.
     */
    private void mediaDebug(JsonNode id, JsonNode request) {
        java.util.concurrent.CompletableFuture<ObjectNode> report;
        try {
            if (participant == null || !room.isMember(participant)) {
                throw new SignalingException(SignalingException.Code.INVALID_STATE, "join a room first");
            }
            report = room.mediaReport(participant, StageRequests.text(request, "participantId"));
        } catch (SignalingException e) {
            metrics.refused(e.code());
            reply(id, error(e));
            return;
        }
        report.orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).whenComplete((data, failure) -> {
            if (failure != null) {
                log.debug("media report failed", failure);
                SignalingException refused = SignalingException.causeOf(failure)
                        .orElseGet(() -> new SignalingException(SignalingException.Code.UNAVAILABLE, "the media report failed"));
                metrics.refused(refused.code());
                reply(id, error(refused));
                return;
            }
            ObjectNode response = JSON.createObjectNode();
            response.put("ok", true);
            response.set("data", data);
            reply(id, response);
        });
    }

    private ObjectNode handle(String type, JsonNode request) throws SignalingException {
        if (type.equals("join")) {
            return join(request);
        }
        if (participant == null || !room.isMember(participant)) {
            throw new SignalingException(SignalingException.Code.INVALID_STATE, "join a room first");
        }
        if (type.equals("media.viewport")) {
            requireViewportBudget();
            room.showViewports(participant, MediaRequests.viewports(request));
            return null;
        }
        if (StageRequests.handles(type)) {
            String actor = participant.id();
            room.act(participant, StageRequests.leadsToStage(type), stage -> StageRequests.dispatch(stage, actor, type, request));
            return null;
        }
        switch (type) {
            case "publish": {
                requirePublishBudget();
                ObjectNode data = JSON.createObjectNode();
                data.put("sdp", room.publish(participant, requireText(request, "sdp"), trackKinds(request)));
                return data;
            }
            case "invite.link":
                return invitationLink(request);
            case "unpublish":
                requirePublishBudget();
                room.unpublish(participant);
                return null;
            case "answer":
                room.subscriberAnswer(participant, requireText(request, "sdp"), request.path("revision").asLong(-1));
                return null;
            case "ping":
                return null;
            default:
                throw SignalingException.badRequest("unknown request type '" + type + "'");
        }
    }

    private ObjectNode join(JsonNode request) throws SignalingException {
        if (participant != null) {
            throw new SignalingException(SignalingException.Code.INVALID_STATE, "already joined");
        }
        Room target = room;
        JoinGrant grant = verifiedGrant(request, target.name());
        String edgeRelay = edgeWeb.verifiedRelay(request, target.name());
        ObjectNode data = StageJson.joined(target.join(grant, chosenName(request), this,
                request.path("mobile").asBoolean(false), request.path("stage").asBoolean(false), edgeRelay));
        participant = target.participantFor(grant.participantId());
        data.put("rejoinToken", rejoinToken(grant));
        // The TURN servers, with a credential for this participant (turn.*; empty when none).
        data.set("iceServers", iceServers.json(participant.id()));
        List<String> nodes = routing.nodeUrls();
        if (!nodes.isEmpty()) {
            // Cluster mode: where to reconnect if this node and the page's own node are both gone.
            data.set("nodes", JSON.valueToTree(nodes));
        }
        return data;
    }

    private JoinGrant verifiedGrant(JsonNode request, String roomName) throws SignalingException {
        try {
            return tokens.verify(requireText(request, "token"), roomName);
        } catch (TokenError e) {
            throw new SignalingException(SignalingException.Code.UNAUTHORIZED, "token refused: " + e.getMessage());
        }
    }

    /**
     * The display name a person typed, if any. The room applies the name rule (stage.DisplayName:
     * normalised, refused with {@code invalid_name} when nothing visible is left or it is too long);
     * here only its type is checked.
     */
    private static String chosenName(JsonNode request) throws SignalingException {
        JsonNode name = request.get("name");
        if (name == null || name.isNull()) {
            return null;
        }
        if (!name.isTextual()) {
            throw new SignalingException(SignalingException.Code.INVALID_NAME, "a name is a string");
        }
        return name.asText();
    }

    /**
     * A token naming the participant this join made, for reconnects and reloads: an invitation
     * link names nobody, so presenting it again would make a new person. It grants nothing more
     * than the token it came from and expires with it (or within a day).
     */
    private String rejoinToken(JoinGrant grant) {
        Instant expiry = grant.expiresAt().isBefore(Instant.now().plus(Duration.ofDays(1)))
                ? grant.expiresAt() : Instant.now().plus(Duration.ofDays(1));
        return tokens.mint(new JoinGrant(grant.room(), grant.participantId(), grant.displayName(), grant.role(),
                grant.viewOnly(), expiry, RandomIds.tokenId(), false));
    }

    /** mid -> what the track is, from the optional "tracks" object of a publish request. */
    private static Map<String, TrackKind> trackKinds(JsonNode request) throws SignalingException {
        JsonNode tracks = request.get("tracks");
        Map<String, TrackKind> kinds = new HashMap<>();
        if (tracks == null || tracks.isNull()) {
            return kinds;
        }
        if (!tracks.isObject()) {
            throw SignalingException.badRequest("'tracks' maps mids to microphone, camera or screen");
        }
        for (var it = tracks.fields(); it.hasNext(); ) {
            var entry = it.next();
            TrackKind kind = switch (entry.getValue().asText("")) {
                case "microphone" -> TrackKind.MICROPHONE;
                case "camera" -> TrackKind.CAMERA;
                case "screen" -> TrackKind.SCREEN;
                default -> throw SignalingException.badRequest("track kind must be microphone, camera or screen");
            };
            kinds.put(entry.getKey(), kind);
        }
        return kinds;
    }

    /** A moderator copies a link that makes whoever opens it a speaker or a moderator of this room. */
    private ObjectNode invitationLink(JsonNode request) throws SignalingException {
        boolean moderator = room.state(participant.id()).map(s -> s.role() == Role.MODERATOR).orElse(false);
        if (!moderator) {
            throw SignalingException.forbidden("only moderators create invitation links");
        }
        Role role;
        try {
            role = Role.fromWire(request.path("role").asText("speaker"));
        } catch (IllegalArgumentException e) {
            throw SignalingException.badRequest("role must be speaker or moderator");
        }
        if (role == Role.ATTENDEE) {
            throw SignalingException.badRequest("invitation links grant speaker or moderator");
        }
        String token = tokens.mint(new JoinGrant(room.name(), null, role == Role.MODERATOR ? "Moderator" : "Speaker",
                role, false, Instant.now().plus(INVITATION_VALIDITY), RandomIds.tokenId(), false));
        ObjectNode data = JSON.createObjectNode();
        data.put("url", InvitationLinks.url(baseUrl.get(), room.name(), token));
        data.put("role", role.wireName());
        return data;
    }

    static String requireText(JsonNode request, String field) throws SignalingException {
        JsonNode value = request.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw SignalingException.badRequest("'" + field + "' (a non-empty string) is required");
        }
        return value.asText();
    }

    static ObjectNode error(SignalingException e) {
        ObjectNode response = JSON.createObjectNode();
        response.put("ok", false);
        ObjectNode error = response.putObject("error");
        error.put("code", e.code().wire);
        error.put("message", e.getMessage());
        if (e.node() != null) {
            error.put("node", e.node());
        }
        return response;
    }

    private void reply(JsonNode id, ObjectNode response) {
        ObjectNode out = JSON.createObjectNode();
        out.put("type", "response");
        out.set("id", id);
        out.setAll(response);
        write(out);
    }

    @Override
    public void send(StageEvent event) {
        write(encoded(event));
    }

    @Override
    public void admitted(RoomSnapshot snapshot, DominantSpeaker speaker) {
        send(StageJson.admitted(snapshot, speaker));
    }

    /**
     * The room hands the same event to each recipient in turn on one thread: it is written as a
     * message's UTF-8 once per event, not once per recipient, and every recipient's queue holds
     * the same bytes (read-only: a server's frames are not masked). Measured with
     * {@code LargeRoomSignaling} at 2,000 viewers: serializing per recipient was ~30 % of the
     * node's CPU in a join wave, each join's {@code participant.added} going to everyone.
     */
    private static byte[] encoded(StageEvent event) {
        LastEncoded last = LAST_ENCODED.get();
        if (last.event != event) {
            ObjectNode out = JSON.createObjectNode();
            out.put("type", "event");
            out.setAll(StageJson.event(event));
            last.utf8 = out.toString().getBytes(StandardCharsets.UTF_8);
            last.event = event;
        }
        return last.utf8;
    }

    private static final class LastEncoded {
        StageEvent event;
        byte[] utf8;
    }

    private static final ThreadLocal<LastEncoded> LAST_ENCODED = ThreadLocal.withInitial(LastEncoded::new);

    @Override
    public void send(ObjectNode event) {
        ObjectNode out = JSON.createObjectNode();
        out.put("type", "event");
        out.setAll(event);
        write(out);
    }

    /** A message already in wire form (the edge's passage: the origin's responses and events). */
    void writeMessage(ObjectNode message) {
        write(message);
    }

    private void write(ObjectNode message) {
        write(message.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** A message's UTF-8, which may be shared with other sessions: never changed. */
    private void write(byte[] utf8) {
        OutboundQueue queue = outbound;
        Channel ch = channel;
        if (queue == null || ch == null || !ch.isActive()) {
            return;
        }
        if (queue.offer(utf8) == OutboundQueue.Offer.OVER_CAP) {
            closeSlowReader(queue, utf8.length);
        }
    }

    /**
     * The client does not read what the room sends it: its backlog is dropped and the connection
     * closed with 1008 (RFC 6455 section 7.4.1: a message that violates the server's policy), so
     * one stalled socket never holds more than the cap. It may reconnect within the grace.
     */
    private void closeSlowReader(OutboundQueue queue, int refusedBytes) {
        metrics.closed(WebSocketMetrics.CloseReason.SLOW_READER);
        log.info("{} in {}: closing the WebSocket of a client that does not read ({} bytes waiting, cap {}, next {})",
                participant == null ? "(not joined)" : participant.id(), room == null ? "(no room)" : room.name(),
                queue.waitingBytes(), limits.outboundQueueBytes(), refusedBytes);
        queue.closeNow(new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION,
                "not reading: over " + limits.outboundQueueBytes() / 1024 + " KiB waiting"));
    }

    /**
     * Closes after what is already queued: when the request being handled ends this very
     * connection (leave, end of session), its response still goes out first.
     */
    @Override
    public void close(String reason) {
        if (handlingThread == Thread.currentThread()) {
            closeAfterReply = reason; // this connection's own request (leave): its response first
            return;
        }
        closeAfterQueued(reason);
    }

    private void closeAfterQueued(String reason) {
        OutboundQueue queue = outbound;
        Channel ch = channel;
        if (queue != null && ch != null && ch.isActive() && !ch.eventLoop().isShuttingDown()) {
            String text = reason.length() > 100 ? reason.substring(0, 100) : reason;
            // Through the event loop: called while handling a request of this connection, the Close
            // frame queues after that request's response.
            ch.eventLoop().execute(() -> queue.close(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE, text)));
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            upgraded = true;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        OutboundQueue queue = outbound;
        if (queue != null) {
            queue.writabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        OutboundQueue queue = outbound;
        if (queue != null) {
            queue.discard();
        }
        EdgeWebProxy through = proxy;
        if (through != null) {
            through.clientClosed();
        }
        // Behind a join that may still wait for its room's placement, then behind this
        // connection's requests still queued in the room (a join among them, maybe).
        handover.whenComplete((ignored, failure) -> {
            Room r = room;
            if (r != null) {
                r.executor().execute(() -> {
                    Participant p = participant;
                    if (p != null) {
                        r.connectionClosed(p);
                    }
                });
            }
        });
        ctx.fireChannelInactive();
    }

    /**
     * Framing errors. The frame decoder and the UTF-8 validator write their own Close frame (1002,
     * 1007, or 1009 for one frame over the limit) before they throw; the aggregator, which joins
     * fragments, does not, so a fragmented message over the limit gets its 1009 here. The pipeline
     * sends no Close frame of its own on close (HttpServer), so there is exactly one.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        OutboundQueue queue = outbound;
        if (cause instanceof CorruptedWebSocketFrameException corrupted) {
            metrics.closed(corrupted.closeStatus() != null
                    && corrupted.closeStatus().code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code()
                    ? WebSocketMetrics.CloseReason.TOO_BIG : WebSocketMetrics.CloseReason.PROTOCOL_ERROR);
            log.debug("websocket protocol error: {}", cause.getMessage());
            if (queue != null) {
                queue.discard();
            }
            return;
        }
        if (cause instanceof TooLongFrameException && queue != null && upgraded) {
            metrics.closed(WebSocketMetrics.CloseReason.TOO_BIG);
            log.debug("websocket message too big: {}", cause.getMessage());
            queue.closeNow(new CloseWebSocketFrame(WebSocketCloseStatus.MESSAGE_TOO_BIG,
                    "a message is at most " + MAX_MESSAGE_BYTES / 1024 + " KiB"));
            return;
        }
        log.debug("websocket error", cause);
        ctx.close();
    }
}
