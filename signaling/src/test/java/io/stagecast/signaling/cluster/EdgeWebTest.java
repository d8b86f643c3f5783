package io.stagecast.signaling.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.testutil.JsonWebSocketClient;
import io.stagecast.signaling.testutil.WebViewer;
import io.stagecast.signaling.testutil.WhipEncoder;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.time.Duration;

import static io.stagecast.signaling.cluster.ClusterRoutingTest.within;
import static io.stagecast.signaling.cluster.EdgeWhepTest.api;
import static io.stagecast.signaling.cluster.EdgeWhepTest.mediaReport;
import static io.stagecast.signaling.cluster.EdgeWhepTest.millisUntil;
import static io.stagecast.signaling.cluster.EdgeWhepTest.token;
import static io.stagecast.signaling.cluster.EdgeWhepTest.twoNodes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14, web clients at an edge ({@code cluster.edge-web}, on by default): a web client that
 * joins at a node that is not the room's origin stays there. Its requests and events pass through
 * to the origin's room (one state machine, its rules and codes), the stage reaches it from its own
 * node over the room's relay (offered there, no receiving transport at the origin), and on stage
 * it publishes to the origin. Two in-process nodes on a redis-server of the test's own.
 */
class EdgeWebTest {
    @RegisterExtension
    static final RedisPerTest redis = new RedisPerTest();

    /** The room's moderator publishes at {@code origin} with a WHIP encoder tagged {@code tag}: the room is placed there. */
    private static WhipEncoder hostPublishes(StagecastServer origin, String room, int tag) throws Exception {
        WhipEncoder host = redis.closeAfter(new WhipEncoder(tag));
        assertEquals(201, host.publish(origin.baseUrl(), room, token(origin, room, "host", Role.MODERATOR)).statusCode());
        return host;
    }

