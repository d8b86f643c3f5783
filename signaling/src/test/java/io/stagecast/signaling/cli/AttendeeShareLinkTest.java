package io.stagecast.signaling.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.testutil.JsonWebSocketClient;
import io.stagecast.signaling.testutil.LoopbackServer;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attendee link {@code stagecast token} prints is shared: two people who open it are two
 * participants, and the second does not replace the first (as a token with a fixed {@code sub} does).
 */
class AttendeeShareLinkTest {

    private static final String SECRET = "share-link-secret-share-link-secret-0001";

    @Test
    void twoJoinsWithTheSameLinkAreTwoParticipants() throws Exception {
        Map<String, String> env = Map.of("STAGECAST_TOKEN_SECRET", SECRET);
        CliRun minted = CliRun.run(env, "token", "--room", "webinar");
        assertEquals(0, minted.exit(), minted.err());
        String link = minted.firstLine();

        try (StagecastServer server = LoopbackServer.start(Map.of("STAGECAST_TOKEN_SECRET", SECRET));
             JsonWebSocketClient first = JsonWebSocketClient.connect(server.baseUrl());
             JsonWebSocketClient second = JsonWebSocketClient.connect(server.baseUrl())) {
            JsonNode one = first.request("join", "room", "webinar", "token", link, "name", "Uma");
            JsonNode two = second.request("join", "room", "webinar", "token", link, "name", "Vic");
            assertTrue(one.path("ok").asBoolean(), one.toString());
            assertTrue(two.path("ok").asBoolean(), two.toString());

            String idOne = one.path("data").path("you").path("id").asText();
            String idTwo = two.path("data").path("you").path("id").asText();
            assertFalse(idOne.isEmpty(), one.toString());
            assertNotEquals(idOne, idTwo, "each person who opens the link is a new participant");
            assertEquals(2, server.rooms().get("webinar").size());
            assertTrue(server.rooms().get("webinar").state(idOne).isPresent(), "the first was not replaced");
            assertTrue(first.request("ping").path("ok").asBoolean(), "the first connection is still in the room");
            assertFalse(first.awaitClosed(200));
        }
    }
}
