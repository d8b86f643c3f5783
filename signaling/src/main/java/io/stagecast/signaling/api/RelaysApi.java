package io.stagecast.signaling.api;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.stagecast.signaling.SignalingException;
import io.stagecast.signaling.relay.RelayWire;
import io.stagecast.signaling.room.OriginRelays;
import io.stagecast.signaling.room.Room;
import io.stagecast.signaling.room.Rooms;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.JoinTokens;
import io.stagecast.signaling.token.TokenError;

import java.io.IOException;
import java.util.function.BiPredicate;

/**
 * {@code /api/v1/rooms/{room}/relays}: the origin's side of the relay control channel (docs/api.md,
 * "Relays"), asked by other nodes of the cluster. {@code POST} opens a relay of the room's stage to
 * the asking node's media address, which must be one that node registered in the cluster (no
 * token holder can point a room's media at an address of its choice); {@code PUT .../{id}} is the
 * edge's poll (the layers its viewers need in, the stage now out; {@code GET} the same without
 * the demand), {@code POST .../{id}/viewers} admits a viewer at the edge into the room by its own
 * token, {@code POST .../{id}/publishers} puts a WHIP encoder at the edge on stage (its tracks
 * on an uplink of their own), {@code DELETE .../{id}} ends it. roomAdmin of the room, as every call
 * about it; alone (no cluster) there is no relay: 404.
 */
final class RelaysApi {
    /** Below the asking side's own 5 s for a media report. */
    private static final int REPORT_WAIT_SECONDS = 3;
    private final Rooms rooms;
    private final JoinTokens joinTokens;
    /** (node id, host): whether that live node registered media on that host; null alone. */
    private final BiPredicate<String, String> registeredMedia;

    RelaysApi(Rooms rooms, JoinTokens joinTokens, BiPredicate<String, String> registeredMedia) {
        this.rooms = rooms;
        this.joinTokens = joinTokens;
        this.registeredMedia = registeredMedia;
    }

    FullHttpResponse open(String roomName, FullHttpRequest request) throws ApiError {
        OriginRelays relays = relays();
        RelayWire.Open ask = body(request, RelayWire.Open.class, "a relay request");
        if (ask.node() == null || ask.host() == null || !registeredMedia.test(ask.node(), ask.host())) {
            throw ApiError.forbidden("a relay goes only to a media address a live node of the cluster registered");
        }
        try {
            // Made here if it is not yet (capped as any room): the first viewer or encoder of a
            // room may reach the cluster through an edge, as a WHIP or WHEP POST here would make it.
            Room room = rooms.forJoin(roomName, null);
            return json(HttpResponseStatus.CREATED, relays.open(room, ask));
        } catch (SignalingException e) {
            throw ApiError.of(e);
        }
    }

    /** GET (the stage now) or PUT with the edge's layer demand ({@link RelayWire.Poll}). */
    FullHttpResponse poll(String roomName, String id, FullHttpRequest request) throws ApiError {
        OriginRelays relays = relays();
        Room room = room(roomName);
        RelayWire.Poll demand = null;
        if (request != null) {
            demand = body(request, RelayWire.Poll.class, "a relay poll");
        }
        try {
            return json(HttpResponseStatus.OK, relays.poll(room, id, demand));
        } catch (SignalingException e) {
            throw ApiError.of(e);
        }
    }

    /**
     * {@code POST .../relays/{id}/viewers}: a viewer at the relay's edge joins the room by its own
     * join token, checked here as if it had come here (the edge only carries it), so the room's
     * rules hold for it: 201 with its participant id, or the room's refusal.
     */
    FullHttpResponse admit(String roomName, String id, FullHttpRequest request) throws ApiError {
        OriginRelays relays = relays();
        Room room = room(roomName);
        RelayWire.Viewer viewer = body(request, RelayWire.Viewer.class, "a relay viewer");
        if (viewer.token() == null) {
            throw ApiError.badRequest("the viewer's token is missing");
        }
        JoinGrant grant = verify(viewer.token(), roomName, "viewer");
        try {
            return json(HttpResponseStatus.CREATED, relays.admit(room, id, grant));
        } catch (SignalingException e) {
            throw ApiError.of(e);
        }
    }

