package io.stagecast.signaling.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.testutil.JsonWebSocketClient;
import io.stagecast.signaling.testutil.LoopbackServer;
import io.stagecast.signaling.testutil.SyntheticMedia;
import io.stagecast.signaling.testutil.WhepPlayer;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.RandomIds;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13, item 3: the caps of docs/operations.md ("Caps") that no other test reaches, each hit
 * over the real entry paths (WebSocket, WHEP, the REST API) on one node with small caps: refused
 * with the documented code, counted in {@code stagecast_caps_refused_total{cap}}, nothing changed
 * in the room by the refusal, and the node keeps serving everyone else.
 */
class NodeAndRoomCapsTest {
    private static final int MAX_ROOMS = 3;
    private static final int MAX_PARTICIPANTS = 3;
    private static final int MAX_TRANSPORTS = 8;
    private static StagecastServer server;
    private static ApiCalls api;
    private static final List<JsonWebSocketClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        server = LoopbackServer.start(Map.of(
                "STAGECAST_ROOMS_MAX_ROOMS", String.valueOf(MAX_ROOMS),
                "STAGECAST_ROOMS_MAX_PARTICIPANTS", String.valueOf(MAX_PARTICIPANTS),
                "STAGECAST_MEDIA_MAX_TRANSPORTS", String.valueOf(MAX_TRANSPORTS)));
        api = new ApiCalls(server.baseUrl(), server.apiTokens(), OpenApiContract.load());
    }

    @AfterAll
    static void stop() {
        clients.forEach(JsonWebSocketClient::close);
        server.close();
    }

    private static String token(String room, String id, Role role) {
        return server.tokens().mint(new JoinGrant(room, id, id, role, false,
                Instant.now().plus(Duration.ofHours(1)), RandomIds.tokenId(), false));
    }

    /** A WebSocket join; the client stays connected until the end of the class (or is closed by the caller). */
    private static JsonNode join(String room, String id, Role role, List<JsonWebSocketClient> into) throws Exception {
        JsonWebSocketClient client = JsonWebSocketClient.connect(server.baseUrl());
        into.add(client);
        return client.request("join", "room", room, "token", token(room, id, role));
    }

    private static JsonWebSocketClient joined(String room, String id, Role role) throws Exception {
        JsonNode r = join(room, id, role, clients);
        assertTrue(r.path("ok").asBoolean(), id + " joins " + room + ": " + r);
        return clients.get(clients.size() - 1);
    }

    private static String code(JsonNode response) {
        return response.path("error").path("code").asText();
    }

    private static double refused(String cap) throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        String prefix = "stagecast_caps_refused_total{cap=\"" + cap + "\"} ";
        return metrics.lines().filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(prefix.length()))).findFirst().orElse(-1);
    }

    private static HttpResponse<String> watch(String room, String id) throws Exception {
        try (WhepPlayer player = new WhepPlayer(1)) {
            return SyntheticMedia.post(server.baseUrl(), "/whep/" + room, token(room, id, Role.ATTENDEE), player.offer());
        }
    }

    @Test
    @Timeout(60)
    void everyCapRefusesWithItsCodeCountsAndLeavesTheRestServed() throws Exception {
        // Participants per room: three fit, the fourth is refused on every path, a moderator still comes in.
        JsonWebSocketClient host = joined("full", "host", Role.MODERATOR);
        assertTrue(host.request("session.start").path("ok").asBoolean());
        joined("full", "a1", Role.ATTENDEE);
        joined("full", "a2", Role.ATTENDEE);
        JsonNode fourth = join("full", "a3", Role.ATTENDEE, clients);
        assertEquals("room_full", code(fourth), fourth.toString());
        HttpResponse<String> whep = watch("full", "w1");
        assertEquals(429, whep.statusCode(), whep.body());
        assertTrue(whep.headers().firstValue("Retry-After").isPresent(), "a WHEP player is told when to try again");
        assertEquals(2.0, refused("participants"));
        assertFalse(server.rooms().get("full").state("a3").isPresent(), "a refused join leaves no trace in the room");
        assertEquals(3, server.rooms().get("full").size());
        JsonWebSocketClient coHost = joined("full", "host2", Role.MODERATOR);

        // The stage: a stage of one that only moderators hold cannot take another moderator.
        assertTrue(host.request("room.settings", "capacity", 1).path("ok").asBoolean());
        assertTrue(host.request("stage.join").path("ok").asBoolean());
        JsonNode second = coHost.request("stage.join");
        assertEquals("invalid_state", code(second), second.toString());
        assertTrue(second.path("error").path("message").asText().contains("stage is full"), second.toString());
        assertEquals(1.0, refused("stage"));

        // Rooms per node: "full", "other" and one made through the API; a fourth is refused on both paths.
        joined("other", "o1", Role.MODERATOR);
        assertEquals(201, api.call("POST", "/rooms", Map.of(), "{\"name\":\"third\"}").status());
        JsonNode fourthRoom = join("fourth", "f1", Role.MODERATOR, clients);
        assertEquals("unavailable", code(fourthRoom), fourthRoom.toString());
        ApiCalls.Answer byApi = api.call("POST", "/rooms", Map.of(), "{\"name\":\"fifth\"}");
        assertEquals(503, byApi.status());
        assertEquals("unavailable", byApi.code());
        assertEquals(2.0, refused("rooms"));
        assertEquals(null, server.rooms().get("fourth"), "no room was made by the refused join");
        assertEquals(MAX_ROOMS, server.rooms().all().size());

        // Transports per node: join "third" until the node has its cap; the next join is refused before it changes the room.
        List<JsonWebSocketClient> third = new ArrayList<>();
        int attempts = 0;
        while (server.media().transportCount() < MAX_TRANSPORTS && attempts++ < MAX_TRANSPORTS) {
            JsonNode r = join("third", "t" + attempts, Role.MODERATOR, third);
            assertTrue(r.path("ok").asBoolean(), r.toString());
        }
        assertEquals(MAX_TRANSPORTS, server.media().transportCount());
        int inThird = server.rooms().get("third").size();
        JsonNode overTransports = join("third", "t-over", Role.MODERATOR, third);
        assertEquals("unavailable", code(overTransports), overTransports.toString());
        HttpResponse<String> whepOver = watch("other", "w2");
        assertEquals(503, whepOver.statusCode(), whepOver.body());
        assertEquals(2.0, refused("transports"));
        assertEquals(inThird, server.rooms().get("third").size(), "the refused join is not in the room");
        assertFalse(server.rooms().get("third").state("t-over").isPresent());
        // A reload of someone connected replaces its transport: not refused at the cap.
        JsonNode reload = join("third", "t1", Role.MODERATOR, third);
        assertTrue(reload.path("ok").asBoolean(), "a reload at the cap: " + reload);
        assertEquals(2.0, refused("transports"));

        // Everyone already in is still served, and a freed transport takes the next join.
        assertTrue(host.request("ping").path("ok").asBoolean(), "the full room still answers");
        third.get(third.size() - 1).close();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (server.media().transportCount() >= MAX_TRANSPORTS && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        JsonNode after = join("third", "t-after", Role.MODERATOR, third);
        assertTrue(after.path("ok").asBoolean(), "a transport freed by a leaving client takes the next join: " + after);
        third.forEach(JsonWebSocketClient::close);

        // The participants a closed connection leaves in their reconnect grace still count against
        // the room's cap, and /metrics shows them apart from the connected ones.
        double connectedBefore = gauge("stagecast_participants");
        coHost.close();
        long until = System.nanoTime() + 10_000_000_000L;
        while (gauge("stagecast_participants") >= connectedBefore && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertTrue(gauge("stagecast_participants") < connectedBefore, "the closed connection left the connected count");
        assertTrue(server.rooms().get("full").state("host2").isPresent(), "host2 is held for its reconnect grace");
        assertTrue(gauge("stagecast_room_members") > gauge("stagecast_participants"),
                "members " + gauge("stagecast_room_members") + " include those in their grace, connected "
                        + gauge("stagecast_participants"));
    }

    private static double gauge(String name) throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(l.substring(name.length() + 1)))
                .findFirst().orElse(-1);
    }
}
