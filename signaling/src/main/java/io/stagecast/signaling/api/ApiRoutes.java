package io.stagecast.signaling.api;

import io.netty.handler.codec.http.FullHttpRequest;
import io.stagecast.signaling.cluster.RoomOrigin;
import io.stagecast.signaling.cluster.RoomRouting;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.stagecast.signaling.room.Rooms;
import io.stagecast.signaling.token.ApiCaller;
import io.stagecast.signaling.token.ApiTokens;
import io.stagecast.signaling.token.JoinTokens;
import io.stagecast.signaling.token.TokenError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The REST API, {@code /api/v1} (docs/api.md, docs/openapi.yaml): for the application's servers,
 * authenticated with a short-lived API token ({@link ApiTokens}) in {@code Authorization: Bearer}.
 * Checks the token (401) and the grant the route needs (403, before saying whether a room exists),
 * then hands the call to {@link RoomsApi}, {@link ParticipantsApi} or {@link TokensApi}. Every
 * answer is JSON; a refusal is {@code {"error": {"code", "message"}}} with the WebSocket's codes.
 * Called on the executor of the room the path names, or on the room workers when it is not
 * here (listing, creating, and in cluster mode looking up the node that serves it), never on a loop.
 */
public final class ApiRoutes {
    private static final Logger log = LoggerFactory.getLogger(ApiRoutes.class);
    public static final String PREFIX = "/api/v1";
    private static final String BEARER_CHALLENGE = "Bearer realm=\"stagecast-api\"";

    private final ApiTokens apiTokens;
    private final RoomsApi rooms;
    private final ParticipantsApi participants;
    private final TokensApi tokens;
    private final Rooms roomsHere;
    private final RoomRouting routing;
    private final RelaysApi relays;

    /** @param baseUrl the node's public base URL, for invitation links */
    public ApiRoutes(Rooms rooms, ApiTokens apiTokens, JoinTokens joinTokens, Supplier<String> baseUrl) {
        this(rooms, apiTokens, joinTokens, baseUrl, RoomRouting.alone());
    }

    /** @param routing which node serves a room (cluster mode): a room placed on another node is created there (307) */
    public ApiRoutes(Rooms rooms, ApiTokens apiTokens, JoinTokens joinTokens, Supplier<String> baseUrl,
                     RoomRouting routing) {
        this(rooms, apiTokens, joinTokens, baseUrl, routing, null);
    }

    /**
     * @param registeredMedia cluster mode: whether a live node (id) registered media on a host, for
     *                        the relays it may ask for; null alone (no relays)
     */
    public ApiRoutes(Rooms rooms, ApiTokens apiTokens, JoinTokens joinTokens, Supplier<String> baseUrl,
                     RoomRouting routing, java.util.function.BiPredicate<String, String> registeredMedia) {
        this.relays = new RelaysApi(rooms, joinTokens, registeredMedia);
        this.apiTokens = apiTokens;
        this.roomsHere = rooms;
        this.routing = routing;
        this.rooms = new RoomsApi(rooms, routing);
        this.participants = new ParticipantsApi(rooms);
        this.tokens = new TokensApi(joinTokens, baseUrl);
    }

    /** Whether the request is for the API (its path is {@code /api} or below). */
    public static boolean isApi(String path) {
        return path.equals("/api") || path.startsWith("/api/");
    }

