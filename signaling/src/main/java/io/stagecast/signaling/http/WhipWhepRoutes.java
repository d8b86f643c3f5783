package io.stagecast.signaling.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.stagecast.signaling.SignalingException;
import io.stagecast.signaling.cluster.RoomRouting;
import io.stagecast.signaling.room.EdgeRooms;
import io.stagecast.signaling.room.MediaAnswer;
import io.stagecast.signaling.room.MediaResource;
import io.stagecast.signaling.room.Room;
import io.stagecast.signaling.room.Rooms;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.JoinTokens;
import io.stagecast.signaling.token.TokenError;
import io.stagecast.signaling.turn.IceServers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.stagecast.signaling.http.HttpRoutes.SDP;
import static io.stagecast.signaling.http.HttpRoutes.bearerToken;
import static io.stagecast.signaling.http.HttpRoutes.done;
import static io.stagecast.signaling.http.HttpRoutes.inRoom;
import static io.stagecast.signaling.http.HttpRoutes.refusal;
import static io.stagecast.signaling.http.HttpRoutes.text;

/**
 * WHIP and WHEP (RFC 9725) on the signaling port: an offer's checks on the event loop (content
 * type, token), placement in cluster mode, then the session made on the room's executor; DELETE
 * of a session by the token that made it. {@link HttpRoutes} hands every {@code /whip/} and
 * {@code /whep/} request here.
 */
final class WhipWhepRoutes {
    private static final Logger log = LoggerFactory.getLogger(WhipWhepRoutes.class);
    private static final String ACCEPT_POST = "Accept-Post";

    private final Rooms rooms;
    private final JoinTokens tokens;
    private final IceServers iceServers;
    private final RoomRouting routing;

    WhipWhepRoutes(Rooms rooms, JoinTokens tokens, IceServers iceServers, RoomRouting routing) {
        this.rooms = rooms;
        this.tokens = tokens;
        this.iceServers = iceServers;
        this.routing = routing;
    }

    /**
     * WHIP publishes to a room's stage, WHEP watches it (RFC 9725): {@code POST} an offer to the
     * endpoint {@code /{kind}/{room}}, {@code DELETE} the resource URL it answers with,
     * {@code OPTIONS} on either.
     */
    CompletableFuture<FullHttpResponse> route(FullHttpRequest request, MediaResource.Kind kind, List<String> parts)
            throws SignalingException {
        String roomName = parts.get(1);
        HttpMethod method = request.method();
        boolean endpoint = parts.size() == 2;
        boolean resource = parts.size() == 3 && !parts.get(2).isEmpty();
        if (!endpoint && !resource) {
            return done(text(HttpResponseStatus.NOT_FOUND, "not found\n"));
        }
        String allow = endpoint ? "OPTIONS, POST" : "OPTIONS, DELETE, PATCH";
        if (method == HttpMethod.OPTIONS) {
            // RFC 9725 4.1: what the endpoint takes. CORS preflights of allowed origins were answered before.
            FullHttpResponse r = text(HttpResponseStatus.NO_CONTENT, "");
            r.headers().remove(HttpHeaderNames.CONTENT_TYPE);
            r.headers().set(HttpHeaderNames.ALLOW, allow);
            if (endpoint) {
                r.headers().set(ACCEPT_POST, SDP);
            }
            return done(r);
        }
        if (endpoint && method == HttpMethod.POST) {
            String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
            if (!contentType.toLowerCase().startsWith(SDP)) {
                FullHttpResponse r = text(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "the body must be application/sdp\n");
                r.headers().set(ACCEPT_POST, SDP);
                return done(r);
            }
            String token = bearerToken(request);
            JoinGrant grant = verify(token, roomName);
            String offer = request.content().toString(StandardCharsets.UTF_8);
            String identity = identityOf(grant, token);
            boolean presented = request.headers().contains(HttpHeaderNames.AUTHORIZATION);
            String pathAndQuery = request.uri();
            // Placement first (cluster mode, off the loop): a room served by another node is sent
            // there before any session exists (RFC 9725 4.5); 307 keeps the method and the offer.
            return routing.originOf(roomName).thenCompose(origin -> {
                EdgeRooms edges = rooms.edges();
                if (!origin.here() && edges != null && edges.servesKind(kind)) {
                    // cluster.edge-whep / edge-whip: watched (published) here, relayed from (to) the
                    // origin, which admits the viewer (puts the encoder on stage) by its token, and
                    // uses a single-use link up, as the room's tokens are kept there.
                    CompletableFuture<MediaAnswer> served = kind == MediaResource.Kind.WHEP
                            ? edges.whep(roomName, origin.url(), grant, token, identity, offer)
                            : edges.whip(roomName, origin.url(), grant, token, identity, offer);
                    return served
                            .thenApply(answer -> created(answer, identity))
                            .exceptionally(failure -> {
                                java.util.Optional<SignalingException> refused = SignalingException.causeOf(failure);
                                if (refused.isPresent()) {
                                    return refusal(presented, refused.get());
                                }
                                Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                                log.info("{} at the edge for room {}: the origin's relay failed: {}", kind.path(), roomName,
                                        cause.toString());
                                return text(HttpResponseStatus.SERVICE_UNAVAILABLE,
                                        "the room's node could not relay it here; try again\n");
                            });
                }
                if (!origin.here()) {
                    return done(redirect(origin.locationOf(pathAndQuery)));
                }
                try {
                    return offer(rooms.forJoin(roomName, null), kind, grant, identity, offer, presented);
                } catch (SignalingException e) {
                    return done(refusal(presented, e));
                }
            }).exceptionally(failure -> {
                log.warn("{} POST to room {} failed", kind.path(), roomName, failure);
                return text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error\n");
            });
        }
        if (resource && method == HttpMethod.DELETE) {
            // The token of the POST, even a single-use one that POST used up.
            JoinGrant grant;
            try {
                grant = tokens.verifyRedeemed(bearerToken(request), roomName);
            } catch (TokenError e) {
                throw new SignalingException(SignalingException.Code.UNAUTHORIZED, "token refused: " + e.getMessage());
            }
            Room room = rooms.get(roomName);
            String secret = parts.get(2);
            EdgeRooms edges = rooms.edges();
            if (room == null && edges != null && edges.serves(roomName)) {
                edges.delete(roomName, kind, secret, grant);
                return done(text(HttpResponseStatus.OK, ""));
            }
            if (room == null) {
                throw new SignalingException(SignalingException.Code.NOT_FOUND, "no such " + kind.path() + " resource");
            }
            return inRoom(room, request, () -> {
                room.deleteResource(kind, secret, grant);
                return done(text(HttpResponseStatus.OK, ""));
            });
        }
        FullHttpResponse r = resource && method == HttpMethod.PATCH
                // RFC 9725 4.3: trickle ICE is optional; we are ICE-lite with all candidates in the answer.
                ? text(HttpResponseStatus.METHOD_NOT_ALLOWED, "trickle ICE is not supported\n")
                : text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed\n");
        r.headers().set(HttpHeaderNames.ALLOW, allow);
        return done(r);
    }

