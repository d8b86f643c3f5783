package io.stagecast.signaling.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.testutil.JsonWebSocketClient;
import io.stagecast.signaling.testutil.LoopbackServer;
import io.stagecast.signaling.token.ApiGrants;
import io.stagecast.signaling.token.ApiKey;
import io.stagecast.signaling.token.ApiKeys;
import io.stagecast.signaling.token.ApiTokens;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every call of the REST API over real HTTP against one running node, including its refusals,
 * each answer checked against docs/openapi.yaml; what the API does is checked from a moderator's
 * WebSocket, and every refusal is shown to change nothing there.
 */
class RestApiTest {
    static final String SECRET = "loopback-secret-loopback-secret-0123456";
    private static StagecastServer server;
    private static OpenApiContract contract;
    private static ApiCalls api;
    private final List<JsonWebSocketClient> sockets = new ArrayList<>();
    /** Who sends the chat markers, in turn (chat is rate-limited per sender). */
    private List<JsonWebSocketClient> markers;

    @BeforeAll
    static void start() throws Exception {
        server = LoopbackServer.start(Map.of());
        contract = OpenApiContract.load();
        api = new ApiCalls(server.baseUrl(), server.apiTokens(), contract);
    }

    @AfterAll
    static void stop() {
        server.close();
        Set<String> missing = new TreeSet<>(contract.operations());
        missing.removeAll(contract.answered());
        assertTrue(missing.isEmpty(), "documented but never called: " + missing);
    }

    @AfterEach
    void closeSockets() {
        sockets.forEach(JsonWebSocketClient::close);
    }

    private static Map<String, String> room(String name) {
        return Map.of("room", name);
    }

    private static Map<String, String> participant(String room, String id) {
        return Map.of("room", room, "participant", id);
    }

    /** A WebSocket client joined with a token the API minted. */
    private JsonWebSocketClient joinWith(String room, String token) throws Exception {
        JsonWebSocketClient ws = JsonWebSocketClient.connect(server.baseUrl());
        sockets.add(ws);
        JsonNode r = ws.request("join", "room", room, "token", token);
        assertTrue(r.path("ok").asBoolean(), "join refused: " + r);
        return ws;
    }

    private String mint(String room, String body) throws Exception {
        ApiCalls.Answer a = api.call("POST", "/rooms/{room}/tokens", room(room), body);
        assertEquals(201, a.status(), a.body().toString());
        return a.body().path("token").asText();
    }

    private static JsonNode event(JsonWebSocketClient ws, String name) throws InterruptedException {
        JsonNode e = ws.awaitEvent(name, 5_000);
        assertNotNull(e, "no " + name);
        return e;
    }

