package io.stagecast.signaling.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.stagecast.signaling.room.Participant;
import io.stagecast.signaling.room.Room;
import io.stagecast.signaling.room.Rooms;
import io.stagecast.signaling.stage.Outcome;
import io.stagecast.signaling.stage.ParticipantState;
import io.stagecast.signaling.stage.QuestionView;
import io.stagecast.signaling.stage.StageRoom;
import io.stagecast.signaling.stage.TrackKind;
import io.stagecast.signaling.token.Role;
import io.stagecast.signaling.ws.StageJson;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The people of a room: list, get, change one thing (role; bring to or remove from the stage; force
 * a microphone or camera off or allow it again; block from chat), remove from the room; and the
 * room's questions. Changes are the moderator actions of the stage, taken as {@link StageRoom#SERVER}.
 */
final class ParticipantsApi {
    private final Rooms rooms;

    ParticipantsApi(Rooms rooms) {
        this.rooms = rooms;
    }

    FullHttpResponse list(String name) throws ApiError {
        Room room = existing(name);
        ArrayNode list = room.read(s -> {
            ArrayNode rows = StageJson.MAPPER.createArrayNode();
            for (ParticipantState p : s.participants()) {
                rows.add(row(room, p));
            }
            return rows;
        });
        ObjectNode body = ApiJson.object();
        body.set("participants", list);
        return ApiJson.ok(HttpResponseStatus.OK, body);
    }

    FullHttpResponse get(String name, String id) throws ApiError {
        Room room = existing(name);
        return ApiJson.ok(HttpResponseStatus.OK, participant(room, id));
    }

    /** Exactly one change per call, so a refusal always leaves the participant as it was. */
    FullHttpResponse update(String name, String id, FullHttpRequest request) throws ApiError {
        ApiBodies.UpdateParticipant body = ApiJson.read(request, ApiBodies.UpdateParticipant.class);
        Room room = existing(name);
        if (body.changes() != 1) {
            throw ApiError.badRequest("name exactly one change: role, place, microphoneForcedOff, cameraForcedOff"
                    + " or chatBlocked");
        }
        Function<StageRoom, Outcome> action = action(id, body);
        RoomsApi.require(room.act(action));
        // Done, and the change may have ended the connection: a WHIP encoder moved off the stage
        // leaves the room (it cannot watch). 204 says so, where 404 would say the change failed.
        Optional<ObjectNode> after = room.read(s -> s.participant(id).map(p -> row(room, p)));
        return after.isPresent() ? ApiJson.ok(HttpResponseStatus.OK, after.get()) : ApiJson.noContent();
    }

    FullHttpResponse remove(String name, String id, FullHttpRequest request) throws ApiError {
        ApiJson.read(request, ApiBodies.Empty.class);
        Room room = existing(name);
        RoomsApi.require(room.act(s -> s.removeFromRoom(StageRoom.SERVER, id)));
        return ApiJson.noContent();
    }

    FullHttpResponse questions(String name) throws ApiError {
        Room room = existing(name);
        ObjectNode body = ApiJson.object();
        room.read(s -> {
            ArrayNode list = body.putArray("questions");
            for (QuestionView q : s.questions()) {
                list.add(StageJson.MAPPER.<ObjectNode>valueToTree(q));
            }
            body.put("pinnedQuestionId", s.pinnedQuestion());
            return null;
        });
        return ApiJson.ok(HttpResponseStatus.OK, body);
    }

    private static Function<StageRoom, Outcome> action(String id, ApiBodies.UpdateParticipant body) throws ApiError {
        if (body.role() != null) {
            Role role;
            try {
                role = Role.fromWire(body.role());
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest(e.getMessage());
            }
            return s -> s.setRole(StageRoom.SERVER, id, role);
        }
        if (body.place() != null) {
            return switch (body.place()) {
                case "stage" -> s -> s.bringToStage(StageRoom.SERVER, id);
                case "viewer" -> s -> s.removeFromStage(StageRoom.SERVER, id);
                default -> throw ApiError.badRequest("place is 'stage' or 'viewer'");
            };
        }
        if (body.microphoneForcedOff() != null) {
            return forced(id, TrackKind.MICROPHONE, body.microphoneForcedOff());
        }
        if (body.cameraForcedOff() != null) {
            return forced(id, TrackKind.CAMERA, body.cameraForcedOff());
        }
        boolean blocked = body.chatBlocked();
        return s -> s.blockChat(StageRoom.SERVER, id, blocked);
    }

    private static Function<StageRoom, Outcome> forced(String id, TrackKind kind, boolean off) {
        return off ? s -> s.forceOff(StageRoom.SERVER, id, kind) : s -> s.allowTrack(StageRoom.SERVER, id, kind);
    }

    private static ObjectNode participant(Room room, String id) throws ApiError {
        Optional<ObjectNode> row = room.read(s -> s.participant(id).map(p -> row(room, p)));
        return row.orElseThrow(() -> ApiError.notFound("no participant " + id + " in room " + room.name()));
    }

    /** The stage's participant row and how it is connected ({@code websocket}, {@code whip}, {@code whep} or null). */
    private static ObjectNode row(Room room, ParticipantState p) {
        ObjectNode node = StageJson.participant(p);
        Participant.Via via = room.connectionOf(p.id());
        node.put("connection", via == null ? null : via.name().toLowerCase(Locale.ROOT));
        return node;
    }

    private Room existing(String name) throws ApiError {
        Room room = rooms.get(name);
        if (room == null) {
            throw ApiError.notFound("no room " + name);
        }
        return room;
    }
}
