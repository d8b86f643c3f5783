package io.stagecast.signaling.ws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.stagecast.signaling.SignalingException;
import io.stagecast.signaling.room.ClientChannel;
import io.stagecast.signaling.room.Participant;
import io.stagecast.signaling.room.Room;
import io.stagecast.signaling.room.Rooms;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.JoinTokens;
import io.stagecast.signaling.token.TokenError;
import io.stagecast.signaling.token.InvitationLinks;
import io.stagecast.signaling.token.RandomIds;
import io.stagecast.signaling.token.Role;
import io.stagecast.signaling.stage.TrackKind;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One web client's WebSocket: JSON requests in, exactly one response per request, events pushed
 * as the room changes. The first request must be {@code join}; everything after is checked
 * against the participant that join established. See docs/protocol.md.
 */
public final class WebSocketSession extends SimpleChannelInboundHandler<WebSocketFrame> implements ClientChannel {
    private static final Logger log = LoggerFactory.getLogger(WebSocketSession.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration INVITATION_VALIDITY = Duration.ofDays(7);

    private final Rooms rooms;
    private final JoinTokens tokens;
    private volatile Channel channel;
    private Room room;
    private Participant participant;

    private final java.util.function.Supplier<String> baseUrl;

    public WebSocketSession(Rooms rooms, JoinTokens tokens, java.util.function.Supplier<String> baseUrl) {
        this.rooms = rooms;
        this.tokens = tokens;
        this.baseUrl = baseUrl;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (!(frame instanceof TextWebSocketFrame text)) {
            reply(null, error(SignalingException.badRequest("only text frames with JSON are understood")));
            return;
        }
        JsonNode request;
        try {
            request = JSON.readTree(text.text());
        } catch (JsonProcessingException e) {
            reply(null, error(SignalingException.badRequest("malformed JSON: " + e.getOriginalMessage())));
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
        try {
            ObjectNode data = handle(request.path("type").asText(""), request);
            ObjectNode response = JSON.createObjectNode();
            response.put("ok", true);
            response.set("data", data == null ? JSON.createObjectNode() : data);
            reply(id, response);
            if ("join".equals(request.path("type").asText()) && participant != null) {
                room.startReceiving(participant);
            }
        } catch (SignalingException e) {
            reply(id, error(e));
        } catch (RuntimeException e) {
            log.warn("request {} failed", request.path("type").asText(), e);
            reply(id, error(new SignalingException(SignalingException.Code.BAD_REQUEST, "request failed")));
        }
    }

    private ObjectNode handle(String type, JsonNode request) throws SignalingException {
        if (type.equals("join")) {
            return join(request);
        }
        if (participant == null || !room.isMember(participant)) {
            throw new SignalingException(SignalingException.Code.INVALID_STATE, "join a room first");
        }
        if (StageRequests.handles(type)) {
            return room.act(participant, type, request);
        }
        switch (type) {
            case "publish": {
                ObjectNode data = JSON.createObjectNode();
                data.put("sdp", room.publish(participant, requireText(request, "sdp"), trackKinds(request)));
                return data;
            }
            case "invite.link":
                return invitationLink(request);
            case "unpublish":
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
        String roomName = requireText(request, "room");
        JoinGrant grant;
        try {
            grant = tokens.verify(requireText(request, "token"), roomName);
        } catch (TokenError e) {
            throw new SignalingException(SignalingException.Code.UNAUTHORIZED, "token refused: " + e.getMessage());
        }
        Room target = rooms.getOrCreate(roomName);
        ObjectNode data = target.join(grant, chosenName(request), this, request.path("mobile").asBoolean(false),
                request.path("stage").asBoolean(false));
        room = target;
        participant = target.participantFor(grant.participantId());
        data.put("rejoinToken", rejoinToken(grant));
        return data;
    }

    /** The display name a person typed, if any (1..64 characters after trimming). */
    private static String chosenName(JsonNode request) throws SignalingException {
        JsonNode name = request.get("name");
        if (name == null || name.isNull()) {
            return null;
        }
        String text = name.isTextual() ? name.asText().strip() : "";
        if (text.isEmpty() || text.codePointCount(0, text.length()) > 64) {
            throw SignalingException.badRequest("a name has 1 to 64 characters");
        }
        return text;
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

    private static String requireText(JsonNode request, String field) throws SignalingException {
        JsonNode value = request.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw SignalingException.badRequest("'" + field + "' (a non-empty string) is required");
        }
        return value.asText();
    }

    private static ObjectNode error(SignalingException e) {
        ObjectNode response = JSON.createObjectNode();
        response.put("ok", false);
        ObjectNode error = response.putObject("error");
        error.put("code", e.code().wire);
        error.put("message", e.getMessage());
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
    public void send(ObjectNode event) {
        ObjectNode out = JSON.createObjectNode();
        out.put("type", "event");
        out.setAll(event);
        write(out);
    }

    private void write(ObjectNode message) {
        Channel ch = channel;
        if (ch != null && ch.isActive()) {
            ch.writeAndFlush(new TextWebSocketFrame(message.toString()));
        }
    }

    /**
     * Closes after what is already queued: when the request being handled ends this very
     * connection (leave, end of session), its response still goes out first.
     */
    @Override
    public void close(String reason) {
        Channel ch = channel;
        if (ch != null && ch.isActive() && !ch.eventLoop().isShuttingDown()) {
            String text = reason.length() > 100 ? reason.substring(0, 100) : reason;
            ch.eventLoop().execute(() -> ch.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE, text))
                    .addListener(f -> ch.close()));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (room != null && participant != null) {
            room.connectionClosed(participant);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("websocket error", cause);
        ctx.close();
    }
}
