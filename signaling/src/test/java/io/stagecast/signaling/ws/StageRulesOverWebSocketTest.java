package io.stagecast.signaling.ws;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.config.StagecastConfig;
import io.stagecast.signaling.stage.Place;
import io.stagecast.signaling.testutil.JsonWebSocketClient;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.JoinTokens;
import io.stagecast.signaling.token.RandomIds;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stage rules as clients live them: several real WebSocket clients in one room. */
class StageRulesOverWebSocketTest {
    private static StagecastServer server;
    private static final AtomicInteger ROOMS = new AtomicInteger();
    private final List<JsonWebSocketClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        server = StagecastServer.start(StagecastConfig.load(null, Map.of(
                "STAGECAST_HTTP_HOST", "127.0.0.1", "STAGECAST_HTTP_PORT", "0",
                "STAGECAST_MEDIA_PORT", "0", "STAGECAST_MEDIA_BIND_ADDRESS", "127.0.0.1",
                "STAGECAST_MEDIA_ANNOUNCED_ADDRESSES", "127.0.0.1",
                "STAGECAST_MEDIA_ALLOWED_REMOTE_NETWORKS", "127.0.0.0/8",
                "STAGECAST_ROOMS_RECONNECT_GRACE_SECONDS", "2",
                "STAGECAST_TOKEN_SECRET", "stage-test-secret-stage-test-secret-01234"), new Properties()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(JsonWebSocketClient::close);
    }

    /** A connected client and who it is. */
    record Member(String id, JsonWebSocketClient ws, JsonNode joined) {
        JsonNode ok(String type, Object... fields) throws Exception {
            JsonNode r = ws.request(type, fields);
            assertTrue(r.path("ok").asBoolean(), type + " refused: " + r);
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
    }

    static String newRoom() {
        return "stage-" + ROOMS.incrementAndGet();
    }

    static String token(String room, String id, Role role) {
        return server.tokens().mint(JoinGrant.of(room, id, id, role, Instant.now().plus(Duration.ofHours(1))));
    }

    Member join(String room, String id, Role role, Object... extra) throws Exception {
        JsonWebSocketClient ws = JsonWebSocketClient.connect(server.baseUrl());
        clients.add(ws);
        List<Object> fields = new ArrayList<>(List.of("room", room, "token", token(room, id, role)));
        fields.addAll(List.of(extra));
        JsonNode r = ws.request("join", fields.toArray());
        assertTrue(r.path("ok").asBoolean(), "join refused: " + r);
        return new Member(id, ws, r.path("data"));
    }

    /** A started room with a moderator. */
    Member liveRoomWithModerator(String room) throws Exception {
        Member mod = join(room, "mod", Role.MODERATOR);
        mod.ok("session.start");
        return mod;
    }

    Place place(String room, String id) {
        return server.rooms().get(room).state(id).orElseThrow().place();
    }

    @Test
    void attendeesWaitInTheLobbyUntilAModeratorStarts() throws Exception {
        String room = newRoom();
        Member early = join(room, "early", Role.ATTENDEE);
        assertEquals("lobby", early.joined().path("session").asText());
        assertEquals("lobby", early.joined().path("you").path("place").asText());
        Member mod = join(room, "mod", Role.MODERATOR);
        assertEquals("invalid_state", early.refused("hand.raise"), "nothing but waiting in the lobby");
        mod.ok("session.start");
        JsonNode admitted = early.event("room.admitted");
        assertEquals("viewer", admitted.path("snapshot").path("you").path("place").asText());
        assertEquals(Place.VIEWER, place(room, "early"));
    }

    @Test
    void openStageIsJoinedDirectly() throws Exception {
        String room = newRoom();
        Member mod = liveRoomWithModerator(room);
        mod.ok("room.settings", "accessMode", "open");
        Member ann = join(room, "ann", Role.ATTENDEE);
        ann.ok("stage.join");
        assertEquals(Place.STAGE, place(room, "ann"));
        assertEquals("forbidden", ann.refused("stage.leave"), "nobody leaves the stage on their own");
    }

    @Test
    void askApproveConfirmPutsTheRequesterOnStage() throws Exception {
        String room = newRoom();
        Member mod = liveRoomWithModerator(room);
        mod.ok("room.settings", "accessMode", "request");
        Member ann = join(room, "ann", Role.ATTENDEE);
        assertEquals("forbidden", ann.refused("stage.join"), "request mode: ask, don't join");
        ann.ok("stage.request");
        assertEquals("invalid_state", ann.refused("stage.request"), "a duplicate request has one outcome");
        assertEquals("ann", mod.event("stage.requestReceived").path("participantId").asText());
        mod.ok("stage.approve", "participantId", "ann");
        JsonNode invitation = ann.event("stage.invitation");
        assertTrue(invitation.path("viaRequest").asBoolean());
        assertEquals(Place.VIEWER, place(room, "ann"), "approved is not yet on stage: the requester confirms");
        ann.ok("stage.accept");
        assertEquals(Place.STAGE, place(room, "ann"));
    }

    @Test
    void declinedRequesterIsToldAndMayAskAgainAndCancelledRequestsCannotBeApproved() throws Exception {
        String room = newRoom();
        Member mod = liveRoomWithModerator(room);
        mod.ok("room.settings", "accessMode", "request");
        Member ann = join(room, "ann", Role.ATTENDEE);
        ann.ok("stage.request");
        mod.ok("stage.decline", "participantId", "ann");
        assertEquals("declined", ann.event("stage.requestClosed").path("closure").asText());
        ann.ok("stage.request");
        ann.ok("stage.cancelRequest");
        assertEquals("invalid_state", mod.refused("stage.approve", "participantId", "ann"));
        assertEquals(Place.VIEWER, place(room, "ann"));
    }

    @Test
    void invitationsCanBeDeclinedAndRevoked() throws Exception {
        String room = newRoom();
        Member mod = liveRoomWithModerator(room);
        mod.ok("room.settings", "accessMode", "invite");
        Member ann = join(room, "ann", Role.ATTENDEE);
        assertEquals("forbidden", ann.refused("stage.request"), "invite mode has no requests");
        mod.ok("stage.invite", "participantId", "ann");
        ann.event("stage.invitation");
        ann.ok("stage.declineInvitation");
        assertFalse(mod.event("stage.invitationAnswered").path("accepted").asBoolean());
        mod.ok("stage.invite", "participantId", "ann");
        mod.ok("stage.revokeInvitation", "participantId", "ann");
        assertEquals("revoked", ann.event("stage.invitationWithdrawn").path("reason").asText());
        assertEquals("invalid_state", ann.refused("stage.accept"), "a withdrawn invitation cannot be accepted");
        assertEquals(Place.VIEWER, place(room, "ann"));
    }

    @Test
    void removalByAModeratorMakesAViewerWhoMayNoLongerPublish() throws Exception {
        String room = newRoom();
        Member mod = liveRoomWithModerator(room);
        mod.ok("room.settings", "accessMode", "open");
        Member ann = join(room, "ann", Role.ATTENDEE);
        ann.ok("stage.join");
        mod.ok("stage.remove", "participantId", "ann");
        assertEquals("removed", ann.event("stage.movedToViewer").path("reason").asText());
        assertEquals(Place.VIEWER, place(room, "ann"));
        assertEquals("forbidden", ann.refused("publish", "sdp", "v=0"), "viewers do not publish");
        assertEquals("forbidden", ann.refused("stage.remove", "participantId", "mod"), "attendees remove nobody");
    }

    @Test
    void aFullStageMovesTheLongestSilentBackToViewer() throws Exception {
        String room = newRoom();
        Member mod = liveRoomWithModerator(room);
        mod.ok("room.settings", "accessMode", "open", "capacity", 2);
        Member first = join(room, "first", Role.ATTENDEE);
        first.ok("stage.join");
        Member second = join(room, "second", Role.ATTENDEE);
        second.ok("stage.join");
        Member third = join(room, "third", Role.ATTENDEE);
        third.ok("stage.join");
        JsonNode moved = first.event("stage.movedToViewer");
        assertEquals("evicted", moved.path("reason").asText(), "nobody spoke: the first on stage is silent the longest");
        assertEquals(Place.VIEWER, place(room, "first"));
        assertEquals(Place.STAGE, place(room, "third"));
        assertEquals(Place.STAGE, place(room, "second"));
    }

    @Test
    void forcedMuteAndStrongMute() throws Exception {
        String room = newRoom();
        Member mod = liveRoomWithModerator(room);
        Member spk = join(room, "spk", Role.SPEAKER, "stage", true);
        spk.ok("media.microphone", "on", true);
        mod.ok("media.forceOff", "participantId", "spk", "kind", "microphone");
        spk.event("media.forcedOff");
        assertTrue(server.rooms().get(room).state("spk").orElseThrow().microphoneForcedOff());
        assertEquals("bad_request", mod.refused("media.forceOff", "participantId", "spk", "kind", "loud"));
        mod.ok("room.settings", "strongMute", true);
        assertEquals("forbidden", spk.refused("media.microphone", "on", true), "strong mute holds until allowed");
        mod.ok("media.allow", "participantId", "spk", "kind", "microphone");
        assertFalse(server.rooms().get(room).state("spk").orElseThrow().microphoneOn(), "allowing never turns it on");
        spk.ok("media.microphone", "on", true);
        assertTrue(server.rooms().get(room).state("spk").orElseThrow().microphoneOn());
    }

    @Test
    void changingTheModeDropsPendingRequests() throws Exception {
        String room = newRoom();
        Member mod = liveRoomWithModerator(room);
        mod.ok("room.settings", "accessMode", "request");
        Member ann = join(room, "ann", Role.ATTENDEE);
        ann.ok("stage.request");
        mod.ok("room.settings", "accessMode", "open");
        assertEquals("dropped", ann.event("stage.requestClosed").path("closure").asText());
        assertFalse(server.rooms().get(room).state("ann").orElseThrow().stageRequested());
    }

    @Test
    void twoModeratorsRacingOnOneRequestGetOneSuccess() throws Exception {
        String room = newRoom();
        Member mod = liveRoomWithModerator(room);
        Member mod2 = join(room, "mod2", Role.MODERATOR);
        mod.ok("room.settings", "accessMode", "request");
        Member ann = join(room, "ann", Role.ATTENDEE);
        ann.ok("stage.request");
        CompletableFuture<JsonNode> a = CompletableFuture.supplyAsync(() -> quietly(() -> mod.ws().request("stage.approve", "participantId", "ann")));
        CompletableFuture<JsonNode> b = CompletableFuture.supplyAsync(() -> quietly(() -> mod2.ws().request("stage.decline", "participantId", "ann")));
        int successes = (a.get().path("ok").asBoolean() ? 1 : 0) + (b.get().path("ok").asBoolean() ? 1 : 0);
        assertEquals(1, successes, "the first answer wins: " + a.get() + " / " + b.get());
        String loser = a.get().path("ok").asBoolean() ? b.get().path("error").path("code").asText()
                : a.get().path("error").path("code").asText();
        assertEquals("invalid_state", loser);
    }

    @Test
    void aLockedRoomAdmitsModeratorsOnly() throws Exception {
        String room = newRoom();
        Member mod = liveRoomWithModerator(room);
        mod.ok("room.settings", "locked", true);
        JsonWebSocketClient ws = JsonWebSocketClient.connect(server.baseUrl());
        clients.add(ws);
        JsonNode r = ws.request("join", "room", room, "token", token(room, "late", Role.ATTENDEE));
        assertEquals("forbidden", r.path("error").path("code").asText());
        join(room, "mod2", Role.MODERATOR);
        assertTrue(server.rooms().get(room).state("late").isEmpty(), "the refused join left no trace");
    }

    @Test
    void endingTheSessionEndsItForEveryone() throws Exception {
        String room = newRoom();
        Member mod = liveRoomWithModerator(room);
        Member ann = join(room, "ann", Role.ATTENDEE);
        mod.ok("session.end");
        ann.event("session.ended");
        long deadline = System.currentTimeMillis() + 5_000;
        while (server.rooms().get(room).size() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0, server.rooms().get(room).size(), "every connection was closed");
        JsonWebSocketClient ws = JsonWebSocketClient.connect(server.baseUrl());
        clients.add(ws);
        assertEquals("invalid_state", ws.request("join", "room", room, "token", token(room, "x", Role.ATTENDEE))
                .path("error").path("code").asText(), "nobody joins an ended session");
    }

    @Test
    void reconnectWithinTheGraceKeepsThePendingRequestAndAfterItTheRoomIsTold() throws Exception {
        String room = newRoom();
        Member mod = liveRoomWithModerator(room);
        mod.ok("room.settings", "accessMode", "request");
        Member ann = join(room, "ann", Role.ATTENDEE);
        ann.ok("stage.request");
        ann.ws().close();
        Thread.sleep(300);
        Member back = join(room, "ann", Role.ATTENDEE);
        assertTrue(back.joined().path("you").path("stageRequested").asBoolean(), "the request survived: " + back.joined());
        assertTrue(back.joined().path("you").path("connected").asBoolean());

        Member bob = join(room, "bob", Role.ATTENDEE);
        bob.ws().close();
        JsonNode removed = mod.event("participant.removed");
        while (!"bob".equals(removed.path("participantId").asText())) {
            removed = mod.event("participant.removed");
        }
        assertEquals("timed_out", removed.path("reason").asText());
        assertTrue(server.rooms().get(room).state("bob").isEmpty());
    }

    @Test
    void anAttendeeIsRefusedEveryModeratorActionAndNothingChanges() throws Exception {
        String room = newRoom();
        Member mod = liveRoomWithModerator(room);
        Member ann = join(room, "ann", Role.ATTENDEE);
        JsonNode before = ann.ok("ping");
        Object[][] actions = {
                {"session.end"}, {"room.settings", "locked", true}, {"stage.remove", "participantId", "mod"},
                {"stage.approve", "participantId", "mod"}, {"stage.decline", "participantId", "mod"},
                {"stage.invite", "participantId", "mod"}, {"stage.revokeInvitation", "participantId", "mod"},
                {"stage.spotlight", "participantId", "mod"}, {"media.forceOff", "participantId", "mod", "kind", "camera"},
                {"media.forceOffAll", "kind", "microphone"}, {"media.allow", "participantId", "mod", "kind", "camera"},
                {"participant.role", "participantId", "ann", "role", "moderator"}, {"hand.lowerAll"},
                {"hand.lower", "participantId", "mod"}, {"chat.clear"}, {"chat.block", "participantId", "mod", "blocked", true},
                {"chat.pin", "messageId", "m1"}, {"poll.create", "question", "q?", "options", List.of("a", "b")},
                {"invite.link", "role", "moderator"}};
        for (Object[] action : actions) {
            Object[] fields = java.util.Arrays.copyOfRange(action, 1, action.length);
            assertEquals("forbidden", ann.refused((String) action[0], fields), "attendee sent " + action[0]);
        }
        assertEquals(Role.ATTENDEE, server.rooms().get(room).state("ann").orElseThrow().role());
        assertFalse(server.rooms().get(room).state("mod").orElseThrow().chatBlocked());
        assertNotNull(before);
    }

    @Test
    void forgedExpiredForeignAndReplayedTokensAreRefused() throws Exception {
        String room = newRoom();
        liveRoomWithModerator(room);
        JsonWebSocketClient ws = JsonWebSocketClient.connect(server.baseUrl());
        clients.add(ws);
        String forged = new JoinTokens("an-attacker-secret-an-attacker-secret-99".getBytes(), Clock.systemUTC())
                .mint(JoinGrant.of(room, "evil", "evil", Role.MODERATOR, Instant.now().plusSeconds(60)));
        String expired = server.tokens().mint(JoinGrant.of(room, "old", "old", Role.ATTENDEE, Instant.now().minusSeconds(120)));
        String foreign = token("another-room", "x", Role.MODERATOR);
        String singleUse = server.tokens().mint(new JoinGrant(room, "once", "once", Role.SPEAKER, false,
                Instant.now().plusSeconds(600), RandomIds.tokenId(), true));
        for (String bad : new String[]{forged, expired, foreign, "not-a-token"}) {
            assertEquals("unauthorized", ws.request("join", "room", room, "token", bad).path("error").path("code").asText());
        }
        JsonWebSocketClient first = JsonWebSocketClient.connect(server.baseUrl());
        clients.add(first);
        assertTrue(first.request("join", "room", room, "token", singleUse).path("ok").asBoolean());
        assertEquals("unauthorized", ws.request("join", "room", room, "token", singleUse).path("error").path("code").asText(),
                "a single-use link works once");
        assertTrue(server.rooms().get(room).state("evil").isEmpty());
        assertTrue(ws.request("ping").path("error").path("code").asText().equals("invalid_state"),
                "the connection survived every refusal");
    }

    @Test
    void malformedArgumentsAreBadRequestsAndOversizedMessagesCloseTheConnection() throws Exception {
        String room = newRoom();
        Member mod = liveRoomWithModerator(room);
        assertEquals("bad_request", mod.refused("room.settings", "capacity", "many"));
        assertEquals("bad_request", mod.refused("room.settings", "accessMode", "anarchy"));
        assertEquals("bad_request", mod.refused("chat.send", "text", 42));
        assertEquals("bad_request", mod.refused("poll.create", "question", "q", "options", "not a list"));
        assertEquals("bad_request", mod.refused("participant.role", "participantId", "mod", "role", "king"));
        assertTrue(mod.ok("ping").isObject(), "the connection survived the refusals");
        mod.ws().send("{\"id\": 99, \"type\": \"chat.send\", \"text\": \"" + "x".repeat(70_000) + "\"}");
        assertTrue(mod.ws().awaitClosed(5_000), "an oversized message closes the connection (1009)");
        assertEquals(0, server.rooms().get(room).state("mod").map(s -> 0).orElse(0), "the moderator is still known to the room");
    }

    @Test
    void displayNamesAreNormalisedAndInvisibleNamesRefused() throws Exception {
        String room = newRoom();
        Member mod = liveRoomWithModerator(room);
        // A typed name with a right-to-left override, zero-width spaces and doubled spaces.
        Member ann = join(room, "ann", Role.ATTENDEE, "name", "  Ann\u202E\u200B  Lee\u2066 ");
        assertEquals("Ann Lee", ann.joined().path("name").asText());
        assertEquals("Ann Lee", ann.joined().path("you").path("name").asText());
        JsonNode added = mod.event("participant.added");
        while (!added.path("participant").path("id").asText().equals("ann")) {
            added = mod.event("participant.added");
        }
        assertEquals("Ann Lee", added.path("participant").path("name").asText(), "what the others see");

        JsonWebSocketClient ws = JsonWebSocketClient.connect(server.baseUrl());
        clients.add(ws);
        for (String invisible : new String[] {"\u200B\u200B", "\u202E", "\u3164", "   ", ""}) {
            JsonNode r = ws.request("join", "room", room, "token", token(room, "ghost", Role.ATTENDEE), "name", invisible);
            assertEquals("invalid_name", r.path("error").path("code").asText(), r.toString());
        }
        // The token's name claim follows the same rule.
        String invisibleClaim = server.tokens().mint(JoinGrant.of(room, "ghost", "\u200D\u2060", Role.ATTENDEE,
                Instant.now().plus(Duration.ofHours(1))));
        JsonNode r = ws.request("join", "room", room, "token", invisibleClaim);
        assertEquals("invalid_name", r.path("error").path("code").asText(), r.toString());
        assertTrue(server.rooms().get(room).state("ghost").isEmpty(), "nobody invisible got in");
        String spoofClaim = server.tokens().mint(JoinGrant.of(room, "spoof", "Mod\u202Erotar", Role.ATTENDEE,
                Instant.now().plus(Duration.ofHours(1))));
        assertTrue(ws.request("join", "room", room, "token", spoofClaim).path("ok").asBoolean());
        assertEquals("Modrotar", server.rooms().get(room).state("spoof").orElseThrow().name());
    }

    @Test
    void requestsThatFanOutAreRateLimitedAndCounted() throws Exception {
        String room = newRoom();
        liveRoomWithModerator(room);
        Member ann = join(room, "ann", Role.ATTENDEE);
        double before = refusedCount("rate_limited");
        int done = 0;
        String code = null;
        for (int i = 0; i < 100 && code == null; i++) {
            JsonNode r = ann.ws().request(i % 2 == 0 ? "hand.raise" : "hand.lower", "participantId", "ann");
            if (r.path("ok").asBoolean()) {
                done++;
            } else {
                code = r.path("error").path("code").asText();
            }
        }
        assertEquals("rate_limited", code);
        assertEquals(io.stagecast.signaling.stage.StageLimits.DEFAULTS.actionBurst(), done,
                "the burst passes, the next is refused");
        assertEquals(before + 1, refusedCount("rate_limited"), "counted in /metrics");
        assertEquals("rate_limited", ann.refused("media.microphone", "on", false),
                "one budget for every request that fans out");
        assertTrue(ann.ok("ping").isObject(), "the connection stays open");
        assertTrue(ann.ok("chat.send", "text", "chat has its own window").isObject());
    }

    private static double refusedCount(String code) {
        var counter = server.metrics().find("stagecast.websocket.refused").tag("code", code).counter();
        return counter == null ? 0 : counter.count();
    }

    private static JsonNode quietly(java.util.concurrent.Callable<JsonNode> call) {
        try {
            return call.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
