package io.stagecast.signaling.turn;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.testutil.JsonWebSocketClient;
import io.stagecast.signaling.testutil.LoopbackServer;
import io.stagecast.signaling.testutil.WhepPlayer;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.RandomIds;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With {@code turn.*} set, the WebSocket join response carries {@code iceServers} with a credential
 * for that participant, and a WHEP answer the same servers as RFC 9725 {@code Link} headers; the
 * shared secret itself is in neither.
 */
class TurnSignalingTest {
    private static final String SECRET = "turn-secret-shared-with-coturn";

    @Test
    void theJoinResponseAndTheWhepAnswerNameTheTurnServersWithShortLivedCredentials() throws Exception {
        StagecastServer server = LoopbackServer.start(Map.of("STAGECAST_TURN_URLS", "turn:127.0.0.1:3478?transport=udp",
                "STAGECAST_TURN_SECRET", SECRET, "STAGECAST_TURN_CREDENTIAL_TTL_SECONDS", "3600"));
        try (JsonWebSocketClient ws = JsonWebSocketClient.connect(server.baseUrl());
             WhepPlayer player = new WhepPlayer(1)) {
            String room = "turn";
            JsonNode joined = ws.request("join", "room", room, "token", server.tokens().mint(
                    JoinGrant.of(room, RandomIds.participantId(), "Ann", Role.ATTENDEE, Instant.now().plusSeconds(600))));
            JsonNode servers = joined.path("data").path("iceServers");
            assertEquals(1, servers.size(), joined.toString());
            assertEquals("turn:127.0.0.1:3478?transport=udp", servers.get(0).path("urls").get(0).asText());
            long expiry = Long.parseLong(servers.get(0).path("username").asText().split(":")[0]);
            long left = expiry - Instant.now().getEpochSecond();
            assertTrue(left > 3500 && left <= 3600, "valid for the TTL: " + left + " s");
            assertFalse(joined.toString().contains(SECRET), "the shared secret never leaves the node");

            HttpResponse<String> answer = player.watch(server.baseUrl(), room, server.tokens().mint(
                    JoinGrant.of(room, RandomIds.participantId(), "Player", Role.ATTENDEE, Instant.now().plusSeconds(600))));
            assertEquals(201, answer.statusCode(), answer.body());
            List<String> links = answer.headers().allValues("Link");
            assertEquals(1, links.size(), links.toString());
            assertTrue(links.get(0).startsWith("<turn:127.0.0.1:3478?transport=udp>; rel=\"ice-server\"; username=\""), links.get(0));
            assertTrue(links.get(0).endsWith("credential-type=\"password\""), links.get(0));
        } finally {
            server.close();
        }
    }
}
