package io.stagecast.signaling.ws;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.room.Room;
import io.stagecast.signaling.stage.Outcome;
import io.stagecast.signaling.stage.QuestionView;
import io.stagecast.signaling.stage.StageRoom;
import io.stagecast.signaling.testutil.JsonWebSocketClient;
import io.stagecast.signaling.testutil.LoopbackServer;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Q&A and the moderators' backchannel with several real WebSocket clients in one room, and the
 * server acting on the room the way the REST API will.
 */
class QaAndBackchannelOverWebSocketTest {
    private static StagecastServer server;
    private final List<JsonWebSocketClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        server = LoopbackServer.start(Map.of());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(JsonWebSocketClient::close);
    }

    record Client(String id, JsonWebSocketClient ws, JsonNode joined) {
        JsonNode ok(String type, Object... fields) throws Exception {
            JsonNode r = ws.request(type, fields);
            assertTrue(r.path("ok").asBoolean(), id + ": " + type + " refused: " + r);
            return r.path("data");
        }

        String refused(String type, Object... fields) throws Exception {
            JsonNode r = ws.request(type, fields);
            assertFalse(r.path("ok").asBoolean(), type + " should be refused: " + r);
            return r.path("error").path("code").asText();
        }

        JsonNode event(String name) throws InterruptedException {
            JsonNode e = ws.awaitEvent(name, 5_000);
            assertNotNull(e, id + " never got " + name);
            return e;
        }

        /**
         * Waits for the chat message {@code marker} (sent after whatever is tested, so everything
         * before it has arrived: one connection's events keep their order) and returns the names
         * of all events received up to it.
         */
        List<String> eventsUntil(String marker) throws InterruptedException {
            List<String> names = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 5_000;
            while (System.currentTimeMillis() < deadline) {
                for (JsonNode e : ws.drainEvents()) {
                    names.add(e.path("event").asText());
                    if (marker.equals(e.path("message").path("text").asText())) {
                        return names;
                    }
                }
                Thread.sleep(20);
            }
            throw new AssertionError(id + " never got the marker " + marker + "; got " + names);
        }
    }

    private Client join(String room, String id, Role role, Object... extra) throws Exception {
        JsonWebSocketClient ws = JsonWebSocketClient.connect(server.baseUrl());
        clients.add(ws);
        String token = server.tokens().mint(JoinGrant.of(room, id, id, role, Instant.now().plus(Duration.ofHours(1))));
        List<Object> fields = new ArrayList<>(List.of("room", room, "token", token));
        fields.addAll(List.of(extra));
        JsonNode r = ws.request("join", fields.toArray());
        assertTrue(r.path("ok").asBoolean(), "join refused: " + r);
        return new Client(id, ws, r.path("data"));
    }

    @Test
    void anAttendeeAsksAnotherUpvotesAModeratorAnswersAndEveryoneSeesIt() throws Exception {
        String room = "qa-ws";
        Client mod = join(room, "mod", Role.MODERATOR);
        mod.ok("session.start");
        Client ann = join(room, "ann", Role.ATTENDEE);
        Client bob = join(room, "bob", Role.ATTENDEE);

        ann.ok("qa.ask", "text", "Will the slides be shared?");
        JsonNode asked = bob.event("qa.asked").path("question");
        String id = asked.path("id").asText();
        assertEquals("ann", asked.path("askerId").asText());
        assertEquals("open", asked.path("status").asText());
        assertEquals(id, mod.event("qa.asked").path("question").path("id").asText());

        assertEquals("forbidden", ann.refused("qa.upvote", "questionId", id, "upvote", true));
        bob.ok("qa.upvote", "questionId", id, "upvote", true);
        assertEquals("invalid_state", bob.refused("qa.upvote", "questionId", id, "upvote", true));
        assertEquals(1, ann.event("qa.upvotes").path("upvotes").asInt());

        assertEquals("forbidden", bob.refused("qa.answer", "questionId", id, "text", "yes"));
        mod.ok("qa.answer", "questionId", id, "text", "Yes, after the talk");
        JsonNode changed = ann.event("qa.changed").path("question");
        assertEquals("answered", changed.path("status").asText());
        assertEquals("Yes, after the talk", changed.path("answer").asText());
        mod.ok("qa.pin", "questionId", id);
        assertEquals(id, bob.event("qa.pinned").path("questionId").asText());

        // A newcomer's snapshot has the list, its own vote marked; a reconnecting voter's too.
        Client cat = join(room, "cat", Role.ATTENDEE);
        JsonNode q = cat.joined().path("questions").get(0);
        assertEquals(1, q.path("upvotes").asInt());
        assertFalse(q.path("upvoted").asBoolean());
        assertEquals(id, cat.joined().path("pinnedQuestionId").asText());

        mod.ok("room.settings", "qaEnabled", false);
        assertFalse(ann.event("settings.changed").path("settings").path("qaEnabled").asBoolean(true));
        assertEquals("invalid_state", cat.refused("qa.ask", "text", "and now?"));
        assertEquals("bad_request", mod.refused("qa.answer", "questionId", id));
    }

    @Test
    void anAttendeesConnectionNeverReceivesTheBackchannelEvenRightAfterADemotion() throws Exception {
        String room = "backchannel-ws";
        Client mod = join(room, "mod", Role.MODERATOR);
        mod.ok("session.start");
        Client speaker = join(room, "spk", Role.SPEAKER, "stage", true);
        Client attendee = join(room, "att", Role.ATTENDEE);
        Client second = join(room, "mod2", Role.MODERATOR);
        assertFalse(attendee.joined().has("backchannel"), "not even an empty list: " + attendee.joined());
        assertTrue(mod.joined().has("backchannel"));

        assertEquals("forbidden", attendee.refused("backchannel.send", "text", "let me read"));
        mod.ok("backchannel.send", "text", "spk is up next");
        assertEquals("spk is up next", speaker.event("backchannel.message").path("message").path("text").asText());
        assertEquals("spk is up next", second.event("backchannel.message").path("message").path("text").asText());

        // Demoted, and at once the backchannel goes on: nothing of it reaches mod2 any more.
        mod.ok("participant.role", "participantId", "mod2", "role", "attendee");
        mod.ok("backchannel.send", "text", "mod2 cannot read this");
        speaker.ok("backchannel.send", "text", "nor this");
        // A speaker taken off the stage stops receiving it too.
        mod.ok("stage.remove", "participantId", "spk");
        mod.ok("backchannel.send", "text", "spk is off stage");
        mod.ok("chat.send", "text", "marker-1");

        List<String> attendeeGot = attendee.eventsUntil("marker-1");
        assertTrue(attendeeGot.stream().noneMatch(e -> e.startsWith("backchannel")), attendeeGot.toString());
        List<String> demotedGot = second.eventsUntil("marker-1");
        assertTrue(demotedGot.stream().noneMatch(e -> e.startsWith("backchannel")), demotedGot.toString());
        List<String> speakerGot = speaker.eventsUntil("marker-1");
        int offStage = speakerGot.indexOf("stage.movedToViewer");
        assertEquals(2, speakerGot.subList(0, offStage).stream().filter(e -> e.startsWith("backchannel")).count(),
                "on stage, spk got 'mod2 cannot read this' and its own 'nor this': " + speakerGot);
        assertTrue(speakerGot.subList(offStage, speakerGot.size()).stream().noneMatch(e -> e.startsWith("backchannel")),
                "off stage, nothing more: " + speakerGot);
    }

    @Test
    void theServerActsOnTheRoomAndItsEventsReachTheClientsAsAModeratorsWould() throws Exception {
        String room = "server-acts";
        Client mod = join(room, "mod", Role.MODERATOR);
        mod.ok("session.start");
        Client ann = join(room, "ann", Role.ATTENDEE);
        ann.ok("qa.ask", "text", "From the API?");
        String id = ann.event("qa.asked").path("question").path("id").asText();
        Room r = server.rooms().get(room);

        assertTrue(r.act(s -> s.answerQuestion(StageRoom.SERVER, id, "Yes")).ok());
        JsonNode changed = ann.event("qa.changed").path("question");
        assertEquals(StageRoom.SERVER, changed.path("answeredBy").asText());
        List<QuestionView> listed = r.read(StageRoom::questions);
        assertEquals("Yes", listed.get(0).answer());

        assertTrue(r.act(s -> s.bringToStage(StageRoom.SERVER, "ann")).ok());
        assertEquals("stage", mod.event("participant.changed").path("participant").path("place").asText());
        Outcome refused = r.act(s -> s.bringToStage(StageRoom.SERVER, "ann"));
        assertFalse(refused.ok(), "the same rules: already on stage");

        assertTrue(r.act(s -> s.removeFromRoom(StageRoom.SERVER, "ann")).ok());
        assertEquals("removed", mod.event("participant.removed").path("reason").asText());
        assertTrue(ann.ws().awaitClosed(5_000), "the removed participant's connection is closed");
    }
}
