package io.stagecast.signaling.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecast.signaling.SignalingException;
import io.stagecast.signaling.room.EdgeRooms;
import io.stagecast.signaling.room.EdgeWebLink;
import io.stagecast.signaling.room.EdgeWebViewer;
import io.stagecast.signaling.stage.RateWindow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.WebSocket;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A web client at this edge whose room another node serves (cluster mode, {@code
 * cluster.edge-web}; docs/operations.md, "Edge web clients"). Its requests pass through a WebSocket
 * of its own to the origin's {@code /ws}, where the room decides them as for a client there, and
 * the room's responses and events come back the same way. Only the receiving side of its media
 * is this node's: the stage reaches it over the room's relay here, so this node offers it
 * ({@code subscriberOffer}) and takes its {@code answer} and {@code media.viewport}. On stage it
 * publishes to the origin itself (the origin's room answers its {@code publish}), so the room's
 * node is the one that admits and revokes every stage track.
 *
 * <p>Request ids are the edge's own towards the origin (1, 2, ...), so a client's ids, whatever
 * they are, cannot confuse the matching, and responses go back in the client's order (a local
 * answer waits behind a forwarded request sent before it; {@code media.debug} is answered when
 * it is, as at the origin). Each response releases one of the client's {@link
 * WebSocketSession#MAX_IN_FLIGHT} requests, so a client cannot queue more here than it could at
 * the origin. Thread-safe: the client's loop sends requests, the relay client's threads deliver
 * the origin's messages, one lock between them; nothing blocks.
 */
final class EdgeWebProxy implements WebSocket.Listener {
    private static final Logger log = LoggerFactory.getLogger(EdgeWebProxy.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request of the client: its id, and its response once there is one. */
    private static final class Pending {
        final JsonNode clientId;
        final boolean join;
        ObjectNode response;

        Pending(JsonNode clientId, boolean join) {
            this.clientId = clientId;
            this.join = join;
        }
    }

    private final WebSocketSession session;
    private final EdgeRooms edges;
    private final String room;
    private final String originUrl;
    private final RateWindow viewportRate = MediaRequests.viewportRate();
    /** Responses to write, in the client's order. */
    private final ArrayDeque<Pending> order = new ArrayDeque<>();
    /** Forwarded and not answered, by the edge's id towards the origin. */
    private final Map<Long, Pending> forwarded = new HashMap<>();
    private final StringBuilder partial = new StringBuilder();
    private long nextId = 1;
    /** The chain of sends to the origin: one outstanding at a time (java.net.http.WebSocket's rule). */
    private CompletableFuture<WebSocket> sending;
    private EdgeWebLink link;
    private WebSocket upstream;
    private EdgeWebViewer viewer;
    private boolean joined;
    /** The client joined as a phone (the origin's answer says): its lastN is capped here as there. */
    private boolean phone;
    private boolean ended;

    EdgeWebProxy(WebSocketSession session, EdgeRooms edges, String room, String originUrl) {
        this.session = session;
        this.edges = edges;
        this.room = room;
        this.originUrl = originUrl;
    }

    /** The client's join: the relay here opened (or reused), the WebSocket to the origin, the join sent with the edge's proof. */
    synchronized void start(JsonNode clientId, JsonNode join) {
        Pending pending = new Pending(clientId, true);
        order.add(pending);
        long id = nextId++;
        forwarded.put(id, pending);
        sending = edges.web(room, originUrl).thenCompose(made -> {
            synchronized (this) {
                link = made;
                if (ended) {
                    made.abandon();
                    throw new java.util.concurrent.CancellationException("the client left");
                }
            }
            return made.connect(this);
        }).thenCompose(ws -> {
            ObjectNode upstreamJoin = join.deepCopy();
            upstreamJoin.put("id", id);
            ObjectNode edge = upstreamJoin.putObject("edge");
            edge.put("relay", link.relayId());
            edge.put("credential", link.credential());
            synchronized (this) {
                upstream = ws;
            }
            return ws.sendText(upstreamJoin.toString(), true);
        });
        sending.whenComplete((ws, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                SignalingException error = SignalingException.causeOf(failure).orElseGet(() -> new SignalingException(
                        SignalingException.Code.UNAVAILABLE, "the room's node could not be reached from here: try again"));
                log.info("a web client of {} could not reach its node {}: {}", room, originUrl, cause.toString());
                end(error, null);
            }
        });
    }