    /** A WHIP/WHEP offer for a room served here, answered on the room's executor. */
    private CompletableFuture<FullHttpResponse> offer(Room room, MediaResource.Kind kind, JoinGrant grant,
                                                      String identity, String offer, boolean presented) {
        return inRoom(room, presented, () -> {
            MediaAnswer answer = kind == MediaResource.Kind.WHIP ? room.whipPublish(grant, identity, offer)
                    : room.whepView(grant, identity, offer);
            return done(created(answer, identity));
        });
    }

    /** 201 with the answer, the resource's URL and entity tag, and the ICE servers (RFC 9725 4.2, 4.6). */
    private FullHttpResponse created(MediaAnswer answer, String identity) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CREATED,
                Unpooled.copiedBuffer(answer.sdp(), StandardCharsets.UTF_8));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, SDP);
        r.headers().set(HttpHeaderNames.LOCATION, answer.resource().location());
        r.headers().set(HttpHeaderNames.ETAG, answer.resource().etag());
        for (String link : iceServers.linkHeaders(identity)) {
            r.headers().add("Link", link);
        }
        return r;
    }

    /** 307: the same request, method and body kept (RFC 9110 15.4.8), to the node that serves the room. */
    private static FullHttpResponse redirect(String location) {
        FullHttpResponse r = text(HttpResponseStatus.TEMPORARY_REDIRECT, "this room is served at " + location + "\n");
        r.headers().set(HttpHeaderNames.LOCATION, location);
        return r;
    }

    /** Checks the token; a single-use one is used up only by the join it makes (the room redeems it). */
    private JoinGrant verify(String token, String room) throws SignalingException {
        try {
            return tokens.verify(token, room);
        } catch (TokenError e) {
            throw new SignalingException(SignalingException.Code.UNAUTHORIZED, "token refused: " + e.getMessage());
        }
    }

    /**
     * Who counts as one client for the per-token cap: the participant a token names, else the
     * token's id, else the token itself (hashed, so the key in memory is not a usable token).
     */
    static String identityOf(JoinGrant grant, String token) {
        if (grant.named()) {
            return "sub:" + grant.participantId();
        }
        if (grant.tokenId() != null) {
            return "jti:" + grant.tokenId();
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JRE", e);
        }
    }
}