    @Test
    void aRoomFromCreationToDeletion() throws Exception {
        String name = "town hall";
        ApiCalls.Answer created = api.call("POST", "/rooms", Map.of(), """
                {"name": "town hall", "accessMode": "open", "capacity": 3, "lobby": true, "chatEnabled": false,
                 "reactionsEnabled": false, "pollsEnabled": false, "qaEnabled": true, "strongMute": true,
                 "locked": false, "idleTimeoutSeconds": 120, "lastN": 4}""");
        assertEquals(201, created.status(), created.body().toString());
        JsonNode settings = created.body().path("settings");
        assertEquals("lobby", created.body().path("session").asText());
        assertEquals("open", settings.path("accessMode").asText());
        assertEquals(3, settings.path("capacity").asInt());
        assertFalse(settings.path("chatEnabled").asBoolean());
        assertTrue(settings.path("strongMute").asBoolean());
        assertEquals(4, settings.path("lastN").asInt());
        assertEquals(120, created.body().path("idleTimeoutSeconds").asInt());

        assertEquals("invalid_state", api.call("POST", "/rooms", Map.of(), "{\"name\": \"town hall\"}").code());
        assertEquals(200, api.call("GET", "/rooms/{room}", room(name)).status());
        JsonNode list = api.call("GET", "/rooms", Map.of()).body().path("rooms");
        assertTrue(list.findValuesAsText("name").contains(name), list.toString());

        // A moderator with a named token; an attendee with the shared link (no subject) waits in the lobby.
        JsonWebSocketClient mod = joinWith(name, mint(name, "{\"role\": \"moderator\", \"participantId\": \"mod\", \"name\": \"Mo\"}"));
        ApiCalls.Answer link = api.call("POST", "/rooms/{room}/tokens", room(name), "{\"role\": \"attendee\"}");
        assertTrue(link.body().path("participantId").isNull());
        assertTrue(link.body().path("url").asText().contains("/room/town%20hall?token="), link.body().toString());
        JsonWebSocketClient ann = joinWith(name, link.body().path("token").asText());
        assertEquals(1, event(mod, "lobby.changed").path("waiting").asInt());
        assertEquals(1, api.call("GET", "/rooms/{room}", room(name)).body().path("lobbyWaiting").asInt());

        // The session starts from the API: the lobby is admitted, the moderator is told by "@server".
        ApiCalls.Answer started = api.call("POST", "/rooms/{room}/session/start", room(name));
        assertEquals("live", started.body().path("session").asText());
        assertEquals("@server", event(mod, "session.started").path("byId").asText());
        String annId = event(ann, "room.admitted").path("snapshot").path("you").path("id").asText();
        assertEquals("invalid_state", api.call("POST", "/rooms/{room}/session/start", room(name)).code());

        ApiCalls.Answer changed = api.call("PATCH", "/rooms/{room}", room(name), "{\"capacity\": 5, \"chatEnabled\": true}");
        assertEquals(5, changed.body().path("settings").path("capacity").asInt());
        assertEquals(5, event(ann, "settings.changed").path("settings").path("capacity").asInt());

        JsonNode people = api.call("GET", "/rooms/{room}/participants", room(name)).body().path("participants");
        assertEquals(2, people.size(), people.toString());
        assertEquals("websocket", people.get(0).path("connection").asText());
        assertEquals("viewer", api.call("GET", "/rooms/{room}/participants/{participant}", participant(name, annId))
                .body().path("place").asText());

        // Moderator actions on the attendee, one per call, each seen by the moderator's client.
        assertEquals("stage", patch(name, annId, "{\"place\": \"stage\"}").path("place").asText());
        assertEquals("stage", event(mod, "participant.changed").path("participant").path("place").asText());
        JsonNode forced = patch(name, annId, "{\"microphoneForcedOff\": true}");
        assertTrue(forced.path("microphoneForcedOff").asBoolean());
        assertEquals("@server", event(ann, "media.forcedOff").path("byId").asText());
        assertFalse(patch(name, annId, "{\"microphoneForcedOff\": false}").path("microphoneForcedOff").asBoolean());
        assertTrue(patch(name, annId, "{\"cameraForcedOff\": true}").path("cameraForcedOff").asBoolean());
        assertTrue(patch(name, annId, "{\"chatBlocked\": true}").path("chatBlocked").asBoolean());
        assertEquals("speaker", patch(name, annId, "{\"role\": \"speaker\"}").path("role").asText());
        assertEquals("viewer", patch(name, annId, "{\"place\": \"viewer\"}").path("place").asText());
        assertEquals("bad_request", api.call("PATCH", "/rooms/{room}/participants/{participant}",
                participant(name, annId), "{\"role\": \"attendee\", \"chatBlocked\": false}").code(), "one change per call");
        assertEquals("not_found", api.call("PATCH", "/rooms/{room}/participants/{participant}",
                participant(name, "nobody"), "{\"chatBlocked\": true}").code());
        assertEquals("not_found", api.call("GET", "/rooms/{room}/participants/{participant}",
                participant(name, "nobody")).code());

        // Questions asked on the WebSocket are listed.
        JsonNode asked = mod.request("qa.ask", "text", "Slides afterwards?");
        assertTrue(asked.path("ok").asBoolean(), asked.toString());
        JsonNode questions = api.call("GET", "/rooms/{room}/questions", room(name)).body();
        assertEquals("Slides afterwards?", questions.path("questions").get(0).path("text").asText());
        assertTrue(questions.path("pinnedQuestionId").isNull());

        // Removed from the room: its connection closes and it leaves the list.
        assertEquals(204, api.call("DELETE", "/rooms/{room}/participants/{participant}", participant(name, annId)).status());
        assertEquals("removed", event(mod, "participant.removed").path("reason").asText());
        assertTrue(ann.awaitClosed(5_000), "the removed attendee's connection closes");
        assertEquals(1, api.call("GET", "/rooms/{room}/participants", room(name)).body().path("participants").size());
        assertEquals("invalid_state", api.call("DELETE", "/rooms/{room}/participants/{participant}",
                participant(name, "mod")).code(), "the last moderator stays");

        // The session ends for everyone; then the room is deleted.
        ApiCalls.Answer ended = api.call("POST", "/rooms/{room}/end", room(name));
        assertEquals("ended", ended.body().path("session").asText());
        assertEquals("@server", event(mod, "session.ended").path("byId").asText());
        assertTrue(mod.awaitClosed(5_000));
        assertEquals("invalid_state", api.call("POST", "/rooms/{room}/session/end", room(name)).code());
        assertEquals(204, api.call("DELETE", "/rooms/{room}", room(name)).status());
        assertEquals("not_found", api.call("GET", "/rooms/{room}", room(name)).code());
        assertEquals("not_found", api.call("DELETE", "/rooms/{room}", room(name)).code());
        assertNull(server.rooms().get(name));
    }

