package io.stagecast.signaling.http;

import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.testutil.LoopbackServer;
import io.stagecast.signaling.testutil.WhepPlayer;
import io.stagecast.signaling.token.JoinGrant;
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
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A browser-based WHIP/WHEP client on an allowed origin (RFC 9725 4.6), and one on any other origin. */
class CorsTest {
    private static final String APP = "https://app.example";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static StagecastServer server;

    @BeforeAll
    static void start() throws Exception {
        server = LoopbackServer.start(Map.of(
                "STAGECAST_HTTP_CORS_ALLOWED_ORIGINS", APP + ", https://other.example:8443"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> preflight(String path, String origin) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Every field of that name joined, as a browser combines them (RFC 9110 5.3). */
    private static String header(HttpResponse<?> r, String name) {
        return String.join(", ", r.headers().allValues(name)).toLowerCase(Locale.ROOT);
    }

    @Test
    void anAllowedOriginsPreflightIsAnswered() throws Exception {
        HttpResponse<String> r = preflight("/whip/cors", APP);
        assertEquals(200, r.statusCode());
        assertEquals(APP, r.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertTrue(header(r, "Access-Control-Allow-Methods").contains("post"), r.headers().map().toString());
        assertTrue(header(r, "Access-Control-Allow-Methods").contains("delete"));
        assertTrue(header(r, "Access-Control-Allow-Headers").contains("authorization"));
        assertTrue(header(r, "Access-Control-Allow-Headers").contains("content-type"));
        assertEquals("application/sdp", r.headers().firstValue("Accept-Post").orElse(null));
    }

    @Test
    void anotherOriginGetsNoCorsHeaders() throws Exception {
        HttpResponse<String> r = preflight("/whep/cors", "https://evil.example");
        assertFalse(r.headers().firstValue("Access-Control-Allow-Origin").isPresent(), r.headers().map().toString());
        assertFalse(r.headers().firstValue("Access-Control-Allow-Methods").isPresent());
    }

    @Test
    void anAllowedOriginsScriptMayReadLocationAndEtag() throws Exception {
        String token = server.tokens().mint(JoinGrant.of("cors", "p", "p", Role.ATTENDEE, Instant.now().plusSeconds(600)));
        try (WhepPlayer player = new WhepPlayer(1)) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/whep/cors"))
                    .timeout(Duration.ofSeconds(10)).header("Origin", APP).header("Content-Type", "application/sdp")
                    .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(player.offer())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, r.statusCode(), r.body());
            assertEquals(APP, r.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
            String exposed = header(r, "Access-Control-Expose-Headers");
            assertTrue(exposed.contains("location") && exposed.contains("etag"), "exposed: " + exposed);
        }
    }
}
