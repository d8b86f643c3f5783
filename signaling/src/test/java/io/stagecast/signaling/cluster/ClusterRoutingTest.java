package io.stagecast.signaling.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.testutil.JsonWebSocketClient;
import io.stagecast.signaling.testutil.SyntheticMedia;
import io.stagecast.signaling.testutil.WhepPlayer;
import io.stagecast.signaling.token.ApiGrants;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.RandomIds;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Placement on every entry path, with in-process nodes on a real redis-server of the test's own: a
 * room is pinned to its origin (wrong_node over the WebSocket, 307 for WHEP), a new room goes to the
 * least-loaded node whichever node is asked, a room whose origin stopped is taken over by the next
 * node asked, and with Redis gone rooms are served where asked, counted. The nodes send web
 * clients on ({@code cluster.edge-web} off) so that where a room is served shows in the answer;
 * with it on (the default) a web client stays at its node ({@link EdgeWebTest}).
 */
class ClusterRoutingTest {
    @RegisterExtension
    static final RedisPerTest redis = new RedisPerTest();

    private StagecastServer node(String id) throws InterruptedException {
        return redis.node(id, java.util.Map.of("STAGECAST_CLUSTER_EDGE_WEB", "false"));
    }

    /** node-a and node-b, each listing both (node-a wins placement ties: same load, smaller id). */
    private StagecastServer[] twoNodes() throws Exception {
        StagecastServer a = node("node-a");
        StagecastServer b = node("node-b");
        within(Duration.ofSeconds(3), "both nodes registered, and each has seen both at a heartbeat",
                () -> cluster(a).registry().liveNodes().size() == 2 && cluster(a).registry().lastUrls().size() == 2
                        && cluster(b).registry().lastUrls().size() == 2);
        return new StagecastServer[] {a, b};
    }

    private static ClusterNode cluster(StagecastServer server) {
        return server.cluster().orElseThrow();
    }

    private static String token(StagecastServer server, String room, String id, Role role) {
        return server.tokens().mint(new JoinGrant(room, id, id, role, role == Role.ATTENDEE,
                Instant.now().plus(Duration.ofHours(1)), RandomIds.tokenId(), false));
    }

    private JsonWebSocketClient connect(StagecastServer server) throws Exception {
        return connect(server.baseUrl());
    }

    private JsonWebSocketClient connect(String baseUrl) throws Exception {
        JsonWebSocketClient ws = JsonWebSocketClient.connect(baseUrl);
        redis.closeAfter(ws);
        return ws;
    }

    private static JsonNode join(JsonWebSocketClient ws, String room, String token) throws Exception {
        return ws.request("join", "room", room, "token", token);
    }

    private void joinOk(StagecastServer server, String room, String id) throws Exception {
        JsonNode reply = join(connect(server), room, token(server, room, id, Role.MODERATOR));
        assertTrue(reply.path("ok").asBoolean(), "join refused: " + reply);
    }

    private static Optional<String> origin(StagecastServer server, String room) {
        return cluster(server).placement().originOf(room);
    }

    private static double fallbacks(StagecastServer server) {
        Counter counter = server.metrics().find("stagecast.cluster.placement.fallbacks").counter();
        return counter == null ? -1 : counter.count();
    }

