package io.stagecast.signaling.ws;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecast.signaling.room.DominantSpeaker;
import io.stagecast.signaling.room.JoinResult;
import io.stagecast.signaling.stage.AccessMode;
import io.stagecast.signaling.stage.ParticipantState;
import io.stagecast.signaling.stage.RoomSnapshot;
import io.stagecast.signaling.stage.StageEvent;
import io.stagecast.signaling.token.Role;

import java.io.IOException;
import java.time.Instant;

/**
 * The wire form of the stage model (docs/protocol.md): records become objects with the same field
 * names, enums their lower-case wire names, instants ISO-8601 strings; participants and snapshots
 * have the shapes the protocol documents.
 */
public final class StageJson {
    public static final ObjectMapper MAPPER = new ObjectMapper().registerModule(module());

    private StageJson() {
    }

    /** {@code {"event": type, ...fields of the record}}. */
    public static ObjectNode event(StageEvent event) {
        ObjectNode node = MAPPER.valueToTree(event);
        ObjectNode out = MAPPER.createObjectNode();
        out.put("event", event.type());
        out.setAll(node);
        return out;
    }

    public static ObjectNode snapshot(RoomSnapshot snapshot) {
        return MAPPER.valueToTree(snapshot);
    }

    /** {@code room.admitted}: the snapshot, with the media plane's dominant speaker in it. */
    public static ObjectNode admitted(RoomSnapshot snapshot, DominantSpeaker speaker) {
        ObjectNode out = MAPPER.createObjectNode();
        out.put("event", "room.admitted");
        ObjectNode data = snapshot(snapshot);
        data.set("dominantSpeaker", dominantSpeaker(speaker));
        out.set("snapshot", data);
        return out;
    }

    /** The data of the {@code join} response: the snapshot plus who the client is. */
    public static ObjectNode joined(JoinResult joined) {
        ObjectNode data = snapshot(joined.snapshot());
        data.put("participantId", joined.participantId());
        data.put("name", joined.name());
        data.put("role", joined.role().wireName());
        data.put("viewOnly", joined.viewOnly());
        data.put("mayPublish", !joined.viewOnly());
        if (joined.lobbyWaiting() != null) {
            data.put("lobbyWaiting", joined.lobbyWaiting());
        }
        data.set("dominantSpeaker", dominantSpeaker(joined.dominantSpeaker()));
        return data;
    }

    private static ObjectNode dominantSpeaker(DominantSpeaker speaker) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("participantId", speaker.participantId());
        node.put("trackId", speaker.trackId());
        return node;
    }

    public static ObjectNode participant(ParticipantState p) {
        return MAPPER.valueToTree(p);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static SimpleModule module() {
        SimpleModule module = new SimpleModule("stagecast-wire");
        module.addSerializer(Instant.class, new JsonSerializer<>() {
            @Override
            public void serialize(Instant value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(value.toString());
            }
        });
        module.addSerializer((Class) Enum.class, new JsonSerializer<Enum<?>>() {
            @Override
            public void serialize(Enum<?> value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                if (value instanceof Role role) {
                    gen.writeString(role.wireName());
                } else if (value instanceof AccessMode mode) {
                    gen.writeString(mode.wireName());
                } else {
                    gen.writeString(value.name().toLowerCase());
                }
            }
        });
        module.addSerializer(ParticipantState.class, new JsonSerializer<>() {
            @Override
            public void serialize(ParticipantState p, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeStartObject();
                gen.writeStringField("id", p.id());
                gen.writeStringField("name", p.name());
                gen.writeStringField("role", p.role().wireName());
                gen.writeBooleanField("mobile", p.mobile());
                gen.writeStringField("place", p.place().name().toLowerCase());
                gen.writeBooleanField("microphoneOn", p.microphoneOn());
                gen.writeBooleanField("cameraOn", p.cameraOn());
                gen.writeBooleanField("screenSharing", p.screenSharing());
                gen.writeBooleanField("microphoneForcedOff", p.microphoneForcedOff());
                gen.writeBooleanField("cameraForcedOff", p.cameraForcedOff());
                if (p.handRaisedAt() == null) {
                    gen.writeNullField("hand");
                } else {
                    gen.writeObjectFieldStart("hand");
                    gen.writeStringField("raisedAt", p.handRaisedAt().toString());
                    gen.writeNumberField("order", p.handOrder());
                    gen.writeEndObject();
                }
                gen.writeBooleanField("stageRequested", p.stageRequested());
                gen.writeBooleanField("invited", p.invited());
                gen.writeBooleanField("chatBlocked", p.chatBlocked());
                gen.writeBooleanField("connected", p.connected());
                gen.writeEndObject();
            }
        });
        module.addSerializer(RoomSnapshot.class, new JsonSerializer<>() {
            @Override
            public void serialize(RoomSnapshot s, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeStartObject();
                gen.writeStringField("room", s.roomId());
                gen.writeObjectField("session", s.session());
                gen.writeObjectField("settings", s.settings());
                gen.writeObjectField("you", s.you());
                gen.writeObjectField("participants", s.participants());
                gen.writeObjectField("raisedHands", s.raisedHands());
                gen.writeObjectField("spotlight", s.spotlight());
                gen.writeObjectField("chat", s.chat());
                gen.writeObjectField("pinnedMessageId", s.pinnedMessageId());
                gen.writeObjectField("polls", s.polls());
                gen.writeObjectField("invitationExpiresInMillis", s.invitationExpiresInMillis());
                gen.writeObjectField("questions", s.questions());
                gen.writeObjectField("pinnedQuestionId", s.pinnedQuestionId());
                if (s.backchannel() != null) {
                    // Absent, not empty, for whoever may not read it: nothing of it reaches an attendee.
                    gen.writeObjectField("backchannel", s.backchannel());
                }
                gen.writeEndObject();
            }
        });
        return module;
    }
}
