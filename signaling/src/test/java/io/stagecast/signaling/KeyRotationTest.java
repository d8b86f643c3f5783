package io.stagecast.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecast.signaling.testutil.JsonWebSocketClient;
import io.stagecast.signaling.testutil.LoopbackServer;
import io.stagecast.signaling.token.ApiGrants;
import io.stagecast.signaling.token.ApiKey;
import io.stagecast.signaling.token.ApiKeys;
import io.stagecast.signaling.token.ApiTokens;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.JoinTokens;
import io.stagecast.signaling.token.Role;
import io.stagecast.signaling.token.TokenError;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Key rotation as an operator does it: a node with keys A and B accepts tokens of both; the same
 * node restarted with A removed from its configuration refuses A's tokens and still takes B's.
 */
class KeyRotationTest {

    private static final String SECRET_A = "rotation-key-a-rotation-key-a-rotation-a";
    private static final String SECRET_B = "rotation-key-b-rotation-key-b-rotation-b";
    private static final String ROOM = "rotation";

    private static ApiKeys signingWith(String id) {
        return ApiKeys.of(List.of(new ApiKey("a", SECRET_A.getBytes(StandardCharsets.UTF_8)),
                new ApiKey("b", SECRET_B.getBytes(StandardCharsets.UTF_8))), id);
    }

    /** What the integrator's backend minted before any restart, with each key. */
    private static String joinToken(String kid, String participant) {
        return new JoinTokens(signingWith(kid), Clock.systemUTC()).mint(JoinGrant.of(ROOM, participant, participant,
                Role.MODERATOR, Instant.now().plus(Duration.ofHours(1))));
    }

    private static String apiToken(String kid) {
        return new ApiTokens(signingWith(kid), Clock.systemUTC()).mint(ApiGrants.all(), Duration.ofMinutes(5));
    }

    private static JsonNode join(StagecastServer server, String token) throws Exception {
        try (JsonWebSocketClient ws = JsonWebSocketClient.connect(server.baseUrl())) {
            return ws.request("join", "room", ROOM, "token", token);
        }
    }

    @Test
    void retiringAKeyRefusesItsTokensAfterARestartAndKeepsTheOthers() throws Exception {
        String joinA = joinToken("a", "ann");
        String joinB = joinToken("b", "bob");
        String apiA = apiToken("a");
        String apiB = apiToken("b");

        try (StagecastServer both = LoopbackServer.start(Map.of(
                "STAGECAST_KEYS_SECRETS_A", SECRET_A, "STAGECAST_KEYS_SECRETS_B", SECRET_B,
                "STAGECAST_KEYS_SIGNING_KEY", "b"))) {
            JsonNode a = join(both, joinA);
            JsonNode b = join(both, joinB);
            assertTrue(a.path("ok").asBoolean(), "key A accepted: " + a);
            assertTrue(b.path("ok").asBoolean(), "key B accepted: " + b);
            assertEquals("ann", a.path("data").path("you").path("id").asText());
            assertEquals("a", both.apiTokens().verify(apiA).keyId());
            assertEquals("b", both.apiTokens().verify(apiB).keyId());
        }

        try (StagecastServer withoutA = LoopbackServer.start(Map.of(
                "STAGECAST_KEYS_SECRETS_B", SECRET_B, "STAGECAST_KEYS_SIGNING_KEY", "b"))) {
            JsonNode a = join(withoutA, joinA);
            assertFalse(a.path("ok").asBoolean(), "key A retired: " + a);
            assertEquals("unauthorized", a.path("error").path("code").asText());
            assertTrue(a.path("error").path("message").asText().contains("key 'a'"), a.toString());
            assertTrue(withoutA.rooms().get(ROOM) == null || withoutA.rooms().get(ROOM).state("ann").isEmpty(),
                    "the refused token left no participant");

            JsonNode b = join(withoutA, joinB);
            assertTrue(b.path("ok").asBoolean(), "key B still accepted: " + b);
            assertEquals("bob", b.path("data").path("you").path("id").asText());

            assertEquals(TokenError.Code.UNKNOWN_KEY,
                    assertThrows(TokenError.class, () -> withoutA.apiTokens().verify(apiA)).code());
            assertEquals("b", withoutA.apiTokens().verify(apiB).keyId());
            // What the node mints now (its invitation links) carries kid b and verifies after the rotation.
            String minted = withoutA.tokens().mint(JoinGrant.of(ROOM, "new", "New", Role.SPEAKER, Instant.now().plusSeconds(60)));
            assertEquals("new", new JoinTokens(signingWith("a"), Clock.systemUTC()).verify(minted, ROOM).participantId());
        }
    }
}