    /** Polls every 50 ms; returns the time it took, or fails after {@code limit}. */
    static Duration within(Duration limit, String what, BooleanSupplier condition) throws InterruptedException {
        long start = System.nanoTime();
        while (true) {
            boolean met;
            try {
                met = condition.getAsBoolean();
            } catch (RuntimeException e) {
                met = false;
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            if (met) {
                return took;
            }
            assertTrue(took.compareTo(limit) < 0, what + ": not within " + limit);
            Thread.sleep(50);
        }
    }

    @Test
    void aJoinOnAnotherNodeIsSentToTheOriginWithItsUrlAndTheSameTokenJoinsThere() throws Exception {
        StagecastServer[] nodes = twoNodes();
        StagecastServer a = nodes[0];
        StagecastServer b = nodes[1];
        joinOk(a, "town-hall", "host");
        assertEquals(Optional.of("node-a"), origin(b, "town-hall"));

        String attendee = token(a, "town-hall", "guest", Role.ATTENDEE);
        JsonNode refused = join(connect(b), "town-hall", attendee);
        assertFalse(refused.path("ok").asBoolean(), refused.toString());
        assertEquals("wrong_node", refused.path("error").path("code").asText(), refused.toString());
        assertEquals(a.baseUrl(), refused.path("error").path("node").asText(), "the origin's advertised URL");
        assertNull(b.rooms().get("town-hall"), "b neither made nor joined the room");

        JsonNode there = join(connect(refused.path("error").path("node").asText()), "town-hall", attendee);
        assertTrue(there.path("ok").asBoolean(), "the same token joins at the origin: " + there);
        assertEquals(2, a.rooms().get("town-hall").size());
        // Where to reconnect if this node and the page's own one are gone: every node, sorted.
        List<String> listed = new ArrayList<>();
        there.path("data").path("nodes").forEach(n -> listed.add(n.asText()));
        assertEquals(java.util.stream.Stream.of(a.baseUrl(), b.baseUrl()).sorted().toList(), listed, there.toString());
    }

    @Test
    void aWhepPostToANodeWithoutEdgeWhepIs307ToTheSamePathOnTheOriginAndFollowingItGives201() throws Exception {
        StagecastServer a = node("node-a");
        // With cluster.edge-whep on (the default) the viewer watches at the node asked, relayed: EdgeWhepTest.
        StagecastServer b = redis.node("node-b", java.util.Map.of("STAGECAST_CLUSTER_EDGE_WHEP", "false",
                "STAGECAST_CLUSTER_EDGE_WEB", "false"));
        within(Duration.ofSeconds(3), "both nodes registered, and each has seen both at a heartbeat",
                () -> cluster(a).registry().lastUrls().size() == 2 && cluster(b).registry().lastUrls().size() == 2);
        joinOk(a, "webcast", "host");
        // A single-use link, used up by the join that follows the redirect only.
        String viewer = a.tokens().mint(new JoinGrant("webcast", "viewer", "viewer", Role.ATTENDEE, true,
                Instant.now().plus(Duration.ofHours(1)), RandomIds.tokenId(), true));
        try (WhepPlayer player = new WhepPlayer(1)) {
            String offer = player.offer();
            HttpResponse<String> redirected = SyntheticMedia.post(b.baseUrl(), "/whep/webcast", viewer, offer);
            assertEquals(307, redirected.statusCode(), redirected.body());
            String location = redirected.headers().firstValue("Location").orElse("");
            assertEquals(a.baseUrl() + "/whep/webcast", location);
            assertNull(b.rooms().get("webcast"), "no session, no room on b");

            HttpResponse<String> followed = SyntheticMedia.post(location.substring(0, location.indexOf("/whep")),
                    "/whep/webcast", viewer, offer);
            assertEquals(201, followed.statusCode(), followed.body());
            assertTrue(followed.headers().firstValue("Location").orElse("").startsWith("/whep/webcast/"));
        }
    }

    @Test
    void aNewRoomGoesToTheLeastLoadedNodeWhicheverNodeIsAsked() throws Exception {
        StagecastServer b = node("node-b");
        within(Duration.ofSeconds(3), "b registered", () -> cluster(b).registry().liveNodes().size() == 1);
        // Alone in the cluster, b is the origin of this room; its two participants make it the busier node.
        joinOk(b, "busy", "one");
        joinOk(b, "busy", "two");
        StagecastServer a = node("node-a");
        within(Duration.ofSeconds(4), "a sees b's two participants", () -> cluster(a).registry().liveNodes().stream()
                .anyMatch(n -> n.id().equals("node-b") && n.load().participants() == 2));

        JsonNode reply = join(connect(b), "fresh", token(b, "fresh", "first", Role.MODERATOR));
        assertEquals("wrong_node", reply.path("error").path("code").asText(), reply.toString());
        assertEquals(a.baseUrl(), reply.path("error").path("node").asText());
        assertEquals(Optional.of("node-a"), origin(b, "fresh"), "claimed for the least-loaded node, not the one asked");
    }

    @Test
    void whenTheOriginStopsTheNextJoinElsewhereTakesTheRoomOver() throws Exception {
        StagecastServer[] nodes = twoNodes();
        StagecastServer a = nodes[0];
        StagecastServer b = nodes[1];
        joinOk(a, "panel", "host");
        JsonWebSocketClient ws = connect(b);
        String token = token(b, "panel", "guest", Role.MODERATOR);
        assertEquals("wrong_node", join(ws, "panel", token).path("error").path("code").asText());

        a.close();
        // b drops its cached answer naming a at its next heartbeat (a's key is gone), then takes the room over.
        Duration took = within(Duration.ofSeconds(4), "b takes panel over", () -> {
            try {
                return join(ws, "panel", token).path("ok").asBoolean();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals(Optional.of("node-b"), origin(b, "panel"));
        assertEquals(1, b.rooms().get("panel").size());
        System.out.println("takeover of panel by node-b after its origin closed: " + took.toMillis() + " ms");
    }

    @Test
    void withRedisGoneJoinsAreServedWhereAskedAndCounted() throws Exception {
        StagecastServer[] nodes = twoNodes();
        StagecastServer b = nodes[1];
        redis.process().kill();
        double before = fallbacks(b);
        assertEquals(0.0, before);

        JsonNode reply = join(connect(b), "offline", token(b, "offline", "host", Role.MODERATOR));
        assertTrue(reply.path("ok").asBoolean(), "served on b without placement: " + reply);
        try (WhepPlayer player = new WhepPlayer(1)) {
            HttpResponse<String> watched = player.watch(b.baseUrl(), "offline-whep", token(b, "offline-whep", "v", Role.ATTENDEE));
            assertEquals(201, watched.statusCode(), watched.body());
        }
        assertTrue(fallbacks(b) >= 2, "each request served without placement is counted: " + fallbacks(b));
    }

    private static HttpResponse<String> api(StagecastServer server, String url, String method, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + server.apiTokens().mint(ApiGrants.all(), Duration.ofMinutes(2)));
        request = body == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
                : request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anApiRoomCreationIsSentToThePlacedNodeAndTheRoomsEndReleasesItsOrigin() throws Exception {
        StagecastServer[] nodes = twoNodes();
        StagecastServer a = nodes[0];
        StagecastServer b = nodes[1];
        String body = "{\"name\": \"keynote\", \"lobby\": false}";
        HttpResponse<String> redirected = api(b, b.baseUrl() + "/api/v1/rooms", "POST", body);
        assertEquals(307, redirected.statusCode(), redirected.body());
        assertTrue(redirected.body().contains("wrong_node"), redirected.body());
        String location = redirected.headers().firstValue("Location").orElse("");
        assertEquals(a.baseUrl() + "/api/v1/rooms", location, "placed on a (same load, smaller id)");
        assertNull(b.rooms().get("keynote"), "nothing made on b");

        HttpResponse<String> created = api(a, location, "POST", body);
        assertEquals(201, created.statusCode(), created.body());
        assertEquals(Optional.of("node-a"), origin(a, "keynote"));

        assertEquals(204, api(a, a.baseUrl() + "/api/v1/rooms/keynote", "DELETE", null).statusCode());
        within(Duration.ofSeconds(2), "the ended room's origin key is released",
                () -> origin(a, "keynote").isEmpty());
    }

    @Test
    void apiCallsAboutARoomServedByAnotherNodeAreSentThereAndNoneMakesOrPlacesARoom() throws Exception {
        StagecastServer[] nodes = twoNodes();
        StagecastServer a = nodes[0];
        StagecastServer b = nodes[1];
        joinOk(a, "board", "host");
        for (String[] call : new String[][] {
                {"GET", "/api/v1/rooms/board", null},
                {"PATCH", "/api/v1/rooms/board", "{\"chatEnabled\": false}"},
                {"GET", "/api/v1/rooms/board/participants", null},
                {"DELETE", "/api/v1/rooms/board/participants/host", null}}) {
            HttpResponse<String> redirected = api(b, b.baseUrl() + call[1], call[0], call[2]);
            assertEquals(307, redirected.statusCode(), call[0] + " " + call[1] + ": " + redirected.body());
            assertTrue(redirected.body().contains("wrong_node"), redirected.body());
            assertEquals(a.baseUrl() + call[1], redirected.headers().firstValue("Location").orElse(""));
        }
        // Followed, the same calls act on the room where it lives.
        HttpResponse<String> patched = api(a, a.baseUrl() + "/api/v1/rooms/board", "PATCH",
                "{\"chatEnabled\": false}");
        assertEquals(200, patched.statusCode(), patched.body());
        boolean chatOff = a.rooms().get("board").read(stage -> !stage.settings().chatEnabled());
        assertTrue(chatOff, "the change reached the room on a");
        assertEquals(200, api(a, a.baseUrl() + "/api/v1/rooms/board/participants", "GET", null).statusCode());
        // Tokens are minted on any node (every node shares the secret); nothing is made there.
        HttpResponse<String> minted = api(b, b.baseUrl() + "/api/v1/rooms/board/tokens", "POST",
                "{\"role\": \"attendee\"}");
        assertEquals(201, minted.statusCode(), minted.body());
        // The operator's media report of a room is read on its node too.
        HttpResponse<String> debug = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(b.baseUrl() + "/debug/rooms/board/participants/host/media"))
                .header("Authorization", "Bearer " + token(b, "board", "mod", Role.MODERATOR)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(307, debug.statusCode(), debug.body());
        assertEquals(a.baseUrl() + "/debug/rooms/board/participants/host/media",
                debug.headers().firstValue("Location").orElse(""));
        // A room nobody serves is not found, and asking does not place it anywhere.
        assertEquals(404, api(b, b.baseUrl() + "/api/v1/rooms/nowhere", "GET", null).statusCode());
        assertEquals(Optional.empty(), origin(b, "nowhere"));
        assertNull(b.rooms().get("board"));
        assertNull(b.rooms().get("nowhere"));
    }

    @Test
    void aRoomMadeOnTwoNodesWhileRedisWasAwayEndsUpOnOneWhenRedisIsBack() throws Exception {
        StagecastServer[] nodes = twoNodes();
        StagecastServer a = nodes[0];
        StagecastServer b = nodes[1];
        redis.process().kill();
        JsonWebSocketClient onA = connect(a);
        JsonWebSocketClient onB = connect(b);
        assertTrue(join(onA, "split", token(a, "split", "ann", Role.MODERATOR)).path("ok").asBoolean());
        assertTrue(join(onB, "split", token(b, "split", "bob", Role.MODERATOR)).path("ok").asBoolean());
        assertTrue(a.rooms().get("split") != null && b.rooms().get("split") != null, "served on both without placement");

        redis.process().restart();
        Duration took = within(Duration.ofSeconds(8), "one node left serving the room",
                () -> (a.rooms().get("split") == null) != (b.rooms().get("split") == null));
        StagecastServer winner = a.rooms().get("split") != null ? a : b;
        StagecastServer loser = winner == a ? b : a;
        JsonWebSocketClient moved = winner == a ? onB : onA;
        String movedId = winner == a ? "bob" : "ann";
        System.out.printf("split room reunited %d ms after Redis came back, on %s%n", took.toMillis(),
                cluster(winner).nodeId());
        assertEquals(Optional.of(cluster(winner).nodeId()), origin(winner, "split"));
        assertTrue(moved.awaitClosed(5_000), "the loser's participant is disconnected");
        // Its web app reconnects to its node, which sends it on; there it joins the one room.
        JsonNode refused = join(connect(loser), "split", token(loser, "split", movedId, Role.MODERATOR));
        assertEquals("wrong_node", refused.path("error").path("code").asText(), refused.toString());
        assertEquals(winner.baseUrl(), refused.path("error").path("node").asText());
        assertTrue(join(connect(winner), "split", token(winner, "split", movedId, Role.MODERATOR)).path("ok").asBoolean());
        assertEquals(2, winner.rooms().get("split").size(), "everyone in one room");
        // The kept state is the winner's: the loser's copy never overwrote it.
        within(Duration.ofSeconds(2), "the winner's state kept with both people",
                () -> keptState("split").contains("\"ann\"") && keptState("split").contains("\"bob\""));
    }

    private String keptState(String room) {
        try (ClusterRedis client = new ClusterRedis(redis.url())) {
            String json = client.sync().get(RoomStateStore.key(room));
            return json == null ? "" : json;
        }
    }

    @Test
    void requestsSentRightAfterAJoinWaitingForPlacementReachTheRoomBehindIt() throws Exception {
        StagecastServer[] nodes = twoNodes();
        StagecastServer a = nodes[0];
        JsonWebSocketClient ws = connect(a);
        String token = token(a, "pipelined", "host", Role.MODERATOR);
        // A new room: the join waits for placement off the loop; the pings sent at once must not
        // overtake it (they would be refused with "join a room first").
        ws.send("{\"id\": 1, \"type\": \"join\", \"room\": \"pipelined\", \"token\": \"" + token + "\"}");
        JsonNode joined = ws.requestRaw("{\"id\": 2, \"type\": \"ping\"}");
        JsonNode firstPing = ws.requestRaw("{\"id\": 3, \"type\": \"ping\"}");
        assertEquals(1, joined.path("id").asInt(), joined.toString());
        assertTrue(joined.path("ok").asBoolean(), joined.toString());
        assertEquals(2, firstPing.path("id").asInt(), firstPing.toString());
        assertTrue(firstPing.path("ok").asBoolean(), "the ping sent behind the join is answered in the room: " + firstPing);
    }
}
