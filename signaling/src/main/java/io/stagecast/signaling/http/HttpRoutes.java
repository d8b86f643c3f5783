package io.stagecast.signaling.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stagecast.signaling.SignalingException;
import io.stagecast.signaling.api.ApiRoutes;
import io.stagecast.signaling.cluster.RoomRouting;
import io.stagecast.signaling.room.MediaResource;
import io.stagecast.signaling.room.Room;
import io.stagecast.signaling.room.Rooms;
import io.stagecast.signaling.turn.IceServers;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.JoinTokens;
import io.stagecast.signaling.token.Role;
import io.stagecast.signaling.token.TokenError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Every plain HTTP request: WHIP and WHEP (RFC 9725 shape), the REST API ({@link ApiRoutes}),
 * health, readiness, metrics, and the web client's static files. Requests for {@code /ws} never get here: the WebSocket handler
 * upgrades them first.
 */
@ChannelHandler.Sharable
public final class HttpRoutes extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(HttpRoutes.class);
    static final String SDP = "application/sdp";
    /** RFC 6750 3: how a client learns that the resource wants a Bearer token. */
    private static final String BEARER_CHALLENGE = "Bearer realm=\"stagecast\"";

    private final Rooms rooms;
    private final JoinTokens tokens;
    private final PrometheusMeterRegistry prometheus;
    private final StaticFiles files;
    private final BooleanSupplier ready;
    private final ApiRoutes api;
    private final WhipWhepRoutes media;
    private final RoomRouting routing;

    public HttpRoutes(Rooms rooms, JoinTokens tokens, PrometheusMeterRegistry prometheus, StaticFiles files,
                      BooleanSupplier ready) {
        this(rooms, tokens, prometheus, files, ready, null);
    }

    /** @param api the REST API ({@code /api/v1}); null answers it with 404 */
    public HttpRoutes(Rooms rooms, JoinTokens tokens, PrometheusMeterRegistry prometheus, StaticFiles files,
                      BooleanSupplier ready, ApiRoutes api) {
        this(rooms, tokens, prometheus, files, ready, api, IceServers.NONE);
    }

    /** @param iceServers the TURN servers WHIP/WHEP answers name in {@code Link} headers (RFC 9725 4.6) */
    public HttpRoutes(Rooms rooms, JoinTokens tokens, PrometheusMeterRegistry prometheus, StaticFiles files,
                      BooleanSupplier ready, ApiRoutes api, IceServers iceServers) {
        this(rooms, tokens, prometheus, files, ready, api, iceServers, RoomRouting.alone());
    }

    /** @param routing which node serves a room (cluster mode): a WHIP/WHEP POST for another node's room is redirected there */
    public HttpRoutes(Rooms rooms, JoinTokens tokens, PrometheusMeterRegistry prometheus, StaticFiles files,
                      BooleanSupplier ready, ApiRoutes api, IceServers iceServers, RoomRouting routing) {
        super(true);
        this.media = new WhipWhepRoutes(rooms, tokens, iceServers, routing);
        this.routing = routing;
        this.api = api;
        this.rooms = rooms;
        this.tokens = tokens;
        this.prometheus = prometheus;
        this.files = files;
        this.ready = ready;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        ResponseOrder order = ResponseOrder.of(ctx, (keepAlive, response) -> send(ctx, keepAlive, response));
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!request.decoderResult().isSuccess()) {
            order.add(keepAlive, done(text(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request\n")));
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        List<String> parts = List.of(path.substring(1).split("/", -1));
        if (parts.get(0).equals("debug")) {
            order.add(keepAlive, debug(request, parts));
            return;
        }
        if (api != null && ApiRoutes.isApi(path)) {
            order.add(keepAlive, api(request, parts));
            return;
        }
        CompletableFuture<FullHttpResponse> response;
        try {
            response = route(request, path, parts);
        } catch (SignalingException e) {
            response = done(refusal(request, e));
        } catch (RuntimeException e) {
            log.warn("request {} {} failed", request.method(), path, e);
            response = done(text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error\n"));
        }
        order.add(keepAlive, response);
    }

    static CompletableFuture<FullHttpResponse> done(FullHttpResponse response) {
        return CompletableFuture.completedFuture(response);
    }

    /** The part of a request that needs the room's state: run by the room's executor. */
    interface RoomCall {
        CompletableFuture<FullHttpResponse> call() throws SignalingException;
    }

    /**
     * Hands {@code call} to the room's executor (issue 13: the event loop only decodes and
     * writes): refused with 503 when the room has its cap of requests waiting.
     */
    static CompletableFuture<FullHttpResponse> inRoom(Room room, FullHttpRequest request, RoomCall call) {
        return inRoom(room, request.headers().contains(HttpHeaderNames.AUTHORIZATION), call);
    }

    /** @param presented whether the request carried an Authorization header */
    static CompletableFuture<FullHttpResponse> inRoom(Room room, boolean presented, RoomCall call) {
        CompletableFuture<FullHttpResponse> response = new CompletableFuture<>();
        try {
            room.executor().submit(() -> {
                try {
                    call.call().whenComplete((r, failure) -> {
                        if (failure != null) {
                            log.warn("request in room {} failed", room.name(), failure);
                            response.complete(text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error\n"));
                        } else {
                            response.complete(r);
                        }
                    });
                } catch (SignalingException e) {
                    response.complete(refusal(presented, e));
                } catch (RuntimeException e) {
                    log.warn("request in room {} failed", room.name(), e);
                    response.complete(text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error\n"));
                }
            });
        } catch (RejectedExecutionException e) {
            response.complete(refusal(presented, SignalingException.busy("room " + room.name())));
        }
        return response;
    }

    /**
     * The REST API, off the loop: on the executor of the room the path names (when it exists),
     * else on the room workers (listing and creating rooms). The request is kept until then.
     */
    private CompletableFuture<FullHttpResponse> api(FullHttpRequest request, List<String> parts) {
        Room room = parts.size() >= 4 && parts.get(2).equals("rooms") ? rooms.get(roomSegment(parts.get(3))) : null;
        CompletableFuture<FullHttpResponse> response = new CompletableFuture<>();
        request.retain();
        Runnable call = () -> {
            try {
                response.complete(api.handle(request));
            } finally {
                request.release();
            }
        };
        try {
            if (room != null) {
                room.executor().submit(call);
            } else {
                rooms.workers().run(call);
            }
        } catch (RejectedExecutionException e) {
            request.release();
            response.complete(refusal(request, SignalingException.busy(room != null ? "room " + room.name() : "the node")));
        }
        return response;
    }

    /** A room name as the API reads it (percent-decoded, '+' kept); "" when it cannot be decoded. */
    private static String roomSegment(String raw) {
        try {
            return java.net.URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private CompletableFuture<FullHttpResponse> route(FullHttpRequest request, String path, List<String> parts)
            throws SignalingException {
        HttpMethod method = request.method();
        String first = parts.get(0);
        if ((first.equals("whip") || first.equals("whep")) && parts.size() >= 2 && !parts.get(1).isEmpty()) {
            return media.route(request, first.equals("whip") ? MediaResource.Kind.WHIP : MediaResource.Kind.WHEP, parts);
        }
        if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
            return done(text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed\n"));
        }
        switch (path) {
            case "/health":
                return done(text(HttpResponseStatus.OK, "ok\n"));
            case "/ready":
                return done(ready.getAsBoolean() ? text(HttpResponseStatus.OK, "ready\n")
                        : text(HttpResponseStatus.SERVICE_UNAVAILABLE, rooms.draining() ? "draining\n" : "starting\n"));
            case "/metrics": {
                FullHttpResponse r = text(HttpResponseStatus.OK, prometheus.scrape());
                r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                return done(r);
            }
            default:
                return done(files.serve(path));
        }
    }




    /**
     * {@code GET /debug/rooms/{room}/participants/{id}/media}: what the media plane forwards to one
     * participant, for operators (docs/protocol.md, media debug). Needs a reusable join token of a
     * moderator of that room: 401 without a valid token, 403 for anyone else (a token of another
     * room included), 404 for a participant not receiving there. The media plane answers on its
     * loop, so the response is written when it has. The token is never logged.
     */
    private CompletableFuture<FullHttpResponse> debug(FullHttpRequest request, List<String> parts) {
        try {
            if (parts.size() != 6 || !parts.get(1).equals("rooms") || !parts.get(3).equals("participants")
                    || !parts.get(5).equals("media") || parts.get(2).isEmpty() || parts.get(4).isEmpty()) {
                return done(text(HttpResponseStatus.NOT_FOUND, "not found\n"));
            }
            if (request.method() != HttpMethod.GET) {
                FullHttpResponse r = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed\n");
                r.headers().set(HttpHeaderNames.ALLOW, "GET");
                return done(r);
            }
            String roomName = parts.get(2);
            JoinGrant grant;
            try {
                grant = tokens.verify(bearerToken(request), roomName);
            } catch (TokenError e) {
                if (e.code() == TokenError.Code.WRONG_ROOM) {
                    throw SignalingException.forbidden("this token is not for room " + roomName);
                }
                throw new SignalingException(SignalingException.Code.UNAUTHORIZED, "token refused: " + e.getMessage());
            }
            Room room = rooms.get(roomName);
            if (room == null) {
                if (grant.role() != Role.MODERATOR) {
                    throw SignalingException.forbidden("only a moderator of room " + roomName + " may see this");
                }
                // Cluster mode: the room may be served by another node: 307 there (read-only look-up).
                String pathAndQuery = request.uri();
                FullHttpResponse notFound = refusal(request,
                        new SignalingException(SignalingException.Code.NOT_FOUND, "no room " + roomName));
                return routing.servedElsewhere(roomName).thenApply(elsewhere -> {
                    if (elsewhere.isEmpty()) {
                        return notFound;
                    }
                    notFound.release();
                    FullHttpResponse r = text(HttpResponseStatus.TEMPORARY_REDIRECT,
                            "room " + roomName + " is served by another node\n");
                    r.headers().set(HttpHeaderNames.LOCATION, elsewhere.get().locationOf(pathAndQuery));
                    return r;
                });
            }
            String participantId = parts.get(4);
            return inRoom(room, request, () -> room.mediaReport(grant, participantId).orTimeout(5, TimeUnit.SECONDS)
                    .handle((json, failure) -> {
                        FullHttpResponse r;
                        if (failure != null) {
                            log.debug("media report failed", failure);
                            // A refusal of the edge the participant watches at (cluster mode) is the edge's code.
                            r = SignalingException.causeOf(failure).map(e -> refusal(request, e))
                                    .orElseGet(() -> text(HttpResponseStatus.SERVICE_UNAVAILABLE, "the media report failed\n"));
                        } else {
                            r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                                    Unpooled.copiedBuffer(json.toPrettyString() + "\n", StandardCharsets.UTF_8));
                            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
                        }
                        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
                        return r;
                    }));
        } catch (SignalingException e) {
            return done(refusal(request, e));
        }
    }

    static String bearerToken(FullHttpRequest request) throws SignalingException {
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION, "");
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new SignalingException(SignalingException.Code.UNAUTHORIZED, "a Bearer token is required");
        }
        return header.substring(7).trim();
    }



    /** A refusal as HTTP: its status, a readable body, and the headers RFC 6750 and RFC 9110 ask for. */
    static FullHttpResponse refusal(FullHttpRequest request, SignalingException e) {
        return refusal(request.headers().contains(HttpHeaderNames.AUTHORIZATION), e);
    }

    /** @param presented whether the request carried an Authorization header */
    static FullHttpResponse refusal(boolean presented, SignalingException e) {
        FullHttpResponse r = text(e.code().httpStatus(), e.getMessage() + "\n");
        if (e.code() == SignalingException.Code.UNAUTHORIZED) {
            r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE,
                    presented ? BEARER_CHALLENGE + ", error=\"invalid_token\"" : BEARER_CHALLENGE);
        } else if (e.code() == SignalingException.Code.UNAVAILABLE || e.code() == SignalingException.Code.ROOM_FULL) {
            r.headers().set(HttpHeaderNames.RETRY_AFTER, "10");
        }
        return r;
    }

    static FullHttpResponse text(HttpResponseStatus status, String body) {
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        return r;
    }

    private static void send(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
        if (response.status().code() != HttpResponseStatus.NO_CONTENT.code()) {
            HttpUtil.setContentLength(response, response.content().readableBytes());
        }
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