    @Test
    void aWebViewerAtAnEdgeWatchesFromItsNodeAndIsInTheOriginsRoom() throws Exception {
        StagecastServer[] nodes = twoNodes(redis);
        StagecastServer a = nodes[0];
        StagecastServer b = nodes[1];
        WhipEncoder host = hostPublishes(a, "town", 7);
        JsonWebSocketClient moderator = redis.closeAfter(JsonWebSocketClient.connect(a.baseUrl()));
        assertTrue(moderator.request("join", "room", "town", "token", token(a, "town", "mod", Role.MODERATOR))
                .path("ok").asBoolean());

        int transportsAtOrigin = a.media().transportCount();
        long asked = System.nanoTime();
        WebViewer ann = redis.closeAfter(WebViewer.join(b.baseUrl(), "town", token(a, "town", "ann", Role.ATTENDEE)));
        assertTrue(ann.joined.path("ok").asBoolean(), "joined where it connected, not sent on: " + ann.joined);
        assertEquals("ann", ann.participantId());
        assertNull(b.rooms().get("town"), "b holds no copy of the room");
        assertNotNull(moderator.awaitEvent("participant.added", 5_000), "the origin's room has her");
        InetSocketAddress offeredBy = ann.answerNextOffer(5_000);
        assertNotNull(offeredBy, "the stage is offered");
        assertTrue(b.media().ports().contains(offeredBy.getPort()), "offered by b, her own node: " + offeredBy);
        long firstMs = millisUntil(asked, () -> ann.received(7) > 0);
        assertEquals(transportsAtOrigin + 1, a.media().transportCount(), "at the origin only the relay to b is new");
        int withRelay = a.media().transportCount();
        WebViewer carl = redis.closeAfter(WebViewer.join(b.baseUrl(), "town", token(a, "town", "carl", Role.ATTENDEE)));
        assertNotNull(carl.answerNextOffer(5_000));
        within(Duration.ofSeconds(5), "a second viewer at the edge hears the host", () -> carl.received(7) > 0);
        assertEquals(withRelay, a.media().transportCount(), "no receiving transport at the origin for a web client at the edge");
        assertEquals(1, a.rooms().originRelays().count("town"), "one relay for both");
        assertEquals(2, b.rooms().edges().webClients("town"));
        carl.close();
        within(Duration.ofSeconds(3), "carl's leaving ends his media at the edge", () -> b.rooms().edges().webClients("town") == 1);

        long sentBefore = host.sent();
        long gotBefore = ann.received(7);
        Thread.sleep(2000);
        long sent = host.sent() - sentBefore;
        long got = ann.received(7) - gotBefore;
        System.out.println("edge web: joined at the edge, first audio " + firstMs + " ms after the join; " + got
                + " of " + sent + " packets in 2 s");
        assertTrue(got >= sent * 0.95 && got <= sent + 2, "every packet, once: " + got + " of " + sent);

        // Requests pass through to the origin's room, with its answers and events.
        JsonNode chat = ann.socket.request("chat.send", "text", "hello from b");
        assertTrue(chat.path("ok").asBoolean(), chat.toString());
        JsonNode heard = moderator.awaitEvent("chat.message", 5_000);
        assertEquals("hello from b", heard.path("message").path("text").asText(), heard.toString());
        JsonNode refused = ann.socket.request("stage.approve", "participantId", "mod");
        assertEquals("forbidden", refused.path("error").path("code").asText(), "the origin's rules: " + refused);
        JsonNode viewport = ann.socket.request("media.viewport", "tracks", java.util.List.of());
        assertTrue(viewport.path("ok").asBoolean(), "answered at the edge: " + viewport);
        // Pipelined, with ids of every kind (a repeated one too): answered in the order sent,
        // whether the origin or the edge (viewport, answer) answers.
        ann.socket.send("{\"id\":\"x\",\"type\":\"reaction.send\",\"emoji\":\"👏\"}");
        ann.socket.send("{\"id\":7,\"type\":\"media.viewport\",\"tracks\":[]}");
        ann.socket.send("{\"id\":7,\"type\":\"ping\"}");
        ann.socket.send("{\"id\":8,\"type\":\"answer\",\"sdp\":\"v=0\",\"revision\":99}");
        ann.socket.send("{\"id\":9,\"type\":\"chat.send\",\"text\":\"second\"}");
        StringBuilder ids = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            JsonNode r = ann.socket.nextResponse(5_000);
            assertNotNull(r, "a response to each: " + ids);
            ids.append(r.path("id").asText()).append(r.path("ok").asBoolean() ? "+" : "-" + r.path("error").path("code").asText()).append(' ');
        }
        assertEquals("x+ 7+ 7+ 8-invalid_state 9+ ", ids.toString(), "one response each, in order");
        // The room's lastN, set at the origin, caps her video tracks at her edge too.
        assertEquals(25, b.rooms().edges().webLastN("town", "ann"), "the room's lastN from the join's snapshot");
        assertTrue(moderator.request("room.settings", "lastN", 2).path("ok").asBoolean());
        within(Duration.ofSeconds(3), "settings.changed reaches her edge", () -> b.rooms().edges().webLastN("town", "ann") == 2);
        // A moderator's report of what she receives (media.debug, the debug URL) is made at her edge, where her media is.
        // Its rates are per second of forwarding: asked again (up to 3 s) until a second with media was counted.
        long debugAsked = System.nanoTime();
        JsonNode debug = moderator.request("media.debug", "participantId", "ann");
        long debugMs = (System.nanoTime() - debugAsked) / 1_000_000;
        for (int tries = 0; tries < 15 && debug.path("data").path("consumers").path(0).path("sentBps").asLong() == 0; tries++) {
            Thread.sleep(200);
            debug = moderator.request("media.debug", "participantId", "ann");
        }
        assertTrue(debug.path("ok").asBoolean(), "answered with the edge's report: " + debug);
        JsonNode report = debug.path("data");
        assertEquals("ann", report.path("participantId").asText(), report.toString());
        assertEquals(2, report.path("lastNApplied").asInt(), "her edge's own lastN: " + report);
        assertEquals(2, report.path("consumers").size(), "the host's microphone and camera, at b: " + report);
        JsonNode consumer = report.path("consumers").get(0);
        assertEquals("audio", consumer.path("kind").asText(), report.toString());
        assertTrue(consumer.path("trackId").asText("").startsWith("microphone-"), "named as she sees it: " + report);
        assertTrue(consumer.path("participantId").asText("").startsWith("whip-"), "the host's id at the origin: " + report);
        assertTrue(consumer.path("sentBps").asLong() > 0, "forwarded to her: " + report);
        System.out.println("edge web: media.debug of an edge client answered from its edge in " + debugMs + " ms");
        JsonNode overHttp = mediaReport(a, "town", "ann");
        assertNotNull(overHttp, "the debug URL answers 200 too");
        assertEquals("ann", overHttp.path("participantId").asText(), overHttp.toString());
        assertEquals("forbidden", ann.socket.request("media.debug", "participantId", "ann").path("error").path("code").asText(),
                "only moderators, through the edge too");
        HttpResponse<String> list = api(a, "town", "GET", "/participants/ann", null);
        assertEquals(200, list.statusCode(), list.body());
        assertTrue(list.body().contains("\"connection\":\"websocket\""), list.body());

