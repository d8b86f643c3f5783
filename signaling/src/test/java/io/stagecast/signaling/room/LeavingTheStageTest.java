package io.stagecast.signaling.room;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecast.sfu.metrics.DropReason;
import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.stage.SessionState;
import io.stagecast.signaling.testutil.LoopbackServer;
import io.stagecast.signaling.testutil.JsonWebSocketClient;
import io.stagecast.signaling.testutil.SyntheticMedia;
import io.stagecast.signaling.testutil.WhepPlayer;
import io.stagecast.signaling.testutil.WhipEncoder;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.RandomIds;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every way off the stage revokes publishing at once and tells everyone, whichever request caused
 * it, over real HTTP, WebSocket and SRTP: a WHIP publish into a full stage evicts a WebSocket
 * speaker or another WHIP encoder; a moderator's WHIP publish starts the session.
 */
class LeavingTheStageTest {
    private static StagecastServer server;

    @BeforeAll
    static void start() throws Exception {
        server = LoopbackServer.start(Map.of());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String token(String room, String id, Role role, boolean viewOnly) {
        return server.tokens().mint(new JoinGrant(room, id, id, role, viewOnly,
                Instant.now().plus(Duration.ofHours(1)), RandomIds.tokenId(), false));
    }

    private static JsonNode ok(JsonWebSocketClient ws, String type, Object... fields) throws Exception {
        JsonNode r = ws.request(type, fields);
        assertTrue(r.path("ok").asBoolean(), type + " refused: " + r);
        return r.path("data");
    }

    /** A moderator on the WebSocket who started the session and made the stage hold one person. */
    private static JsonWebSocketClient hostWithStageOfOne(String room) throws Exception {
        JsonWebSocketClient host = JsonWebSocketClient.connect(server.baseUrl());
        ok(host, "join", "room", room, "token", token(room, "host", Role.MODERATOR, false));
        ok(host, "session.start");
        ok(host, "room.settings", "capacity", 1);
        return host;
    }

    @Test
    void aWhipPublishIntoAFullStageTellsTheEvictedSpeakerAndStopsItsMedia() throws Exception {
        String room = "evict-ws";
        try (JsonWebSocketClient host = hostWithStageOfOne(room);
             JsonWebSocketClient speaker = JsonWebSocketClient.connect(server.baseUrl());
             WhipEncoder speakerMedia = new WhipEncoder(1);
             WhipEncoder encoder = new WhipEncoder(2);
             WhepPlayer viewer = new WhepPlayer(2)) {
            ok(speaker, "join", "room", room, "token", token(room, "speaker", Role.SPEAKER, false), "stage", true);
            JsonNode answer = ok(speaker, "publish", "sdp", speakerMedia.offer());
            speakerMedia.start(answer.path("sdp").asText());
            ok(speaker, "media.microphone", "on", true);
            assertEquals(201, viewer.watch(server.baseUrl(), room, token(room, "viewer", Role.ATTENDEE, true)).statusCode());
            await(() -> viewer.received(1) > 20, "the viewer hears the speaker");

            HttpResponse<String> published = encoder.publish(server.baseUrl(), room, token(room, "encoder", Role.SPEAKER, false));
            assertEquals(201, published.statusCode(), published.body());

            JsonNode moved = speaker.awaitEvent("stage.movedToViewer", 5_000);
            assertNotNull(moved, "the evicted speaker is told it left the stage");
            assertEquals("evicted", moved.path("reason").asText(), moved.toString());
            assertTrue(awaitChanged(host, "speaker", "viewer"), "everyone sees the speaker back in the audience");
            await(() -> viewer.received(2) > 20, "the viewer hears the WHIP encoder that took the place");
            Thread.sleep(300); // packets in flight drain
            long heard = viewer.received(1);
            long sentBefore = speakerMedia.sent();
            Thread.sleep(1_000);
            assertTrue(speakerMedia.sent() > sentBefore + 30, "the evicted speaker keeps sending");
            assertEquals(heard, viewer.received(1), "nothing the evicted speaker sends is forwarded any more");
            assertEquals(0, viewer.peer().replays() + viewer.peer().authFailures(),
                    "the slot that shows the new encoder goes on with the same stream, not a jump back its SRTP drops");
            assertTrue(server.rooms().get(room).stageTracks().stream().noneMatch(t -> t.participantId().equals("speaker")),
                    "the evicted speaker's tracks left the stage");
            assertTrue(speaker.request("ping").path("ok").asBoolean(), "the evicted speaker's WebSocket stays open");
            assertEquals("viewer", server.rooms().get(room).state("speaker").orElseThrow().place().name().toLowerCase());
        }
    }

    @Test
    void aWhipEncoderEvictedFromAFullStageStopsPublishingAndLeaves() throws Exception {
        String room = "evict-whip";
        try (JsonWebSocketClient host = hostWithStageOfOne(room);
             WhipEncoder first = new WhipEncoder(3);
             WhipEncoder second = new WhipEncoder(4);
             WhepPlayer viewer = new WhepPlayer(2)) {
            String firstToken = token(room, "first", Role.SPEAKER, false);
            HttpResponse<String> firstPublished = first.publish(server.baseUrl(), room, firstToken);
            assertEquals(201, firstPublished.statusCode(), firstPublished.body());
            String firstLocation = firstPublished.headers().firstValue("Location").orElseThrow();
            String firstId = awaitAdded(host);
            assertEquals(201, viewer.watch(server.baseUrl(), room, token(room, "viewer", Role.ATTENDEE, true)).statusCode());
            await(() -> viewer.received(3) > 20, "the viewer hears the first encoder");
            double notAllowedBefore = server.media().metrics().drops(DropReason.NOT_ALLOWED);
            double unknownBefore = server.media().metrics().drops(DropReason.UNKNOWN_SOURCE);

            assertEquals(201, second.publish(server.baseUrl(), room, token(room, "second", Role.SPEAKER, false)).statusCode());

            JsonNode removed = host.awaitEvent("participant.removed", 5_000);
            assertNotNull(removed, "the room is told the evicted encoder is gone");
            assertEquals(firstId, removed.path("participantId").asText(), removed.toString());
            await(() -> viewer.received(4) > 20, "the viewer hears the second encoder");
            Thread.sleep(300);
            long heard = viewer.received(3);
            long sentBefore = first.sent();
            Thread.sleep(1_000);
            assertTrue(first.sent() > sentBefore + 30, "the evicted encoder keeps sending");
            assertEquals(heard, viewer.received(3), "nothing the evicted encoder sends is forwarded");
            assertEquals(0, viewer.peer().replays() + viewer.peer().authFailures(), "one continuous stream per slot");
            double dropped = server.media().metrics().drops(DropReason.NOT_ALLOWED) - notAllowedBefore
                    + server.media().metrics().drops(DropReason.UNKNOWN_SOURCE) - unknownBefore;
            assertTrue(dropped > 30, "its packets are dropped, " + dropped);
            assertEquals(404, SyntheticMedia.delete(server.baseUrl(), firstLocation, firstToken),
                    "the evicted encoder's WHIP resource has ended");
            assertTrue(server.rooms().get(room).state(firstId).isEmpty(), "the evicted encoder left the room");
        }
    }

    @Test
    void aModeratorsWhipPublishStartsTheSessionForWhepViewersInTheLobby() throws Exception {
        String room = "whip-starts";
        try (WhepPlayer viewer = new WhepPlayer(1); WhipEncoder host = new WhipEncoder(5)) {
            HttpResponse<String> watching = viewer.watch(server.baseUrl(), room, token(room, "early", Role.ATTENDEE, true));
            assertEquals(201, watching.statusCode(), watching.body());
            Thread.sleep(500);
            assertEquals(0, viewer.received(5));

            HttpResponse<String> live = host.publish(server.baseUrl(), room, token(room, "host", Role.MODERATOR, false));
            assertEquals(201, live.statusCode(), live.body());

            await(() -> viewer.received(5) > 20, "the WHEP viewer who waited in the lobby receives the host's media");
            assertEquals(SessionState.LIVE, server.rooms().get(room).session());
        }
    }

    /** Waits for a participant.changed of {@code id} with that place. */
    private static boolean awaitChanged(JsonWebSocketClient ws, String id, String place) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        while (System.currentTimeMillis() < deadline) {
            JsonNode e = ws.awaitEvent("participant.changed", deadline - System.currentTimeMillis());
            if (e != null && id.equals(e.path("participant").path("id").asText())
                    && place.equals(e.path("participant").path("place").asText())) {
                return true;
            }
        }
        return false;
    }

    /** The id of the next WHIP participant the room is told about. */
    private static String awaitAdded(JsonWebSocketClient ws) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        while (System.currentTimeMillis() < deadline) {
            JsonNode added = ws.awaitEvent("participant.added", deadline - System.currentTimeMillis());
            if (added != null && added.path("participant").path("id").asText().startsWith("whip-")) {
                return added.path("participant").path("id").asText();
            }
        }
        return fail("no participant.added of a WHIP encoder");
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(50);
        }
        fail("timed out waiting for: " + what);
    }
}