    /** A request of the client after its join (on its loop): answered here, or passed to the origin. */
    synchronized void forward(JsonNode clientId, String type, JsonNode request) {
        Pending pending = new Pending(clientId, false);
        if (ended) {
            answer(pending, new SignalingException(SignalingException.Code.INVALID_STATE, "join a room first"));
            return;
        }
        switch (type) {
            case "join" -> answer(pending, new SignalingException(SignalingException.Code.INVALID_STATE,
                    joined ? "already joined" : "a join is under way"));
            case "answer" -> answer(pending, () -> requireViewer().answer(WebSocketSession.requireText(request, "sdp"),
                    request.path("revision").asLong(-1)));
            case "media.viewport" -> answer(pending, () -> {
                MediaRequests.requireViewportBudget(viewportRate);
                requireViewer().show(MediaRequests.viewports(request));
            });
            default -> {
                long id = nextId++;
                if (!"media.debug".equals(type)) {
                    order.add(pending); // media.debug is answered when the origin has, out of order, as there
                }
                forwarded.put(id, pending);
                ObjectNode copy = request.deepCopy();
                copy.put("id", id);
                copy.remove("edge");
                String text = copy.toString();
                sending = sending.thenCompose(ws -> ws.sendText(text, true));
            }
        }
    }

    private interface LocalCall {
        void run() throws SignalingException;
    }

    private void answer(Pending pending, LocalCall call) {
        try {
            call.run();
            ObjectNode response = JSON.createObjectNode();
            response.put("ok", true);
            response.putObject("data");
            respond(pending, response);
        } catch (SignalingException e) {
            answer(pending, e);
        }
    }

    private void answer(Pending pending, SignalingException e) {
        session.refused(e);
        respond(pending, WebSocketSession.error(e));
    }

    private void respond(Pending pending, ObjectNode body) {
        ObjectNode response = JSON.createObjectNode();
        response.put("type", "response");
        response.set("id", pending.clientId);
        body.remove(java.util.List.of("type", "id"));
        response.setAll(body);
        pending.response = response;
        if (!order.contains(pending)) {
            order.add(pending);
        }
        flush();
    }

    /** Writes the responses at the head of the client's order that are ready. */
    private void flush() {
        while (!order.isEmpty() && order.peek().response != null) {
            Pending head = order.poll();
            session.writeMessage(head.response);
            session.answeredThrough();
            if (head.join && joined && viewer != null) {
                viewer.start(); // the stage's offer follows the join's response, as at the origin
            }
        }
    }

    private EdgeWebViewer requireViewer() throws SignalingException {
        if (viewer == null) {
            throw new SignalingException(SignalingException.Code.INVALID_STATE, "no offer is waiting for an answer");
        }
        return viewer;
    }