    private static JsonNode patch(String room, String id, String body) throws Exception {
        ApiCalls.Answer a = api.call("PATCH", "/rooms/{room}/participants/{participant}", participant(room, id), body);
        assertEquals(200, a.status(), body + " -> " + a.body());
        return a.body();
    }

    /** The relays between nodes exist in cluster mode only (EdgeWhepTest): a node alone has none, for anyone. */
    @Test
    void aNodeAloneHasNoRelays() throws Exception {
        api.call("POST", "/rooms", Map.of(), "{\"name\": \"relayed\"}");
        Map<String, String> relay = Map.of("room", "relayed", "relay", "r1");
        assertEquals(404, api.call("POST", "/rooms/{room}/relays", room("relayed"), "{\"node\": \"n\"}").status());
        assertEquals(404, api.call("GET", "/rooms/{room}/relays/{relay}", relay).status());
        assertEquals(404, api.call("PUT", "/rooms/{room}/relays/{relay}", relay, "{\"layers\": {}}").status());
        assertEquals(404, api.call("POST", "/rooms/{room}/relays/{relay}/viewers", relay, "{\"token\": \"t\"}").status());
        assertEquals(404, api.call("POST", "/rooms/{room}/relays/{relay}/publishers", relay, "{\"token\": \"t\"}").status());
        assertEquals(404, api.call("DELETE", "/rooms/{room}/relays/{relay}", relay).status());
        assertEquals(404, api.call("GET", "/rooms/{room}/relays/{relay}/viewers/{participant}/media",
                Map.of("room", "relayed", "relay", "r1", "participant", "p1")).status());
        assertEquals(204, api.call("DELETE", "/rooms/{room}", room("relayed")).status());
    }

