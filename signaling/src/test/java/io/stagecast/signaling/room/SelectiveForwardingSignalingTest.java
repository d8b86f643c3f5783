package io.stagecast.signaling.room;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagecast.sfu.bwe.TrackPriority;
import io.stagecast.sfu.router.MediaKind;
import io.stagecast.sfu.router.Producer;
import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.stage.TrackKind;
import io.stagecast.signaling.testutil.JsonWebSocketClient;
import io.stagecast.signaling.testutil.LoopbackServer;
import io.stagecast.signaling.testutil.WhepPlayer;
import io.stagecast.signaling.testutil.WhipEncoder;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.RandomIds;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The signaling side of selective forwarding over a real node (WebSocket and HTTP on loopback):
 * {@code media.viewport} reaches the viewer's subscription and is checked and rate-limited;
 * the media plane's news (standing in for it through the room's {@code RouterEvents}) reaches
 * clients as {@code speaker.dominant} and {@code media.layers}; priorities, last-N and the
 * operator's media report. docs/protocol.md, "Selective forwarding".
 */
class SelectiveForwardingSignalingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static StagecastServer server;

    @BeforeAll
    static void start() throws Exception {
        // Configured last-N defaults, to see them reach rooms and phones.
        server = LoopbackServer.start(Map.of("STAGECAST_MEDIA_LAST_N", "20", "STAGECAST_MEDIA_LAST_N_MOBILE", "3"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String token(String room, String id, Role role) {
        return server.tokens().mint(new JoinGrant(room, id, id, role, false,
                Instant.now().plus(Duration.ofHours(1)), RandomIds.tokenId(), false));
    }

    private static JsonNode ok(JsonWebSocketClient ws, String type, Object... fields) throws Exception {
        JsonNode r = ws.request(type, fields);
        assertTrue(r.path("ok").asBoolean(), type + " refused: " + r);
        return r.path("data");
    }

    private static String errorCode(JsonWebSocketClient ws, String type, Object... fields) throws Exception {
        JsonNode r = ws.request(type, fields);
        assertFalse(r.path("ok").asBoolean(), type + " should be refused: " + r);
        return r.path("error").path("code").asText();
    }

    private static String simulcastOffer() throws IOException {
        try (InputStream in = SelectiveForwardingSignalingTest.class.getResourceAsStream("/sdp/chromium-simulcast-offer.sdp")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A live room: a moderator, a speaker publishing a Chromium simulcast camera (mid 1, rids q h f) and microphone. */
    private record Stage(String room, JsonWebSocketClient host, JsonWebSocketClient speaker, Room model)
            implements AutoCloseable {
        StageTrack track(TrackKind kind) {
            return model.stageTracks().stream().filter(t -> t.kind() == kind).findFirst().orElseThrow();
        }

        @Override
        public void close() {
            host.close();
            speaker.close();
        }
    }

    private static Stage stage(String room) throws Exception {
        JsonWebSocketClient host = JsonWebSocketClient.connect(server.baseUrl());
        ok(host, "join", "room", room, "token", token(room, "host", Role.MODERATOR));
        ok(host, "session.start");
        JsonWebSocketClient speaker = JsonWebSocketClient.connect(server.baseUrl());
        ok(speaker, "join", "room", room, "token", token(room, "speaker", Role.SPEAKER), "stage", true);
        ok(speaker, "publish", "sdp", simulcastOffer());
        Room model = server.rooms().get(room);
        assertEquals(2, model.stageTracks().size(), "microphone and camera on stage");
        return new Stage(room, host, speaker, model);
    }

    private static JsonWebSocketClient viewer(String room, String id, boolean mobile) throws Exception {
        JsonWebSocketClient viewer = JsonWebSocketClient.connect(server.baseUrl());
        ok(viewer, "join", "room", room, "token", token(room, id, Role.ATTENDEE), "mobile", mobile);
        // The stage is offered right after the join response: its tracks are the viewer's from then on.
        assertNotNull(viewer.awaitEvent("subscriberOffer", 5_000), "the stage is offered");
        return viewer;
    }

    private static Map<String, Object> view(String trackId, boolean visible, int width, int height) {
        return Map.of("trackId", trackId, "visible", visible, "width", width, "height", height);
    }

    // ---- media.viewport ----

    @Test
    void aViewportReachesTheViewersSubscriptionAndUnknownTracksAreIgnored() throws Exception {
        try (Stage s = stage("sf-viewport"); JsonWebSocketClient viewer = viewer(s.room(), "viewer", false)) {
            String camera = s.track(TrackKind.CAMERA).trackId();
            assertEquals(Viewport.UNKNOWN, s.model().viewportOf("viewer", camera), "before any report: shown, size unknown");

            ok(viewer, "media.viewport", "tracks", List.of(view(camera, true, 640, 360), view("camera-gone", false, 1, 1)));
            assertEquals(new Viewport(camera, true, 640, 360), s.model().viewportOf("viewer", camera));
            assertNull(s.model().viewportOf("viewer", "camera-gone"), "a track the viewer does not receive is ignored");

            ok(viewer, "media.viewport", "tracks", List.of(view(camera, false, 0, 0)));
            assertEquals(new Viewport(camera, false, 0, 0), s.model().viewportOf("viewer", camera));
            ok(viewer, "media.viewport", "tracks", List.of());
            assertEquals(new Viewport(camera, false, 0, 0), s.model().viewportOf("viewer", camera),
                    "a track not listed keeps its last state");
            assertNull(s.model().viewportOf("speaker", camera), "nobody receives their own track");
        }
    }

    @Test
    void aMalformedViewportIsRefusedWholeAndChangesNothing() throws Exception {
        try (Stage s = stage("sf-viewport-bad"); JsonWebSocketClient viewer = viewer(s.room(), "viewer", false)) {
            String camera = s.track(TrackKind.CAMERA).trackId();
            ok(viewer, "media.viewport", "tracks", List.of(view(camera, true, 320, 180)));
            List<Map<String, Object>> tooMany = new ArrayList<>();
            for (int i = 0; i < 65; i++) {
                tooMany.add(view("camera-" + i, true, 10, 10));
            }
            assertEquals("bad_request", errorCode(viewer, "media.viewport"), "no tracks");
            assertEquals("bad_request", errorCode(viewer, "media.viewport", "tracks", "all"));
            assertEquals("bad_request", errorCode(viewer, "media.viewport", "tracks", tooMany), "65 entries");
            Thread.sleep(1_100); // the refusals above used up the window
            assertEquals("bad_request", errorCode(viewer, "media.viewport", "tracks",
                    List.of(view(camera, true, 8193, 10))), "wider than 8192");
            assertEquals("bad_request", errorCode(viewer, "media.viewport", "tracks",
                    List.of(view(camera, true, -1, 10))), "negative");
            assertEquals("bad_request", errorCode(viewer, "media.viewport", "tracks",
                    List.of(Map.of("trackId", camera, "visible", "yes", "width", 1, "height", 1))), "visible not a boolean");
            assertEquals("bad_request", errorCode(viewer, "media.viewport", "tracks",
                    List.of(view(camera, false, 0, 0), Map.of("visible", true, "width", 1, "height", 1))), "no trackId");
            assertEquals(new Viewport(camera, true, 320, 180), s.model().viewportOf("viewer", camera),
                    "a refused request (its valid first entry included) changes nothing");
            ok(viewer, "media.viewport", "tracks", List.of(view(camera, true, 8192, 8192)));
        }
    }

    @Test
    void viewportRequestsAreRateLimitedPerConnection() throws Exception {
        try (Stage s = stage("sf-viewport-rate"); JsonWebSocketClient viewer = viewer(s.room(), "viewer", false);
             JsonWebSocketClient other = viewer(s.room(), "other", false)) {
            String camera = s.track(TrackKind.CAMERA).trackId();
            double refusedBefore = refusedRateLimited();
            long start = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                ok(viewer, "media.viewport", "tracks", List.of(view(camera, true, 100 + i, 100)));
            }
            JsonNode eleventh = viewer.request("media.viewport", "tracks", List.of(view(camera, true, 999, 100)));
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            if (elapsedMs < 900) {
                assertEquals("rate_limited", eleventh.path("error").path("code").asText(), eleventh.toString());
                assertEquals(new Viewport(camera, true, 109, 100), s.model().viewportOf("viewer", camera),
                        "the refused request was not applied");
                assertEquals(refusedBefore + 1, refusedRateLimited(), "the refusal is counted");
                ok(other, "media.viewport", "tracks", List.of(view(camera, true, 50, 50))); // per connection
            }
            Thread.sleep(1_100);
            ok(viewer, "media.viewport", "tracks", List.of(view(camera, true, 200, 100)));
            assertEquals(new Viewport(camera, true, 200, 100), s.model().viewportOf("viewer", camera));
        }
    }

    private static double refusedRateLimited() {
        return server.metrics().get("stagecast.websocket.refused").tag("code", "rate_limited").counter().count();
    }

    // ---- speaker.dominant ----

    @Test
    void theDominantSpeakerReachesEveryClientAndLateJoiners() throws Exception {
        try (Stage s = stage("sf-dominant"); JsonWebSocketClient viewer = viewer(s.room(), "viewer", false)) {
            StageTrack microphone = s.track(TrackKind.MICROPHONE);
            s.model().routerEvents().onDominantSpeaker(microphone.producer());
            for (JsonWebSocketClient client : List.of(s.host(), s.speaker(), viewer)) {
                JsonNode event = client.awaitEvent("speaker.dominant", 2_000);
                assertNotNull(event, "every client is told who speaks");
                assertEquals("speaker", event.path("participantId").asText());
                assertEquals(microphone.trackId(), event.path("trackId").asText());
            }
            try (JsonWebSocketClient late = JsonWebSocketClient.connect(server.baseUrl())) {
                JsonNode joined = ok(late, "join", "room", s.room(), "token", token(s.room(), "late", Role.ATTENDEE));
                assertEquals("speaker", joined.path("dominantSpeaker").path("participantId").asText(), joined.toString());
                assertEquals(microphone.trackId(), joined.path("dominantSpeaker").path("trackId").asText());
            }

            s.model().routerEvents().onDominantSpeaker(null);
            JsonNode nobody = viewer.awaitEvent("speaker.dominant", 2_000);
            assertNotNull(nobody);
            assertTrue(nobody.get("participantId").isNull(), nobody.toString());

            s.model().routerEvents().onDominantSpeaker(microphone.producer());
            assertNotNull(viewer.awaitEvent("speaker.dominant", 2_000));
            ok(s.speaker(), "unpublish");
            JsonNode left = viewer.awaitEvent("speaker.dominant", 2_000);
            assertNotNull(left, "the dominant speaker's track left the stage: nobody speaks");
            assertTrue(left.get("participantId").isNull(), left.toString());
        }
    }

    // ---- media.layers ----

    @Test
    void layerDemandReachesOnlyThePublisherAsRidsOfItsMid() throws Exception {
        try (Stage s = stage("sf-layers"); JsonWebSocketClient viewer = viewer(s.room(), "viewer", false)) {
            StageTrack camera = s.track(TrackKind.CAMERA);
            assertEquals(List.of("q", "h", "f"), camera.producer().spec().streams().stream().map(x -> x.rid()).toList());
            s.model().routerEvents().onLayerDemand(camera.producer(), List.of(true, true, false));
            JsonNode layers = s.speaker().awaitEvent("media.layers", 2_000);
            assertNotNull(layers, "the publisher is told which layers are needed");
            assertEquals("1", layers.path("mid").asText(), layers.toString());
            assertEquals(camera.trackId(), layers.path("trackId").asText());
            assertEquals(JSON.readTree("{\"q\":true,\"h\":true,\"f\":false}"), layers.path("active"));

            s.model().routerEvents().onLayerDemand(camera.producer(), List.of(true, true, false));
            assertNull(s.speaker().awaitEvent("media.layers", 500), "the same demand again is not sent again");
            assertNull(viewer.awaitEvent("media.layers", 100), "viewers are not told");
            assertNull(s.host().awaitEvent("media.layers", 100), "nor is anyone else");
        }
    }

    @Test
    void aBurstOfLayerDemandReachesThePublisherAsItsLatestState() throws Exception {
        try (Stage s = stage("sf-layers-burst")) {
            Producer camera = s.track(TrackKind.CAMERA).producer();
            // While the room is busy (its lock held), the media plane changes its mind 30 times.
            synchronized (s.model()) {
                for (int i = 0; i < 30; i++) {
                    s.model().routerEvents().onLayerDemand(camera, List.of(true, i % 2 == 0, i % 3 == 0));
                }
                s.model().routerEvents().onLayerDemand(camera, List.of(true, false, true));
            }
            List<JsonNode> received = new ArrayList<>();
            for (JsonNode e; (e = s.speaker().awaitEvent("media.layers", 1_000)) != null; ) {
                received.add(e);
            }
            assertFalse(received.isEmpty());
            assertTrue(received.size() <= 2, "coalesced: at most the one taken before the lock and the latest, got "
                    + received.size());
            assertEquals(JSON.readTree("{\"q\":true,\"h\":false,\"f\":true}"), received.get(received.size() - 1).path("active"));
        }
    }

    @Test
    void aWhipPublisherHasNoChannelForLayersAndNothingBreaks() throws Exception {
        String room = "sf-layers-whip";
        try (JsonWebSocketClient host = JsonWebSocketClient.connect(server.baseUrl()); WhipEncoder encoder = new WhipEncoder(5)) {
            ok(host, "join", "room", room, "token", token(room, "host", Role.MODERATOR));
            ok(host, "session.start");
            assertEquals(201, encoder.publish(server.baseUrl(), room, token(room, "enc", Role.SPEAKER)).statusCode());
            Room model = server.rooms().get(room);
            Producer video = model.stageTracks().stream().filter(t -> t.producer().kind() == MediaKind.VIDEO)
                    .findFirst().orElseThrow().producer();
            model.routerEvents().onLayerDemand(video, List.of(false));
            assertNull(host.awaitEvent("media.layers", 500));
            assertTrue(host.request("ping").path("ok").asBoolean());
        }
    }

    // ---- priorities ----

    @Test
    void theSpotlightedCameraAndScreenSharesArePrioritised() throws Exception {
        try (Stage s = stage("sf-priority"); WhipEncoder screenOffer = new WhipEncoder(6)) {
            Producer camera = s.track(TrackKind.CAMERA).producer();
            assertEquals(TrackPriority.NORMAL, s.model().priorityOf(camera));
            assertNull(s.model().priorityOf(s.track(TrackKind.MICROPHONE).producer()), "audio comes first anyway");

            ok(s.host(), "stage.spotlight", "participantId", "speaker");
            assertEquals(TrackPriority.SPOTLIGHT, s.model().priorityOf(camera));
            ok(s.host(), "stage.spotlight", "participantId", null);
            assertEquals(TrackPriority.NORMAL, s.model().priorityOf(camera));

            try (JsonWebSocketClient presenter = JsonWebSocketClient.connect(server.baseUrl())) {
                ok(presenter, "join", "room", s.room(), "token", token(s.room(), "presenter", Role.SPEAKER), "stage", true);
                ok(presenter, "media.screenShare", "on", true);
                ok(presenter, "publish", "sdp", screenOffer.offer(), "tracks", Map.of("0", "microphone", "1", "screen"));
                StageTrack screen = s.track(TrackKind.SCREEN);
                assertEquals(TrackPriority.CONTENT, s.model().priorityOf(screen.producer()));
                ok(s.host(), "stage.spotlight", "participantId", "presenter");
                assertEquals(TrackPriority.CONTENT, s.model().priorityOf(screen.producer()), "a screen stays content");
                assertEquals(TrackPriority.NORMAL, s.model().priorityOf(camera));
            }
        }
    }

    // ---- last-N ----

    @Test
    void lastNFollowsTheRoomSettingCappedForPhones() throws Exception {
        try (Stage s = stage("sf-lastn"); JsonWebSocketClient desktop = viewer(s.room(), "desktop", false);
             JsonWebSocketClient phone = viewer(s.room(), "phone", true);
             WhepPlayer whep = new WhepPlayer(1)) {
            assertEquals(20, s.model().lastNOf("desktop"), "media.last-n");
            assertEquals(3, s.model().lastNOf("phone"), "media.last-n-mobile");
            assertEquals(201, whep.watch(server.baseUrl(), s.room(), token(s.room(), "player", Role.ATTENDEE)).statusCode());
            String whepId = awaitAddedId(s.host(), "player");
            assertEquals(20, s.model().lastNOf(whepId), "a WHEP viewer has the room's value");

            ok(s.host(), "room.settings", "lastN", 2);
            JsonNode changed = desktop.awaitEvent("settings.changed", 2_000);
            assertNotNull(changed);
            assertEquals(2, changed.path("settings").path("lastN").asInt(), changed.toString());
            assertEquals(2, s.model().lastNOf("desktop"));
            assertEquals(2, s.model().lastNOf("phone"), "a phone gets the smaller of the two");
            assertEquals(2, s.model().lastNOf(whepId));
            ok(s.host(), "room.settings", "lastN", 25);
            assertEquals(25, s.model().lastNOf("desktop"));
            assertEquals(3, s.model().lastNOf("phone"));

            assertEquals("bad_request", errorCode(s.host(), "room.settings", "lastN", 0));
            assertEquals("bad_request", errorCode(s.host(), "room.settings", "lastN", 26));
            assertEquals("bad_request", errorCode(s.host(), "room.settings", "lastN", "all"));
            assertEquals("forbidden", errorCode(desktop, "room.settings", "lastN", 5));
            assertEquals(25, s.model().lastNOf("desktop"));
            try (JsonWebSocketClient late = viewer(s.room(), "late", false)) {
                assertEquals(25, s.model().lastNOf("late"), "a new subscription gets the room's value");
            }
        }
    }

    @Test
    void aNewRoomStartsWithTheConfiguredLastN() throws Exception {
        try (JsonWebSocketClient host = JsonWebSocketClient.connect(server.baseUrl())) {
            JsonNode joined = ok(host, "join", "room", "sf-lastn-new", "token", token("sf-lastn-new", "host", Role.MODERATOR));
            assertEquals(20, joined.path("settings").path("lastN").asInt(), joined.toString());
        }
    }

    private static String awaitAddedId(JsonWebSocketClient client, String name) throws InterruptedException {
        for (JsonNode e; (e = client.awaitEvent("participant.added", 5_000)) != null; ) {
            if (name.equals(e.path("participant").path("name").asText())) {
                return e.path("participant").path("id").asText();
            }
        }
        throw new AssertionError("no participant.added for " + name);
    }

    // ---- the operator's media report ----

    private static HttpResponse<String> debug(String room, String participantId, String tokenOrNull) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/debug/rooms/" + room
                + "/participants/" + participantId + "/media")).timeout(Duration.ofSeconds(10)).GET();
        if (tokenOrNull != null) {
            request.header("Authorization", "Bearer " + tokenOrNull);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theMediaReportIsForModeratorsOfTheRoomOnly() throws Exception {
        try (Stage s = stage("sf-debug"); JsonWebSocketClient viewer = viewer(s.room(), "viewer", false)) {
            String moderator = token(s.room(), "operator", Role.MODERATOR);
            HttpResponse<String> none = debug(s.room(), "viewer", null);
            assertEquals(401, none.statusCode());
            assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
            assertEquals(401, debug(s.room(), "viewer", "not.a.token").statusCode());
            assertEquals(403, debug(s.room(), "viewer", token(s.room(), "speaker", Role.SPEAKER)).statusCode());
            assertEquals(403, debug(s.room(), "viewer", token("sf-other", "operator", Role.MODERATOR)).statusCode(),
                    "a moderator of another room");
            String singleUse = server.tokens().mint(new JoinGrant(s.room(), null, "Mod", Role.MODERATOR, false,
                    Instant.now().plus(Duration.ofHours(1)), RandomIds.tokenId(), true));
            assertEquals(403, debug(s.room(), "viewer", singleUse).statusCode(), "a single-use link");
            assertEquals(404, debug(s.room(), "nobody", moderator).statusCode());
            assertEquals(404, debug("sf-no-such-room", "viewer", token("sf-no-such-room", "op", Role.MODERATOR)).statusCode());

            HttpResponse<String> report = debug(s.room(), "viewer", moderator);
            assertEquals(200, report.statusCode(), report.body());
            assertTrue(report.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
            JsonNode json = JSON.readTree(report.body());
            assertEquals("viewer", json.path("participantId").asText());
            assertEquals(20, json.path("lastNApplied").asInt());
            for (String field : List.of("transportId", "estimateBps", "allocatedBps", "sentBps", "lastN", "consumers")) {
                assertTrue(json.has(field), field + " in " + json);
            }
            assertFalse(report.body().contains(moderator), "the token is not echoed");

            JsonNode overWs = ok(s.host(), "media.debug", "participantId", "viewer");
            assertEquals("viewer", overWs.path("participantId").asText(), overWs.toString());
            assertEquals("forbidden", errorCode(viewer, "media.debug", "participantId", "viewer"));
            assertEquals("not_found", errorCode(s.host(), "media.debug", "participantId", "nobody"));
            assertEquals("bad_request", errorCode(s.host(), "media.debug"));
        }
    }
}
