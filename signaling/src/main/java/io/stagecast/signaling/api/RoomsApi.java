package io.stagecast.signaling.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.stagecast.signaling.cluster.RoomOrigin;
import io.stagecast.signaling.cluster.RoomRouting;
import io.stagecast.signaling.SignalingException;
import io.stagecast.signaling.room.Room;
import io.stagecast.signaling.room.Rooms;
import io.stagecast.signaling.stage.AccessMode;
import io.stagecast.signaling.stage.Outcome;
import io.stagecast.signaling.stage.SessionState;
import io.stagecast.signaling.stage.SettingsChange;
import io.stagecast.signaling.stage.StageRoom;
import io.stagecast.signaling.stage.StageSettings;
import io.stagecast.signaling.ws.StageJson;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Rooms and their sessions: create (with settings, the lobby on or off, an idle limit), get, list,
 * change settings, start and end the session, delete. Every change goes through the stage as
 * {@link StageRoom#SERVER} ({@link Room#act}), so its refusals are the WebSocket's and its events
 * reach the room's clients as a moderator's would.
 */
final class RoomsApi {
    static final int MAX_NAME_CHARS = 128;
    static final Duration MIN_IDLE = Duration.ofSeconds(10);
    static final Duration MAX_IDLE = Duration.ofHours(24);

    private final Rooms rooms;
    private final RoomRouting routing;

    RoomsApi(Rooms rooms, RoomRouting routing) {
        this.rooms = rooms;
        this.routing = routing;
    }

    static void checkName(String name) throws ApiError {
        if (name == null || name.isBlank()) {
            throw ApiError.badRequest("a room name is required");
        }
        if (name.length() > MAX_NAME_CHARS || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw ApiError.badRequest("a room name is 1-" + MAX_NAME_CHARS + " characters with no control characters");
        }
    }

    FullHttpResponse list() {
        ArrayNode list = StageJson.MAPPER.createArrayNode();
        List<Room> all = rooms.all().stream().sorted(Comparator.comparing(Room::name)).toList();
        for (Room room : all) {
            list.add(view(room));
        }
        ObjectNode body = ApiJson.object();
        body.set("rooms", list);
        return ApiJson.ok(HttpResponseStatus.OK, body);
    }

    FullHttpResponse create(FullHttpRequest request) throws ApiError {
        ApiBodies.CreateRoom body = ApiJson.read(request, ApiBodies.CreateRoom.class);
        checkName(body.name());
        SettingsChange change = change(body.settings());
        Duration idle = idleLimit(body.idleTimeoutSeconds());
        boolean lobby = body.lobby() == null || body.lobby();
        if (rooms.draining()) {
            throw ApiError.draining();
        }
        // Cluster mode: the room is made where placement puts it (claimed now for the least-loaded
        // node when new). This runs on a room worker, never a loop; the wait is capped by the
        // placement's own timeout (1 s), and a room creation is rare.
        RoomOrigin origin = routing.originOf(body.name()).join();
        if (!origin.here()) {
            return ApiJson.wrongNode(origin, request.uri(),
                    "room " + body.name() + " is placed on another node: create it there");
        }
        Optional<Room> made;
        try {
            made = rooms.create(body.name(), room -> {
                // Nobody can reach the room yet, and every value was checked: none of this is refused.
                if (!change.equals(SettingsChange.NONE)) {
                    requireDone(room.act(s -> s.changeSettings(StageRoom.SERVER, change)));
                }
                if (!lobby) {
                    requireDone(room.act(s -> s.start(StageRoom.SERVER)));
                }
                if (idle != null) {
                    room.setIdleLimit(idle);
                }
            });
        } catch (SignalingException e) {
            throw ApiError.of(e);
        }
        if (made.isEmpty()) {
            throw ApiError.invalidState("room " + body.name() + " exists already");
        }
        return ApiJson.ok(HttpResponseStatus.CREATED, view(made.get()));
    }

    FullHttpResponse get(String name) throws ApiError {
        return ApiJson.ok(HttpResponseStatus.OK, view(existing(name)));
    }

    FullHttpResponse update(String name, FullHttpRequest request) throws ApiError {
        ApiBodies.UpdateRoom body = ApiJson.read(request, ApiBodies.UpdateRoom.class);
        Room room = existing(name);
        SettingsChange change = change(body);
        Duration idle = idleLimit(body.idleTimeoutSeconds());
        if (change.equals(SettingsChange.NONE) && idle == null) {
            throw ApiError.badRequest("nothing to change");
        }
        if (!change.equals(SettingsChange.NONE)) {
            require(room.act(s -> s.changeSettings(StageRoom.SERVER, change)));
        }
        if (idle != null) {
            room.setIdleLimit(idle);
        }
        return ApiJson.ok(HttpResponseStatus.OK, view(room));
    }

    FullHttpResponse start(String name, FullHttpRequest request) throws ApiError {
        ApiJson.read(request, ApiBodies.Empty.class);
        Room room = existing(name);
        require(room.act(s -> s.start(StageRoom.SERVER)));
        return ApiJson.ok(HttpResponseStatus.OK, view(room));
    }

    /** The session ends for everyone: publishing revoked, every connection closed; the room stays until idle. */
    FullHttpResponse end(String name, FullHttpRequest request) throws ApiError {
        ApiJson.read(request, ApiBodies.Empty.class);
        Room room = existing(name);
        require(room.act(s -> s.end(StageRoom.SERVER)));
        return ApiJson.ok(HttpResponseStatus.OK, view(room));
    }

    /** Ends the session (if it has not ended) so clients are told why, then removes the room. */
    FullHttpResponse delete(String name, FullHttpRequest request) throws ApiError {
        ApiJson.read(request, ApiBodies.Empty.class);
        Room room = existing(name);
        room.act(s -> s.session() == SessionState.ENDED ? new Outcome.Done(List.of()) : s.end(StageRoom.SERVER));
        rooms.remove(name, "deleted");
        return ApiJson.noContent();
    }

    private Room existing(String name) throws ApiError {
        Room room = rooms.get(name);
        if (room == null) {
            throw ApiError.notFound("no room " + name);
        }
        return room;
    }

    /** The room as the API shows it (one read under the room's lock). */
    static ObjectNode view(Room room) {
        ObjectNode node = ApiJson.object();
        node.put("name", room.name());
        room.read(s -> {
            node.put("session", s.session().name().toLowerCase());
            node.set("settings", StageJson.MAPPER.valueToTree(s.settings()));
            node.put("participants", s.participants().size());
            node.put("lobbyWaiting", s.lobbySize());
            return null;
        });
        node.put("connections", room.size());
        node.put("idleTimeoutSeconds", room.idleLimit().toSeconds());
        node.put("createdAt", room.createdAt().toString());
        return node;
    }

    /** The stage's part of a settings body, checked as the stage would check it. */
    private static SettingsChange change(ApiBodies.UpdateRoom body) throws ApiError {
        SettingsChange c = SettingsChange.NONE;
        if (body.accessMode() != null) {
            try {
                c = c.withAccessMode(AccessMode.fromWire(body.accessMode()));
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest(e.getMessage());
            }
        }
        if (body.capacity() != null) {
            if (body.capacity() < 1 || body.capacity() > StageSettings.MAX_CAPACITY) {
                throw ApiError.badRequest("capacity must be 1.." + StageSettings.MAX_CAPACITY);
            }
            c = c.withCapacity(body.capacity());
        }
        if (body.lastN() != null) {
            if (body.lastN() < 1 || body.lastN() > StageSettings.MAX_LAST_N) {
                throw ApiError.badRequest("lastN must be 1.." + StageSettings.MAX_LAST_N);
            }
            c = c.withLastN(body.lastN());
        }
        if (body.chatEnabled() != null) {
            c = c.withChatEnabled(body.chatEnabled());
        }
        if (body.reactionsEnabled() != null) {
            c = c.withReactionsEnabled(body.reactionsEnabled());
        }
        if (body.pollsEnabled() != null) {
            c = c.withPollsEnabled(body.pollsEnabled());
        }
        if (body.qaEnabled() != null) {
            c = c.withQaEnabled(body.qaEnabled());
        }
        if (body.strongMute() != null) {
            c = c.withStrongMute(body.strongMute());
        }
        if (body.locked() != null) {
            c = c.withLocked(body.locked());
        }
        return c;
    }

    private static Duration idleLimit(Integer seconds) throws ApiError {
        if (seconds == null) {
            return null;
        }
        if (seconds < MIN_IDLE.toSeconds() || seconds > MAX_IDLE.toSeconds()) {
            throw ApiError.badRequest("idleTimeoutSeconds must be " + MIN_IDLE.toSeconds() + ".." + MAX_IDLE.toSeconds());
        }
        return Duration.ofSeconds(seconds);
    }

    static void require(Outcome outcome) throws ApiError {
        if (outcome instanceof Outcome.Refused refused) {
            throw ApiError.of(refused);
        }
    }

    private static void requireDone(Outcome outcome) {
        if (outcome instanceof Outcome.Refused refused) {
            throw new IllegalStateException("a new room refused its settings: " + refused);
        }
    }
}
