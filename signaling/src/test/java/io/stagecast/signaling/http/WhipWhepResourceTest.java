package io.stagecast.signaling.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecast.signaling.StagecastServer;
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

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * WHIP and WHEP resources as HTTP clients meet them (RFC 9725): who may end one, what its URL
 * reveals, the headers a browser-based client needs, and single-use tokens that only a join
 * that happens uses up.
 */
class WhipWhepResourceTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static StagecastServer server;

    @BeforeAll
    static void start() throws Exception {
        server = LoopbackServer.start(Map.of());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String token(String room, String id, Role role, boolean viewOnly, boolean singleUse) {
        return server.tokens().mint(new JoinGrant(room, id, id, role, viewOnly,
                Instant.now().plus(Duration.ofHours(1)), RandomIds.tokenId(), singleUse));
    }

    private static String token(String room, String id, Role role) {
        return token(room, id, role, false, false);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder at(String path) {
        return HttpRequest.newBuilder(URI.create(server.baseUrl() + path));
    }

    private static JsonNode ok(JsonWebSocketClient ws, String type, Object... fields) throws Exception {
        JsonNode r = ws.request(type, fields);
        assertTrue(r.path("ok").asBoolean(), type + " refused: " + r);
        return r.path("data");
    }

    /** The ids of the room's participants as a member's snapshot shows them. */
    private static List<String> participantIds(JsonWebSocketClient ws, String room, String token) throws Exception {
        JsonNode joined = ok(ws, "join", "room", room, "token", token);
        List<String> ids = new ArrayList<>();
        joined.path("participants").forEach(p -> ids.add(p.path("id").asText()));
        return ids;
    }

    @Test
    void onlyItsCreatorOrAModeratorEndsAWhipResource() throws Exception {
        String room = "own-whip";
        String publisherToken = token(room, "publisher", Role.SPEAKER);
        String attendeeToken = token(room, "attendee", Role.ATTENDEE, true, false);
        try (JsonWebSocketClient host = JsonWebSocketClient.connect(server.baseUrl());
             JsonWebSocketClient attendee = JsonWebSocketClient.connect(server.baseUrl());
             WhipEncoder encoder = new WhipEncoder(7);
             WhepPlayer viewer = new WhepPlayer(1)) {
            ok(host, "join", "room", room, "token", token(room, "host", Role.MODERATOR));
            ok(host, "session.start");
            HttpResponse<String> published = encoder.publish(server.baseUrl(), room, publisherToken);
            assertEquals(201, published.statusCode(), published.body());
            String location = published.headers().firstValue("Location").orElseThrow();
            String secret = location.substring(location.lastIndexOf('/') + 1);
            assertTrue(location.startsWith("/whip/" + room + "/"), location);
            assertTrue(secret.matches("[A-Za-z0-9_-]{22,}"), "at least 128 random bits: " + secret);

            List<String> ids = participantIds(attendee, room, attendeeToken);
            String whipId = ids.stream().filter(id -> id.startsWith("whip-")).findFirst().orElseThrow();
            assertFalse(ids.contains(secret), "the resource URL is not a participant id others see: " + ids);
            assertNotEquals(whipId, secret);
            assertEquals(201, viewer.watch(server.baseUrl(), room, attendeeToken).statusCode());
            await(() -> viewer.received(7) > 10, "the WHEP viewer receives the WHIP encoder");

            assertEquals(404, SyntheticMedia.delete(server.baseUrl(), "/whip/" + room + "/" + whipId, attendeeToken),
                    "the participant id from a snapshot is no resource id");
            assertEquals(404, SyntheticMedia.delete(server.baseUrl(), "/whip/" + room + "/" + whipId, publisherToken),
                    "not even for its creator");
            assertEquals(403, SyntheticMedia.delete(server.baseUrl(), location, attendeeToken),
                    "a view-only attendee may not end someone else's WHIP resource");
            assertEquals(403, SyntheticMedia.delete(server.baseUrl(), location,
                    token(room, "other-speaker", Role.SPEAKER)), "nor another speaker");
            assertEquals(404, SyntheticMedia.delete(server.baseUrl(), "/whep/" + room + "/" + secret, publisherToken),
                    "a WHEP URL never reaches a WHIP resource");
            long heard = viewer.received(7);
            await(() -> viewer.received(7) > heard + 10, "the WHIP resource still works after the refused DELETEs");

            assertEquals(200, SyntheticMedia.delete(server.baseUrl(), location, publisherToken), "its creator ends it");
            await(() -> server.rooms().get(room).stageTracks().isEmpty(), "nothing left on stage");
            assertEquals(404, SyntheticMedia.delete(server.baseUrl(), location, publisherToken), "gone");

            try (WhipEncoder again = new WhipEncoder(8)) {
                HttpResponse<String> second = again.publish(server.baseUrl(), room, publisherToken);
                assertEquals(201, second.statusCode());
                assertEquals(200, SyntheticMedia.delete(server.baseUrl(), second.headers().firstValue("Location").orElseThrow(),
                        token(room, "host", Role.MODERATOR)), "a moderator ends anyone's WHIP resource");
            }
        }
    }

    @Test
    void onlyItsCreatorOrAModeratorEndsAWhepResource() throws Exception {
        String room = "own-whep";
        String mine = token(room, "watcher", Role.ATTENDEE, true, false);
        try (WhepPlayer player = new WhepPlayer(1); WhepPlayer other = new WhepPlayer(1)) {
            HttpResponse<String> watching = player.watch(server.baseUrl(), room, mine);
            assertEquals(201, watching.statusCode(), watching.body());
            String location = watching.headers().firstValue("Location").orElseThrow();
            assertTrue(location.startsWith("/whep/" + room + "/"), location);

            assertEquals(403, SyntheticMedia.delete(server.baseUrl(), location, token(room, "nosy", Role.ATTENDEE, true, false)));
            assertEquals(404, SyntheticMedia.delete(server.baseUrl(), location.replace("/whep/", "/whip/"), mine),
                    "a WHIP URL never reaches a WHEP resource");
            assertEquals(1, server.rooms().get(room).size(), "the viewer is still there");
            assertEquals(200, SyntheticMedia.delete(server.baseUrl(), location, mine), "its creator ends it");

            HttpResponse<String> second = other.watch(server.baseUrl(), room, mine);
            assertEquals(201, second.statusCode());
            assertEquals(200, SyntheticMedia.delete(server.baseUrl(), second.headers().firstValue("Location").orElseThrow(),
                    token(room, "host", Role.MODERATOR)), "a moderator's token ends any WHEP resource");
            assertEquals(0, server.rooms().get(room).size());
        }
    }

    @Test
    void aTokenThatNamesNobodyEndsItsResourceByItsSecretUrl() throws Exception {
        String room = "own-anyone";
        String shared = server.tokens().mint(JoinGrant.of(room, null, null, Role.ATTENDEE, Instant.now().plusSeconds(3600)));
        try (WhepPlayer player = new WhepPlayer(1)) {
            HttpResponse<String> watching = player.watch(server.baseUrl(), room, shared);
            assertEquals(201, watching.statusCode());
            String location = watching.headers().firstValue("Location").orElseThrow();
            assertEquals(200, SyntheticMedia.delete(server.baseUrl(), location, shared));
        }
    }

    @Test
    void deleteNeverRemovesAWebSocketParticipant() throws Exception {
        String room = "own-ws";
        try (JsonWebSocketClient host = JsonWebSocketClient.connect(server.baseUrl())) {
            ok(host, "join", "room", room, "token", token(room, "the-host", Role.MODERATOR));
            for (String kind : new String[]{"whip", "whep"}) {
                assertEquals(404, SyntheticMedia.delete(server.baseUrl(), "/" + kind + "/" + room + "/the-host",
                        token(room, "someone", Role.ATTENDEE, true, false)));
                assertEquals(404, SyntheticMedia.delete(server.baseUrl(), "/" + kind + "/" + room + "/the-host",
                        token(room, "the-host", Role.MODERATOR)), "not even with its own token");
            }
            assertTrue(host.request("ping").path("ok").asBoolean(), "the moderator's WebSocket is untouched");
            assertTrue(server.rooms().get(room).state("the-host").isPresent());
        }
    }

    @Test
    void whipAndWhepSpeakTheHeadersOfRfc9725() throws Exception {
        String room = "headers";
        HttpResponse<String> options = send(at("/whep/" + room).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://elsewhere.example").header("Access-Control-Request-Method", "POST"));
        assertEquals(204, options.statusCode());
        assertEquals("application/sdp", options.headers().firstValue("Accept-Post").orElse(null));
        assertTrue(options.headers().firstValue("Allow").orElse("").contains("POST"));
        assertTrue(options.headers().map().keySet().stream().noneMatch(h -> h.toLowerCase().startsWith("access-control-")),
                "no origin configured: no CORS headers " + options.headers().map());
        HttpResponse<String> resourceOptions = send(at("/whip/" + room + "/x").method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertEquals(204, resourceOptions.statusCode());
        assertTrue(resourceOptions.headers().firstValue("Allow").orElse("").contains("DELETE"));

        HttpResponse<String> noToken = SyntheticMedia.post(server.baseUrl(), "/whep/" + room, null, "v=0\r\n");
        assertEquals(401, noToken.statusCode());
        assertEquals("Bearer realm=\"stagecast\"", noToken.headers().firstValue("WWW-Authenticate").orElse(null));
        HttpResponse<String> badToken = SyntheticMedia.post(server.baseUrl(), "/whep/" + room, "a.b.c", "v=0\r\n");
        assertEquals(401, badToken.statusCode());
        assertTrue(badToken.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer "), badToken.headers().map().toString());
        assertTrue(badToken.headers().firstValue("WWW-Authenticate").orElse("").contains("error=\"invalid_token\""));
        HttpResponse<String> wrongType = send(at("/whep/" + room).header("Content-Type", "text/plain")
                .header("Authorization", "Bearer " + token(room, "a", Role.ATTENDEE)).POST(HttpRequest.BodyPublishers.ofString("x")));
        assertEquals(415, wrongType.statusCode());
        assertEquals("application/sdp", wrongType.headers().firstValue("Accept-Post").orElse(null));

        try (WhepPlayer player = new WhepPlayer(1)) {
            String mine = token(room, "p", Role.ATTENDEE);
            HttpResponse<String> created = SyntheticMedia.post(server.baseUrl(), "/whep/" + room, mine, player.offer());
            assertEquals(201, created.statusCode());
            assertEquals("application/sdp", created.headers().firstValue("Content-Type").orElse(null));
            String etag = created.headers().firstValue("ETag").orElse("");
            assertTrue(etag.matches("\"[A-Za-z0-9_-]{22,}\""), "a strong, quoted entity tag: " + etag);
            assertEquals(200, SyntheticMedia.delete(server.baseUrl(), created.headers().firstValue("Location").orElseThrow(), mine));
        }
        assertEquals(405, send(at("/whep/" + room + "/x").method("PATCH", HttpRequest.BodyPublishers.ofString(""))).statusCode());
    }

    @Test
    void aSingleUseTokenSurvivesAWhepPostWithABadOffer() throws Exception {
        String room = "once-whep";
        String once = token(room, "once-viewer", Role.ATTENDEE, true, true);
        assertEquals(400, SyntheticMedia.post(server.baseUrl(), "/whep/" + room, once, "this is not sdp").statusCode());
        try (WhepPlayer player = new WhepPlayer(1)) {
            String noMedia = player.offer().replace("opus/48000/2", "PCMU/8000").replace("VP8/90000", "x-unknown/90000");
            assertEquals(400, SyntheticMedia.post(server.baseUrl(), "/whep/" + room, once, noMedia).statusCode(),
                    "an offer with nothing we can send");
            HttpResponse<String> watching = SyntheticMedia.post(server.baseUrl(), "/whep/" + room, once, player.offer());
            assertEquals(201, watching.statusCode(), "the refusals did not use the link up: " + watching.body());
            assertEquals(401, SyntheticMedia.post(server.baseUrl(), "/whep/" + room, once, player.offer()).statusCode(),
                    "the join that happened did");
            assertEquals(200, SyntheticMedia.delete(server.baseUrl(), watching.headers().firstValue("Location").orElseThrow(), once),
                    "the used single-use token still ends the session it made (RFC 9725 4.4)");
        }
    }

    @Test
    void aSingleUseTokenSurvivesAWhipPostWithABadOffer() throws Exception {
        String room = "once-whip";
        String once = token(room, "once-encoder", Role.SPEAKER, false, true);
        assertEquals(400, SyntheticMedia.post(server.baseUrl(), "/whip/" + room, once, "this is not sdp").statusCode());
        try (WhipEncoder encoder = new WhipEncoder(9)) {
            String noFingerprint = encoder.offer().replaceAll("a=fingerprint:[^\r]*\r\n", "");
            assertEquals(400, SyntheticMedia.post(server.baseUrl(), "/whip/" + room, once, noFingerprint).statusCode());
            assertEquals(201, SyntheticMedia.post(server.baseUrl(), "/whip/" + room, once, encoder.offer()).statusCode(),
                    "the refusals did not use the link up");
            assertEquals(401, SyntheticMedia.post(server.baseUrl(), "/whip/" + room, once, encoder.offer()).statusCode());
        }
    }

    @Test
    void aSingleUseTokenSurvivesAJoinIntoALockedRoom() throws Exception {
        String room = "once-locked";
        String once = token(room, "once-guest", Role.ATTENDEE, false, true);
        try (JsonWebSocketClient host = JsonWebSocketClient.connect(server.baseUrl());
             JsonWebSocketClient guest = JsonWebSocketClient.connect(server.baseUrl())) {
            ok(host, "join", "room", room, "token", token(room, "locker", Role.MODERATOR));
            ok(host, "session.start");
            ok(host, "room.settings", "locked", true);
            JsonNode refused = guest.request("join", "room", room, "token", once);
            assertEquals("forbidden", refused.path("error").path("code").asText(), refused.toString());
            try (WhepPlayer player = new WhepPlayer(1)) {
                assertEquals(403, SyntheticMedia.post(server.baseUrl(), "/whep/" + room, once, player.offer()).statusCode(),
                        "WHEP into the locked room is refused too");
            }
            assertEquals(1, server.rooms().get(room).size(), "only the moderator is in the locked room");
            ok(host, "room.settings", "locked", false);
            ok(guest, "join", "room", room, "token", once);
            try (JsonWebSocketClient replay = JsonWebSocketClient.connect(server.baseUrl())) {
                assertEquals("unauthorized", replay.request("join", "room", room, "token", once)
                        .path("error").path("code").asText(), "used up by the join that happened");
            }
        }
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