    public FullHttpResponse handle(FullHttpRequest request) {
        String rawPath = new QueryStringDecoder(request.uri()).rawPath();
        try {
            List<String> parts = segments(rawPath);
            if (parts.size() < 3 || !parts.get(0).equals("api") || !parts.get(1).equals("v1")
                    || !parts.get(2).equals("rooms")) {
                throw ApiError.notFound("no such API path: " + rawPath + " (see docs/api.md)");
            }
            ApiCaller caller = authenticate(request);
            return route(request, caller, parts.subList(3, parts.size()));
        } catch (ApiError e) {
            FullHttpResponse r = ApiJson.error(e);
            if (e.code.equals("unauthorized")) {
                boolean presented = request.headers().contains(HttpHeaderNames.AUTHORIZATION);
                r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE,
                        presented ? BEARER_CHALLENGE + ", error=\"invalid_token\"" : BEARER_CHALLENGE);
            } else if (e.code.equals("method_not_allowed")) {
                r.headers().set(HttpHeaderNames.ALLOW, e.getMessage().substring("allowed: ".length()));
            }
            return r;
        } catch (RuntimeException e) {
            log.warn("API call {} {} failed", request.method(), rawPath, e);
            return ApiJson.error(new ApiError(io.netty.handler.codec.http.HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    "internal", "internal error"));
        }
    }

    private ApiCaller authenticate(FullHttpRequest request) throws ApiError {
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION, "");
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiError.unauthorized("an API token is required: Authorization: Bearer <token>");
        }
        try {
            return apiTokens.verify(header.substring(7).trim());
        } catch (TokenError e) {
            throw ApiError.unauthorized("API token refused (" + e.code().name().toLowerCase() + "): " + e.getMessage());
        }
    }

    /** {@code rest}: the segments after {@code /api/v1/rooms}. */
    private FullHttpResponse route(FullHttpRequest request, ApiCaller caller, List<String> rest) throws ApiError {
        HttpMethod method = request.method();
        if (rest.isEmpty()) {
            if (method.equals(HttpMethod.GET)) {
                require(caller.grants().mayListRooms(), "listing rooms needs the grant roomList");
                return rooms.list();
            }
            if (method.equals(HttpMethod.POST)) {
                require(caller.grants().mayCreateRooms(), "creating rooms needs the grant roomCreate");
                return rooms.create(request);
            }
            throw ApiError.methodNotAllowed("GET, POST");
        }
        String room = rest.get(0);
        RoomsApi.checkName(room);
        require(caller.grants().mayAdminister(room), "this token has no roomAdmin grant for room " + room);
        String what = rest.size() > 1 ? rest.get(1) : "";
        if (rest.size() == 6 && what.equals("relays") && rest.get(3).equals("viewers") && rest.get(5).equals("media")) {
            // The edge end of a relay: the room is the origin's, the viewer's media is here.
            get(method);
            return relays.viewerReport(room, rest.get(2), rest.get(4));
        }
        if (!what.equals("tokens") && roomsHere.get(room) == null) {
            // Cluster mode: a room served by another node is read and changed there (tokens are
            // minted anywhere: every node shares the secret). This runs on a room worker (the room
            // is not here), never a loop; the look-up is capped at placement's 1 s.
            Optional<RoomOrigin> elsewhere = routing.servedElsewhere(room).join();
            if (elsewhere.isPresent()) {
                return ApiJson.wrongNode(elsewhere.get(), request.uri(),
                        "room " + room + " is served by node " + elsewhere.get().nodeId() + ": ask it there");
            }
        }
        switch (rest.size()) {
            case 1:
                return switch (method.name()) {
                    case "GET" -> rooms.get(room);
                    case "PATCH" -> rooms.update(room, request);
                    case "DELETE" -> rooms.delete(room, request);
                    default -> throw ApiError.methodNotAllowed("GET, PATCH, DELETE");
                };
            case 2:
                switch (what) {
                    case "end":
                        post(method);
                        return rooms.end(room, request);
                    case "participants":
                        get(method);
                        return participants.list(room);
                    case "questions":
                        get(method);
                        return participants.questions(room);
                    case "tokens":
                        post(method);
                        return tokens.mint(room, request);
                    case "relays":
                        post(method);
                        return relays.open(room, request);
                    default:
                        break;
                }
                break;
            case 3:
                if (what.equals("session") && (rest.get(2).equals("start") || rest.get(2).equals("end"))) {
                    post(method);
                    return rest.get(2).equals("start") ? rooms.start(room, request) : rooms.end(room, request);
                }
                if (what.equals("relays")) {
                    return switch (method.name()) {
                        case "GET" -> relays.poll(room, rest.get(2), null);
                        case "PUT" -> relays.poll(room, rest.get(2), request);
                        case "DELETE" -> relays.close(room, rest.get(2));
                        default -> throw ApiError.methodNotAllowed("GET, PUT, DELETE");
                    };
                }
                if (what.equals("participants")) {
                    String id = rest.get(2);
                    return switch (method.name()) {
                        case "GET" -> participants.get(room, id);
                        case "PATCH" -> participants.update(room, id, request);
                        case "DELETE" -> participants.remove(room, id, request);
                        default -> throw ApiError.methodNotAllowed("GET, PATCH, DELETE");
                    };
                }
                break;
            case 4:
                if (what.equals("relays") && rest.get(3).equals("viewers")) {
                    post(method);
                    return relays.admit(room, rest.get(2), request);
                }
                if (what.equals("relays") && rest.get(3).equals("publishers")) {
                    post(method);
                    return relays.publish(room, rest.get(2), request);
                }
                break;
            default:
                break;
        }
        throw ApiError.notFound("no such API path (see docs/api.md)");
    }

    private static void require(boolean granted, String message) throws ApiError {
        if (!granted) {
            throw ApiError.forbidden(message);
        }
    }

    private static void post(HttpMethod method) throws ApiError {
        if (!method.equals(HttpMethod.POST)) {
            throw ApiError.methodNotAllowed("POST");
        }
    }

    private static void get(HttpMethod method) throws ApiError {
        if (!method.equals(HttpMethod.GET)) {
            throw ApiError.methodNotAllowed("GET");
        }
    }

    /**
     * The path's segments, each percent-decoded on its own (RFC 3986 3.3), so a room name may hold
     * an encoded '/' and a '+' stays a '+'. A trailing slash is ignored.
     */
    static List<String> segments(String rawPath) throws ApiError {
        String trimmed = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        List<String> parts = new ArrayList<>();
        for (String raw : trimmed.split("/", -1)) {
            try {
                parts.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest("bad percent-encoding in the path");
            }
        }
        return parts;
    }
}
