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
import io.stagecast.signaling.room.Room;
import io.stagecast.signaling.room.Rooms;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.JoinTokens;
import io.stagecast.signaling.token.RandomIds;
import io.stagecast.signaling.token.TokenError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Every plain HTTP request: WHIP and WHEP (RFC 9725 shape), health, readiness, metrics, and the
 * web client's static files. Requests for {@code /ws} never get here: the WebSocket handler
 * upgrades them first.
 */
@ChannelHandler.Sharable
public final class HttpRoutes extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(HttpRoutes.class);
    private static final String SDP = "application/sdp";

    private final Rooms rooms;
    private final JoinTokens tokens;
    private final PrometheusMeterRegistry prometheus;
    private final StaticFiles files;
    private final BooleanSupplier ready;

    public HttpRoutes(Rooms rooms, JoinTokens tokens, PrometheusMeterRegistry prometheus, StaticFiles files,
                      BooleanSupplier ready) {
        super(true);
        this.rooms = rooms;
        this.tokens = tokens;
        this.prometheus = prometheus;
        this.files = files;
        this.ready = ready;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            send(ctx, request, text(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request\n"));
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        List<String> parts = List.of(path.substring(1).split("/", -1));
        FullHttpResponse response;
        try {
            response = route(request, path, parts);
        } catch (SignalingException e) {
            response = text(statusOf(e.code()), e.getMessage() + "\n");
        } catch (RuntimeException e) {
            log.warn("request {} {} failed", request.method(), path, e);
            response = text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error\n");
        }
        send(ctx, request, response);
    }

    private FullHttpResponse route(FullHttpRequest request, String path, List<String> parts) throws SignalingException {
        HttpMethod method = request.method();
        String first = parts.get(0);
        if ((first.equals("whip") || first.equals("whep")) && parts.size() >= 2 && !parts.get(1).isEmpty()) {
            return media(request, first.equals("whip"), parts);
        }
        if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
            return text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed\n");
        }
        switch (path) {
            case "/health":
                return text(HttpResponseStatus.OK, "ok\n");
            case "/ready":
                return ready.getAsBoolean() ? text(HttpResponseStatus.OK, "ready\n")
                        : text(HttpResponseStatus.SERVICE_UNAVAILABLE, "starting\n");
            case "/metrics": {
                FullHttpResponse r = text(HttpResponseStatus.OK, prometheus.scrape());
                r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                return r;
            }
            default:
                return files.serve(path);
        }
    }

    /** WHIP publishes to a room's stage, WHEP watches it; both: POST offer, DELETE resource. */
    private FullHttpResponse media(FullHttpRequest request, boolean whip, List<String> parts) throws SignalingException {
        String roomName = parts.get(1);
        String kind = whip ? "whip" : "whep";
        HttpMethod method = request.method();
        if (parts.size() == 2 && method == HttpMethod.POST) {
            String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
            if (!contentType.toLowerCase().startsWith(SDP)) {
                return text(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "the body must be application/sdp\n");
            }
            JoinGrant grant = authorize(request, roomName);
            String offer = request.content().toString(StandardCharsets.UTF_8);
            String resourceId = kind + "-" + RandomIds.participantId();
            Room room = rooms.getOrCreate(roomName);
            String answer = whip ? room.whipPublish(grant, resourceId, offer) : room.whepView(grant, resourceId, offer);
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CREATED,
                    Unpooled.copiedBuffer(answer, StandardCharsets.UTF_8));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, SDP);
            r.headers().set(HttpHeaderNames.LOCATION, "/" + kind + "/" + roomName + "/" + resourceId);
            return r;
        }
        if (parts.size() == 3) {
            if (method == HttpMethod.DELETE) {
                authorize(request, roomName);
                Room room = rooms.get(roomName);
                if (room == null || !room.leave(parts.get(2), kind + " resource deleted")) {
                    throw new SignalingException(SignalingException.Code.NOT_FOUND, "no such " + kind + " resource");
                }
                return text(HttpResponseStatus.OK, "");
            }
            if (method == HttpMethod.PATCH) {
                // RFC 9725 4.3: trickle ICE is optional; we are ICE-lite with all candidates in the answer.
                FullHttpResponse r = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "trickle ICE is not supported\n");
                r.headers().set(HttpHeaderNames.ALLOW, "DELETE");
                return r;
            }
        }
        FullHttpResponse r = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed\n");
        r.headers().set(HttpHeaderNames.ALLOW, parts.size() == 2 ? "POST" : "DELETE, PATCH");
        return r;
    }

    private JoinGrant authorize(FullHttpRequest request, String room) throws SignalingException {
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION, "");
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new SignalingException(SignalingException.Code.UNAUTHORIZED, "a Bearer token is required");
        }
        try {
            return tokens.verify(header.substring(7).trim(), room);
        } catch (TokenError e) {
            throw new SignalingException(SignalingException.Code.UNAUTHORIZED, "token refused: " + e.getMessage());
        }
    }

    private static HttpResponseStatus statusOf(SignalingException.Code code) {
        return switch (code) {
            case FORBIDDEN -> HttpResponseStatus.FORBIDDEN;
            case UNAUTHORIZED -> HttpResponseStatus.UNAUTHORIZED;
            case NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
            case INVALID_STATE -> HttpResponseStatus.CONFLICT;
            case RATE_LIMITED -> HttpResponseStatus.TOO_MANY_REQUESTS;
            case BAD_REQUEST, INVALID_NAME -> HttpResponseStatus.BAD_REQUEST;
        };
    }

    static FullHttpResponse text(HttpResponseStatus status, String body) {
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        return r;
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response) {
        HttpUtil.setContentLength(response, response.content().readableBytes());
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
