package io.stagecast.signaling.turn;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The TURN REST API credentials coturn checks (use-auth-secret), computed here and by openssl. */
class IceServersTest {
    private static final byte[] SECRET = "north-stage-turn-secret".getBytes(StandardCharsets.UTF_8);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T08:00:00Z"), ZoneOffset.UTC);
    private final IceServers servers = new IceServers(List.of("turn:198.18.0.1:3478?transport=udp", "turns:turn.example.org:5349"),
            SECRET, Duration.ofHours(12), CLOCK);

    @Test
    void theUsernameIsTheExpiryAndAnOpaqueTagAndThePasswordItsHmacSha1() throws Exception {
        IceServers.Credential c = servers.credential("participant \"one\"");
        String[] parts = c.username().split(":");
        assertEquals(2, parts.length, c.username());
        assertEquals(Instant.parse("2026-12-02T20:00:00Z").getEpochSecond(), Long.parseLong(parts[0]), "expiry = now + TTL");
        assertTrue(parts[1].matches("[A-Za-z0-9_-]{16}"), "an opaque tag, safe in a quoted header: " + parts[1]);
        // What coturn computes from its static-auth-secret, by another implementation.
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", "printf '%s' \"$U\" | openssl dgst -sha1 -hmac \"$S\" -binary | base64");
        pb.environment().put("U", c.username());
        pb.environment().put("S", new String(SECRET, StandardCharsets.UTF_8));
        Process p = pb.redirectErrorStream(true).start();
        String expected = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor());
        assertEquals(expected, c.password());
        assertNotEquals(servers.credential("someone else").username(), c.username(), "one tag per participant");
    }

    @Test
    void theJoinResponseAndTheLinkHeadersCarryEveryUrlWithTheCredential() {
        JsonNode json = servers.json("p1");
        assertEquals(1, json.size());
        assertEquals("turn:198.18.0.1:3478?transport=udp", json.get(0).path("urls").get(0).asText());
        assertEquals(2, json.get(0).path("urls").size());
        IceServers.Credential c = servers.credential("p1");
        assertEquals(c.username(), json.get(0).path("username").asText());
        assertEquals(c.password(), json.get(0).path("credential").asText());
        List<String> links = servers.linkHeaders("p1");
        assertEquals(2, links.size());
        assertEquals("<turn:198.18.0.1:3478?transport=udp>; rel=\"ice-server\"; username=\"" + c.username()
                + "\"; credential=\"" + c.password() + "\"; credential-type=\"password\"", links.get(0));
        assertEquals(0, IceServers.NONE.json("p1").size());
        assertEquals(List.of(), IceServers.NONE.linkHeaders("p1"));
    }
}
