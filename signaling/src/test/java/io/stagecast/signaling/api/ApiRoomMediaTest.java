package io.stagecast.signaling.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.testutil.LoopbackServer;
import io.stagecast.signaling.testutil.WhepPlayer;
import io.stagecast.signaling.testutil.WhipEncoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An application's whole flow with no web client: it creates a room with the lobby off and mints
 * a speaker token and an attendee token through the API; a WHIP encoder goes on stage with the
 * first, a WHEP player watches with the second, and the player receives the encoder's media.
 */
class ApiRoomMediaTest {
    private static StagecastServer server;
    private static ApiCalls api;

    @BeforeAll
    static void start() throws Exception {
        server = LoopbackServer.start(Map.of());
        api = new ApiCalls(server.baseUrl(), server.apiTokens(), OpenApiContract.load());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String token(String room, String body) throws Exception {
        ApiCalls.Answer a = api.call("POST", "/rooms/{room}/tokens", Map.of("room", room), body);
        assertEquals(201, a.status(), String.valueOf(a.body()));
        return a.body().path("token").asText();
    }

    @Test
    void aWhipSpeakerAndAWhepAttendeeInARoomWithoutLobbySeeEachOther() throws Exception {
        String room = "broadcast";
        assertEquals("live", api.call("POST", "/rooms", Map.of(), "{\"name\": \"broadcast\", \"lobby\": false}")
                .body().path("session").asText());
        String speaker = token(room, "{\"role\": \"speaker\", \"participantId\": \"encoder\", \"name\": \"Studio\"}");
        String attendee = token(room, "{\"role\": \"attendee\", \"viewOnly\": true}");

        try (WhipEncoder encoder = new WhipEncoder(7); WhepPlayer viewer = new WhepPlayer(1)) {
            HttpResponse<String> published = encoder.publish(server.baseUrl(), room, speaker);
            assertEquals(201, published.statusCode(), published.body());
            HttpResponse<String> watching = viewer.watch(server.baseUrl(), room, attendee);
            assertEquals(201, watching.statusCode(), watching.body());

            // The encoder sends 50 packets/s; after its first packet arrives, two seconds must bring ~100.
            long deadline = System.currentTimeMillis() + 10_000;
            while (viewer.received(7) == 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(viewer.received(7) > 0, "no packet of the encoder reached the viewer; sent " + encoder.sent());
            long first = viewer.received(7);
            Thread.sleep(2_000);
            long inTwoSeconds = viewer.received(7) - first;
            System.out.println("WHEP viewer received " + inTwoSeconds + " packets of the WHIP encoder in 2 s (50/s sent)");
            assertTrue(inTwoSeconds >= 80, "the viewer got " + inTwoSeconds + " packets in 2 s of a 50/s stream");

            // Both are in the API's list: the encoder on stage over WHIP, the viewer watching over WHEP.
            JsonNode people = api.call("GET", "/rooms/{room}/participants", Map.of("room", room)).body().path("participants");
            assertEquals(2, people.size(), people.toString());
            JsonNode enc = people.get(0).path("connection").asText().equals("whip") ? people.get(0) : people.get(1);
            JsonNode watcher = enc == people.get(0) ? people.get(1) : people.get(0);
            assertEquals("stage", enc.path("place").asText());
            assertEquals("speaker", enc.path("role").asText());
            assertTrue(enc.path("microphoneOn").asBoolean() && enc.path("cameraOn").asBoolean(), enc.toString());
            assertEquals("whep", watcher.path("connection").asText());
            assertEquals("viewer", watcher.path("place").asText());
            assertEquals("attendee", watcher.path("role").asText());
        }
    }
}