    /**
     * {@code POST .../relays/{id}/publishers}: a WHIP encoder at the relay's edge goes on stage by
     * its own join token (checked here, as {@link #admit}), its tracks sent to this node over an
     * uplink from a media address the edge registered: 201 with its participant id and this end
     * of the uplink, or the room's refusal.
     */
    FullHttpResponse publish(String roomName, String id, FullHttpRequest request) throws ApiError {
        OriginRelays relays = relays();
        Room room = room(roomName);
        RelayWire.Publisher publisher = body(request, RelayWire.Publisher.class, "a relay publisher");
        if (publisher.token() == null || publisher.uplink() == null) {
            throw ApiError.badRequest("the encoder's token and its uplink are needed");
        }
        RelayWire.Open uplink = publisher.uplink();
        if (uplink.node() == null || uplink.host() == null || !registeredMedia.test(uplink.node(), uplink.host())) {
            throw ApiError.forbidden("a relay goes only to a media address a live node of the cluster registered");
        }
        JoinGrant grant = verify(publisher.token(), roomName, "encoder");
        try {
            return json(HttpResponseStatus.CREATED, relays.publish(room, id, grant, publisher));
        } catch (SignalingException e) {
            throw ApiError.of(e);
        }
    }

    /**
     * {@code GET .../relays/{id}/viewers/{participant}/media}, at the relay's edge: what this node
     * forwards to a viewer of that relay (the origin asks, for a report a moderator or operator
     * asked it for; {@code room.EdgeViewerReports}). 404 when it does not watch here. The media
     * loop answers within one of its turns; this waits for it on the room worker running the API.
     */
    FullHttpResponse viewerReport(String roomName, String id, String participant) throws ApiError {
        io.stagecast.signaling.room.EdgeRooms edges = rooms.edges();
        if (edges == null) {
            throw ApiError.notFound("this node serves no room of another node");
        }
        try {
            return json(HttpResponseStatus.OK, edges.viewerReport(roomName, id, participant)
                    .get(REPORT_WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS));
        } catch (SignalingException e) {
            throw ApiError.of(e);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            throw ApiError.of(new SignalingException(SignalingException.Code.UNAVAILABLE, "the media report failed"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiError.of(new SignalingException(SignalingException.Code.UNAVAILABLE, "interrupted"));
        }
    }

    private JoinGrant verify(String token, String roomName, String who) throws ApiError {
        try {
            return joinTokens.verify(token, roomName);
        } catch (TokenError e) {
            throw ApiError.unauthorized("the " + who + "'s token was refused: " + e.getMessage());
        }
    }

    FullHttpResponse close(String roomName, String id) throws ApiError {
        try {
            relays().close(room(roomName), id);
            return ApiJson.noContent();
        } catch (SignalingException e) {
            throw ApiError.of(e);
        }
    }

    private static <T> T body(FullHttpRequest request, Class<T> type, String what) throws ApiError {
        try {
            return RelayWire.read(ByteBufUtil.getBytes(request.content()), type);
        } catch (IOException e) {
            throw ApiError.badRequest("the body must be " + what + " (docs/api.md, Relays)");
        }
    }

    private OriginRelays relays() throws ApiError {
        OriginRelays relays = rooms.originRelays();
        if (relays == null || registeredMedia == null) {
            throw ApiError.notFound("this node is not in a cluster: no relays");
        }
        return relays;
    }

    private Room room(String name) throws ApiError {
        Room room = rooms.get(name);
        if (room == null) {
            throw ApiError.notFound("no room " + name + " here");
        }
        return room;
    }

    private static FullHttpResponse json(HttpResponseStatus status, Object body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(RelayWire.write(body)));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return r;
    }
}