    @Test
    void aRoomWithoutLobbyIsLiveAtOnceAndTheSessionEndsThroughItsOwnCall() throws Exception {
        ApiCalls.Answer created = api.call("POST", "/rooms", Map.of(), "{\"name\": \"no-lobby\", \"lobby\": false}");
        assertEquals("live", created.body().path("session").asText());
        assertEquals(600, created.body().path("idleTimeoutSeconds").asInt(), "the node's default");
        JsonWebSocketClient ann = joinWith("no-lobby", mint("no-lobby", "{\"role\": \"attendee\", \"participantId\": \"a\"}"));
        assertEquals("ended", api.call("POST", "/rooms/{room}/session/end", room("no-lobby")).body().path("session").asText());
        assertEquals("@server", event(ann, "session.ended").path("byId").asText());
        assertEquals(204, api.call("DELETE", "/rooms/{room}", room("no-lobby")).status());
    }

    @Test
    void aRoomMadeByItsFirstTokenIsThereForTheApiToo() throws Exception {
        String token = server.tokens().mint(JoinGrant.of("by-token", "m", "M", Role.MODERATOR, Instant.now().plusSeconds(600)));
        joinWith("by-token", token);
        JsonNode view = api.call("GET", "/rooms/{room}", room("by-token")).body();
        assertEquals("lobby", view.path("session").asText());
        assertEquals(1, view.path("participants").asInt());
        assertEquals("request", view.path("settings").path("accessMode").asText(), "the defaults");
        assertEquals("invalid_state", api.call("POST", "/rooms", Map.of(), "{\"name\": \"by-token\"}").code());
    }

