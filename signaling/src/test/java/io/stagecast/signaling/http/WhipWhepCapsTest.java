package io.stagecast.signaling.http;

import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.testutil.LoopbackServer;
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
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One token, one room or the whole node cannot open WHIP/WHEP sessions without bound (each holds a
 * transport and, once it sends a check, a DTLS handshake): 429 per token and per room, 503 for the
 * node, each refusal counted in /metrics, and an ended session frees its place.
 */
class WhipWhepCapsTest {
    private static StagecastServer server;

    @BeforeAll
    static void start() throws Exception {
        server = LoopbackServer.start(Map.of(
                "STAGECAST_WHIP_WHEP_MAX_PER_TOKEN", "2",
                "STAGECAST_WHIP_WHEP_MAX_PER_ROOM", "3",
                "STAGECAST_WHIP_WHEP_MAX_PER_NODE", "4"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String token(String room, String id, Role role) {
        return server.tokens().mint(new JoinGrant(room, id, id, role, role == Role.ATTENDEE,
                Instant.now().plus(Duration.ofHours(1)), RandomIds.tokenId(), false));
    }

    private static HttpResponse<String> watch(String room, String token) throws Exception {
        try (WhepPlayer player = new WhepPlayer(1)) {
            return SyntheticMedia.post(server.baseUrl(), "/whep/" + room, token, player.offer());
        }
    }

    private static double refused(String cap) throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        String prefix = "stagecast_whip_whep_refused_total{cap=\"" + cap + "\"} ";
        return metrics.lines().filter(l -> l.startsWith(prefix)).mapToDouble(l -> Double.parseDouble(l.substring(prefix.length())))
                .findFirst().orElse(-1);
    }

    @Test
    void capsPerTokenPerRoomAndPerNodeRefuseAndCount() throws Exception {
        String viewer = token("caps-a", "viewer", Role.ATTENDEE);
        HttpResponse<String> first = watch("caps-a", viewer);
        assertEquals(201, first.statusCode());
        assertEquals(201, watch("caps-a", viewer).statusCode());
        HttpResponse<String> third = watch("caps-a", viewer);
        assertEquals(429, third.statusCode(), "a third session of one token");
        assertTrue(third.body().contains("this token already has 2"), third.body());
        assertEquals(1.0, refused("token"));

        try (WhipEncoder encoder = new WhipEncoder(1)) {
            assertEquals(201, SyntheticMedia.post(server.baseUrl(), "/whip/caps-a", token("caps-a", "enc", Role.SPEAKER),
                    encoder.offer()).statusCode(), "WHIP counts too: the room's third");
        }
        HttpResponse<String> fourth = watch("caps-a", token("caps-a", "other", Role.ATTENDEE));
        assertEquals(429, fourth.statusCode(), "the room's fourth");
        assertTrue(fourth.body().contains("room 'caps-a' has its maximum of 3"), fourth.body());
        assertEquals(1.0, refused("room"));

        assertEquals(201, watch("caps-b", token("caps-b", "b", Role.ATTENDEE)).statusCode(), "the node's fourth");
        HttpResponse<String> fifth = watch("caps-c", token("caps-c", "c", Role.ATTENDEE));
        assertEquals(503, fifth.statusCode(), "the node's fifth");
        assertTrue(fifth.headers().firstValue("Retry-After").isPresent());
        assertEquals(1.0, refused("node"));

        assertEquals(200, SyntheticMedia.delete(server.baseUrl(), first.headers().firstValue("Location").orElseThrow(), viewer));
        assertEquals(201, watch("caps-a", viewer).statusCode(), "an ended session frees its place");
    }
}
