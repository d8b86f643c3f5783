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

    private final Rooms rooms;
    private final JoinTokens tokens;
    private volatile Channel channel;
    private Room room;
    private Participant participant;

    public WebSocketSession(Rooms rooms, JoinTokens tokens) {
        this.rooms = rooms;
        this.tokens = tokens;
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
        switch (type) {
            case "publish": {
                ObjectNode data = JSON.createObjectNode();
                data.put("sdp", room.publish(participant, requireText(request, "sdp")));
                return data;
            }
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
        room = rooms.getOrCreate(roomName);
        participant = room.join(grant, this);
        ObjectNode data = JSON.createObjectNode();
        data.put("room", roomName);
        data.put("participantId", participant.id());
        data.put("name", participant.displayName());
        data.put("role", participant.role().wireName());
        data.put("mayPublish", participant.mayPublish());
        data.set("participants", room.participantsJson());
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

    @Override
    public void close(String reason) {
        Channel ch = channel;
        if (ch != null && ch.isActive()) {
            String text = reason.length() > 100 ? reason.substring(0, 100) : reason;
            ch.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE, text)).addListener(f -> ch.close());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (room != null && participant != null) {
            room.leave(participant, "websocket closed");
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("websocket error", cause);
        ctx.close();
    }
}
