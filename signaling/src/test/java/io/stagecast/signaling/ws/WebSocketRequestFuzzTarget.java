package io.stagecast.signaling.ws;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecast.signaling.SignalingException;
import io.stagecast.signaling.stage.StageRoom;
import io.stagecast.signaling.token.Role;

import java.nio.charset.StandardCharsets;

/**
 * Fuzz target: a WebSocket text message as the session decodes it (one JSON value, strict: no
 * duplicate keys, nothing after it) and, when it names a stage request, that request applied to a
 * live room by one of its participants (a moderator, a speaker, an attendee, or a stranger), as
 * the session does. A message is answered with a {@link SignalingException} (a code for the client)
 * or applied; any other exception is a bug (the session would answer "request failed"). The room
 * lives across inputs and is made anew every 512, so sequences of requests are fuzzed too.
 */
public final class WebSocketRequestFuzzTarget {
    private static final String[] ACTORS = {"mod", "spk", "att", "stranger"};
    private static StageRoom room;
    private static int inputs;

    private WebSocketRequestFuzzTarget() {
    }

    public static void fuzzerTestOneInput(byte[] data) {
        if (data.length < 1) {
            return;
        }
        if (room == null || inputs++ % 512 == 0) {
            room = new StageRoom("fuzz");
            room.join("mod", "Moderator", Role.MODERATOR, false, false);
            room.start("mod");
            room.join("spk", "Speaker", Role.SPEAKER, false, false);
            room.join("att", "Attendee", Role.ATTENDEE, true, false);
        }
        String actor = ACTORS[data[0] & 3];
        String text = new String(data, 1, data.length - 1, StandardCharsets.UTF_8);
        try {
            JsonNode request = WebSocketSession.readOneValue(text);
            if (request == null || !request.isObject()) {
                return; // the session answers "a request is a JSON object"
            }
            String type = request.path("type").asText("");
            if (StageRequests.handles(type)) {
                StageRequests.dispatch(room, actor, type, request);
            }
        } catch (SignalingException refused) {
            // what the client is told
        }
    }
}