    // ---- the origin's side ----

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        String text = null;
        synchronized (this) {
            partial.append(data);
            if (partial.length() > WebSocketSession.MAX_MESSAGE_BYTES * 4) {
                partial.setLength(0); // the origin never sends this much in one message
                webSocket.abort();
                return null;
            }
            if (last) {
                text = partial.toString();
                partial.setLength(0);
            }
        }
        if (text != null) {
            fromOrigin(text);
        }
        webSocket.request(1);
        return null;
    }

    private synchronized void fromOrigin(String text) {
        if (ended) {
            return;
        }
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (java.io.IOException e) {
            log.warn("the origin {} of {} sent a message that is not JSON: dropped", originUrl, room);
            return;
        }
        if (!(message instanceof ObjectNode node)) {
            return;
        }
        if ("response".equals(node.path("type").asText())) {
            Pending pending = forwarded.remove(node.path("id").asLong(-1));
            if (pending == null) {
                return;
            }
            boolean refused = pending.join && !joinAnswered(node);
            respond(pending, node);
            if (refused) {
                // A new join may name another room, served elsewhere: it starts over at the session.
                end(new SignalingException(SignalingException.Code.INVALID_STATE, "join a room first"), null);
            }
            return;
        }
        String event = node.path("event").asText("");
        if (event.equals("subscriberOffer")) {
            return; // the stage is offered from here; the origin makes no receiving transport for this client
        }
        session.writeMessage(node);
        if (event.equals("room.admitted") && viewer != null) {
            viewer.admitted();
        } else if (event.equals("settings.changed") && viewer != null) {
            viewer.applyLastN(node.path("settings").path("lastN").asInt(0), phone);
        }
    }

    /** The origin's room answered the join: on success, the client's subscription here (false: refused). */
    private boolean joinAnswered(ObjectNode response) {
        if (!response.path("ok").asBoolean()) {
            return false;
        }
        JsonNode data = response.path("data");
        String originId = data.path("participantId").asText("");
        boolean waiting = "lobby".equals(data.path("you").path("place").asText());
        try {
            viewer = link.viewer(originId, session, waiting);
            joined = true;
            phone = data.path("you").path("mobile").asBoolean(false);
            viewer.applyLastN(data.path("settings").path("lastN").asInt(0), phone);
            return true;
        } catch (SignalingException e) {
            // The origin sees a disconnect when the passage ends: the person keeps its place for the grace.
            response.removeAll();
            response.setAll(WebSocketSession.error(e));
            return false;
        }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        synchronized (this) {
            log.debug("the origin closed the passage of {} of {}: {} {}", viewer == null ? "(joining)" : viewer.originId(),
                    room, statusCode, reason);
        }
        end(new SignalingException(SignalingException.Code.UNAVAILABLE, "the room's node closed the connection"),
                reason == null || reason.isEmpty() ? "the room's node closed the connection" : reason);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        end(new SignalingException(SignalingException.Code.UNAVAILABLE, "the room's node is unreachable"),
                "the room's node is unreachable: reconnect");
    }

    /** The client closed its connection (on its loop). */
    void clientClosed() {
        end(null, null);
    }

    /**
     * The passage ends: requests still waiting get {@code pending}'s error (the client's in-flight
     * count stays true), the media here ends, the WebSocket to the origin closes, and with
     * {@code closeReason} the client's connection too; a join refused by the origin leaves the
     * client's connection open for another join.
     */
    private void end(SignalingException pending, String closeReason) {
        EdgeWebViewer gone;
        synchronized (this) {
            if (ended) {
                return;
            }
            if (pending != null) {
                for (Pending p : java.util.List.copyOf(order)) {
                    if (p.response == null) {
                        p.response = responseOf(p, pending);
                    }
                }
                for (Pending p : forwarded.values()) {
                    if (p.response == null && !order.contains(p)) {
                        session.writeMessage(responseOf(p, pending));
                        session.answeredThrough();
                    }
                }
                flush();
            }
            forwarded.clear();
            order.clear();
            ended = true;
            gone = viewer;
            viewer = null;
            closeUpstream();
            if (!joined && link != null) {
                link.abandon();
            }
        }
        session.proxyEnded(this);
        if (gone != null) {
            gone.close();
        }
        if (closeReason != null && joined) {
            session.close(closeReason);
        }
    }

    private static ObjectNode responseOf(Pending p, SignalingException e) {
        ObjectNode response = JSON.createObjectNode();
        response.put("type", "response");
        response.set("id", p.clientId);
        response.setAll(WebSocketSession.error(e));
        return response;
    }

    private void closeUpstream() {
        WebSocket ws = upstream;
        if (ws != null && !ws.isOutputClosed()) {
            sending = sending.thenCompose(w -> w.sendClose(WebSocket.NORMAL_CLOSURE, ""));
            sending.whenComplete((w, failure) -> ws.abort());
        }
    }
}