        // A reload through the same edge, she its only client there: the same person, the older
        // connection replaced, the relay kept for the new one.
        WebViewer again = redis.closeAfter(WebViewer.join(b.baseUrl(), "town",
                ann.joined.path("data").path("rejoinToken").asText()));
        assertTrue(again.joined.path("ok").asBoolean(), again.joined.toString());
        assertEquals("ann", again.participantId());
        assertTrue(ann.socket.awaitClosed(3_000), "the older connection is closed");
        assertNotNull(again.answerNextOffer(5_000), "the new one is offered the stage");
        within(Duration.ofSeconds(5), "and hears it", () -> again.received(7) > 0);
        assertEquals(1, b.rooms().edges().webClients("town"));

        // Removed at the origin: her connection at the edge closes, and her media there ends.
        long removing = System.nanoTime();
        assertEquals(204, api(a, "town", "DELETE", "/participants/ann", null).statusCode());
        assertTrue(again.socket.awaitClosed(3_000), "the edge closes her connection");
        long closedMs = (System.nanoTime() - removing) / 1_000_000;
        within(Duration.ofSeconds(3), "her subscription at the edge ends", () -> b.rooms().edges().webClients("town") == 0);
        Thread.sleep(200);
        long after = again.received(7);
        Thread.sleep(500);
        assertEquals(after, again.received(7), "nothing more reaches her");
        System.out.println("edge web: removed at the origin -> connection at the edge closed " + closedMs + " ms later");
        assertEquals("not_found", moderator.request("media.debug", "participantId", "ann").path("error").path("code").asText(),
                "no report of someone gone");
        within(Duration.ofSeconds(3), "the relay ends with its last member",
                () -> !b.rooms().edges().serves("town") && a.rooms().originRelays().count("town") == 0);
    }

    @Test
    void anAttendeeAtAnEdgeWaitsInTheLobbyThenGoesOnStageAndPublishesToTheOrigin() throws Exception {
        StagecastServer[] nodes = twoNodes(redis);
        StagecastServer a = nodes[0];
        StagecastServer b = nodes[1];
        WhipEncoder speaker = redis.closeAfter(new WhipEncoder(11)); // a speaker's publish does not start the session
        assertEquals(201, speaker.publish(a.baseUrl(), "panel", token(a, "panel", "speaker", Role.SPEAKER)).statusCode());

        // An attendee who may be brought on stage (the test's usual attendee token is view-only).
        String annToken = a.tokens().mint(new io.stagecast.signaling.token.JoinGrant("panel", "ann", "Ann", Role.ATTENDEE,
                false, java.time.Instant.now().plus(Duration.ofHours(1)), io.stagecast.signaling.token.RandomIds.tokenId(), false));
        WebViewer ann = redis.closeAfter(WebViewer.join(b.baseUrl(), "panel", annToken));
        assertTrue(ann.joined.path("ok").asBoolean(), ann.joined.toString());
        assertEquals("lobby", ann.joined.path("data").path("you").path("place").asText());
        assertNull(ann.answerNextOffer(1_000), "nothing of the stage while the origin holds her in its lobby");

        JsonWebSocketClient moderator = redis.closeAfter(JsonWebSocketClient.connect(a.baseUrl()));
        assertTrue(moderator.request("join", "room", "panel", "token", token(a, "panel", "mod", Role.MODERATOR))
                .path("ok").asBoolean());
        long starting = System.nanoTime();
        assertTrue(moderator.request("session.start").path("ok").asBoolean());
        assertNotNull(ann.socket.awaitEvent("room.admitted", 5_000), "admitted, told through her edge");
        assertNotNull(ann.answerNextOffer(5_000), "then offered the stage by her edge");
        long heardMs = millisUntil(starting, () -> ann.received(11) > 0);
        System.out.println("edge web: session started -> the lobby attendee at the edge hears the stage " + heardMs + " ms later");

        // Ask, approved at the origin, accept: on stage, she publishes to the origin itself.
        assertTrue(moderator.request("room.settings", "accessMode", "request").path("ok").asBoolean());
        JsonNode asked = ann.socket.request("stage.request");
        assertTrue(asked.path("ok").asBoolean(), asked.toString());
        assertNotNull(moderator.awaitEvent("stage.requestReceived", 5_000));
        assertTrue(moderator.request("stage.approve", "participantId", "ann").path("ok").asBoolean());
        assertNotNull(ann.socket.awaitEvent("stage.invitation", 5_000));
        assertTrue(ann.socket.request("stage.accept").path("ok").asBoolean());
        WhipEncoder annMedia = redis.closeAfter(new WhipEncoder(21));
        JsonNode published = ann.socket.request("publish", "sdp", annMedia.offer());
        assertTrue(published.path("ok").asBoolean(), published.toString());
        String answer = published.path("data").path("sdp").asText();
        int port = Integer.parseInt(answer.lines().filter(l -> l.startsWith("a=candidate:")).findFirst().orElseThrow()
                .split(" ")[5]);
        assertTrue(a.media().ports().contains(port), "her publishing transport is the origin's: " + port);
        annMedia.start(answer);
        assertTrue(ann.socket.request("media.microphone", "on", true).path("ok").asBoolean());
        WebViewer bob = redis.closeAfter(WebViewer.join(b.baseUrl(), "panel", token(a, "panel", "bob", Role.ATTENDEE)));
        assertNotNull(bob.answerNextOffer(5_000));
        within(Duration.ofSeconds(5), "another viewer at the edge hears her, relayed back from the origin",
                () -> bob.received(21) > 20);
        assertEquals(0, ann.received(21), "nobody receives their own tracks back");

        // Off the stage by the moderator: dropped at the origin, where she sends.
        assertTrue(moderator.request("stage.remove", "participantId", "ann").path("ok").asBoolean());
        Thread.sleep(300);
        long heard = bob.received(21);
        long sentBefore = annMedia.sent();
        Thread.sleep(1_000);
        assertTrue(annMedia.sent() > sentBefore + 30, "she keeps sending");
        assertEquals(heard, bob.received(21), "nothing of her reaches the edge after the removal");
        assertTrue(ann.received(11) > 0 && !ann.socket.awaitClosed(100), "she still watches, as a viewer");
    }

    @Test
    void aJoinThatClaimsToComeFromAnEdgeIsRefusedWithoutTheEdgesCredential() throws Exception {
        StagecastServer[] nodes = twoNodes(redis);
        StagecastServer a = nodes[0];
        hostPublishes(a, "guarded", 3);
        JsonWebSocketClient forger = redis.closeAfter(JsonWebSocketClient.connect(a.baseUrl()));
        JsonNode refused = forger.request("join", "room", "guarded", "token", token(a, "guarded", "eve", Role.ATTENDEE),
                "edge", java.util.Map.of("relay", "r1", "credential", "not-a-token"));
        assertEquals("forbidden", refused.path("error").path("code").asText(), refused.toString());
        // A real API token of another room does not do either.
        String other = a.apiTokens().mint(io.stagecast.signaling.token.ApiGrants.adminOf("elsewhere"), Duration.ofMinutes(2));
        refused = forger.request("join", "room", "guarded", "token", token(a, "guarded", "eve", Role.ATTENDEE),
                "edge", java.util.Map.of("relay", "r1", "credential", other));
        assertEquals("forbidden", refused.path("error").path("code").asText(), refused.toString());
        assertFalse(a.rooms().get("guarded").state("eve").isPresent(), "nothing changed in the room");
        JsonNode plain = forger.request("join", "room", "guarded", "token", token(a, "guarded", "eve", Role.ATTENDEE));
        assertTrue(plain.path("ok").asBoolean(), "the same client joins as itself: " + plain);
    }

    @Test
    void aDrainingEdgeTellsItsWebClientsAndTakesNoNewOne() throws Exception {
        StagecastServer[] nodes = twoNodes(redis);
        StagecastServer a = nodes[0];
        StagecastServer b = nodes[1];
        hostPublishes(a, "late", 5);
        WebViewer ann = redis.closeAfter(WebViewer.join(b.baseUrl(), "late", token(a, "late", "ann", Role.ATTENDEE)));
        assertTrue(ann.joined.path("ok").asBoolean(), ann.joined.toString());
        b.rooms().drain(java.time.Instant.now().plusSeconds(60));
        JsonNode notice = ann.socket.awaitEvent("node.draining", 3_000);
        assertNotNull(notice, "her own node's notice, though the room is another node's");
        WebViewer late = redis.closeAfter(WebViewer.join(b.baseUrl(), "late", token(a, "late", "bob", Role.ATTENDEE)));
        assertEquals("node_draining", late.joined.path("error").path("code").asText(), late.joined.toString());
        assertFalse(a.rooms().get("late").state("bob").isPresent(), "nothing reached the origin's room");
    }
}