    @Test
    void everyRefusalHasItsCodeAndLeavesTheRoomAsItWas() throws Exception {
        String name = "guarded";
        assertEquals(201, api.call("POST", "/rooms", Map.of(), "{\"name\": \"guarded\", \"lobby\": false}").status());
        JsonWebSocketClient mod = joinWith(name, mint(name, "{\"role\": \"moderator\", \"participantId\": \"mod\"}"));
        JsonWebSocketClient ann = joinWith(name, mint(name, "{\"role\": \"attendee\", \"participantId\": \"ann\"}"));
        markers = List.of(mod, ann);
        while (!"ann".equals(event(mod, "participant.added").path("participant").path("id").asText())) {
            // the moderator's own row first
        }
        String before = stateOf(name);
        int marker = 0;

        String patch = "{\"capacity\": 9}";
        // Authentication: none, a wrong scheme, a foreign secret, an unknown key, expired, a join token.
        ApiTokens foreign = new ApiTokens(ApiKeys.single("default", "another-secret-another-secret-0123456".getBytes(
                StandardCharsets.UTF_8)), Clock.systemUTC());
        ApiTokens unknownKey = new ApiTokens(ApiKeys.of(List.of(new ApiKey("k-gone", SECRET.getBytes(StandardCharsets.UTF_8))),
                "k-gone"), Clock.systemUTC());
        ApiTokens past = new ApiTokens(server.tokens().keys(), Clock.fixed(Instant.now().minus(Duration.ofMinutes(30)),
                ZoneOffset.UTC));
        String joinToken = server.tokens().mint(JoinGrant.of(name, "x", "X", Role.MODERATOR, Instant.now().plusSeconds(600)));
        Map<String, String> unauthorized = Map.of(
                "no token", "",
                "basic", "Basic dXNlcjpwdw==",
                "foreign secret", "Bearer " + foreign.mint(ApiGrants.all(), Duration.ofMinutes(2)),
                "unknown key", "Bearer " + unknownKey.mint(ApiGrants.all(), Duration.ofMinutes(2)),
                "expired", "Bearer " + past.mint(ApiGrants.all(), Duration.ofMinutes(5)),
                "join token", "Bearer " + joinToken,
                "garbage", "Bearer not.a.jwt");
        for (Map.Entry<String, String> c : unauthorized.entrySet()) {
            ApiCalls.Answer a = api.call("PATCH", "/rooms/{room}", room(name), patch,
                    c.getValue().isEmpty() ? null : c.getValue());
            assertEquals(401, a.status(), c.getKey());
            assertEquals("unauthorized", a.code(), c.getKey());
            assertTrue(a.raw().headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"), c.getKey());
            assertEquals(before, stateOf(name), c.getKey());
        }
        assertUnchanged(mod, name, before, ++marker);

        // Grants: another room's admin, listing only, creating only.
        String otherRoom = "Bearer " + server.apiTokens().mint(ApiGrants.adminOf("elsewhere"), Duration.ofMinutes(2));
        assertEquals("forbidden", api.call("PATCH", "/rooms/{room}", room(name), patch, otherRoom).code());
        assertEquals("forbidden", api.call("POST", "/rooms/{room}/end", room(name), null, otherRoom).code());
        assertEquals("forbidden", api.call("DELETE", "/rooms/{room}/participants/{participant}", participant(name, "ann"),
                null, otherRoom).code());
        assertEquals("forbidden", api.call("GET", "/rooms/{room}/participants", room("no-such-room"), null, otherRoom).code(),
                "403 before saying whether a room exists");
        String listOnly = "Bearer " + server.apiTokens().mint(ApiGrants.roomListing(), Duration.ofMinutes(2));
        assertEquals("forbidden", api.call("POST", "/rooms", Map.of(), "{\"name\": \"x\"}", listOnly).code());
        String createOnly = "Bearer " + server.apiTokens().mint(ApiGrants.roomCreation(), Duration.ofMinutes(2));
        assertEquals("forbidden", api.call("GET", "/rooms", Map.of(), null, createOnly).code());
        assertEquals("forbidden", api.call("POST", "/rooms/{room}/tokens", room(name), "{\"role\": \"moderator\"}", createOnly).code());
        assertUnchanged(mod, name, before, ++marker);

        // Bodies: malformed, unknown fields, wrong types, out of range, trailing text, duplicates, too large, not JSON.
        List<String> bad = List.of("{\"capacity\": ", "[1]", "{\"capacity\": 9, \"colour\": \"red\"}",
                "{\"capacity\": \"9\"}", "{\"capacity\": 9.5}", "{\"capacity\": 0}", "{\"capacity\": 101}",
                "{\"accessMode\": \"everyone\"}", "{\"chatEnabled\": \"yes\"}", "{\"capacity\": 9} {}",
                "{\"capacity\": 9, \"capacity\": 8}", "{}", "{\"idleTimeoutSeconds\": 1}", "{\"lastN\": 26}",
                "{\"lobby\": false}");
        for (String body : bad) {
            ApiCalls.Answer a = api.call("PATCH", "/rooms/{room}", room(name), body);
            assertEquals(400, a.status(), body + " -> " + a.body());
            assertEquals("bad_request", a.code(), body);
        }
        assertEquals(413, api.call("PATCH", "/rooms/{room}", room(name), "{\"capacity\": 9, \"x\": \"" + "a".repeat(20_000) + "\"}")
                .status());
        assertEquals(415, api.call("PATCH", "/rooms/{room}", room(name), patch, "Bearer " + server.apiTokens()
                .mint(ApiGrants.all(), Duration.ofMinutes(2)), "text/plain").status());
        assertEquals("bad_request", api.call("POST", "/rooms", Map.of(), "{\"name\": \"x\", \"lobby\": \"no\"}").code());
        assertEquals("bad_request", api.call("POST", "/rooms", Map.of(), "{\"name\": \"\"}").code());
        assertEquals("bad_request", api.call("POST", "/rooms/{room}/tokens", room(name), "{\"role\": \"host\"}").code());
        assertEquals("bad_request", api.call("POST", "/rooms/{room}/tokens", room(name), "{}").code());
        assertEquals("bad_request", api.call("POST", "/rooms/{room}/tokens", room(name),
                "{\"role\": \"attendee\", \"participantId\": \"@server\"}").code());
        assertEquals("bad_request", api.call("PATCH", "/rooms/{room}/participants/{participant}", participant(name, "ann"),
                "{\"place\": \"backstage\"}").code());
        assertEquals("bad_request", api.call("PATCH", "/rooms/{room}/participants/{participant}", participant(name, "ann"),
                "{\"role\": \"attendee\", \"x\": 1}").code());
        assertUnchanged(mod, name, before, ++marker);

        // The stage's own refusals, with the WebSocket's codes.
        assertEquals("invalid_state", api.call("POST", "/rooms/{room}/session/start", room(name)).code());
        assertEquals("not_found", api.call("PATCH", "/rooms/{room}/participants/{participant}", participant(name, "ghost"),
                "{\"place\": \"stage\"}").code());
        assertEquals("invalid_state", api.call("PATCH", "/rooms/{room}/participants/{participant}", participant(name, "ann"),
                "{\"place\": \"viewer\"}").code(), "not on stage");
        assertEquals("invalid_state", api.call("DELETE", "/rooms/{room}/participants/{participant}", participant(name, "mod"))
                .code(), "the last moderator");
        assertEquals("not_found", api.call("DELETE", "/rooms/{room}/participants/{participant}", participant(name, "ghost"))
                .code());
        assertUnchanged(mod, name, before, ++marker);

        // Paths and methods.
        assertEquals("not_found", api.unchecked("GET", "/rooms/" + name + "/nothing", null).code());
        assertEquals("not_found", api.unchecked("GET", "/elsewhere", null).code());
        ApiCalls.Answer wrongMethod = api.unchecked("PUT", "/rooms/" + name, "{}");
        assertEquals(405, wrongMethod.status());
        assertEquals("GET, PATCH, DELETE", wrongMethod.raw().headers().firstValue("Allow").orElse(""));
        assertEquals(405, api.unchecked("GET", "/rooms/" + name + "/end", null).status());
        assertUnchanged(mod, name, before, ++marker);
        assertEquals("not_found", api.call("GET", "/rooms/{room}/questions", room("no-such-room")).code());
        assertEquals("not_found", api.call("GET", "/rooms/{room}/participants", room("no-such-room")).code());
        assertEquals("not_found", api.call("POST", "/rooms/{room}/session/start", room("no-such-room")).code());
        assertEquals("not_found", api.call("PATCH", "/rooms/{room}", room("no-such-room"), patch).code());
        assertEquals("not_found", api.call("POST", "/rooms/{room}/end", room("no-such-room")).code());
        assertEquals("not_found", api.call("POST", "/rooms/{room}/session/end", room("no-such-room")).code());
        assertNull(server.rooms().get("no-such-room"), "a refused call makes no room");

        // And the same call, allowed, does change it.
        assertEquals(200, api.call("PATCH", "/rooms/{room}", room(name), patch).status());
        assertEquals(9, event(mod, "settings.changed").path("settings").path("capacity").asInt());
    }

    /** The API's view and every participant row as they were, and nothing reached the moderator but the marker. */
    private void assertUnchanged(JsonWebSocketClient mod, String room, String before, int marker) throws Exception {
        assertEquals(before, stateOf(room));
        String text = "marker-" + marker;
        JsonNode sent = markers.get(marker % markers.size()).request("chat.send", "text", text);
        assertTrue(sent.path("ok").asBoolean(), sent.toString());
        List<String> seen = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 5_000;
        while (System.currentTimeMillis() < deadline) {
            for (JsonNode e : mod.drainEvents()) {
                if (text.equals(e.path("message").path("text").asText())) {
                    assertEquals(List.of(), seen, "events the refusals caused");
                    return;
                }
                seen.add(e.toString());
            }
            Thread.sleep(10);
        }
        throw new AssertionError("marker " + text + " never came; got " + seen);
    }

    private static String stateOf(String room) throws Exception {
        JsonNode view = api.call("GET", "/rooms/{room}", room(room)).body().deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) view).remove("createdAt");
        return view + " " + api.call("GET", "/rooms/{room}/participants", room(room)).body();
    }
}
