package io.stagecast.signaling.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.config.StagecastConfig;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.JoinTokens;
import io.stagecast.signaling.token.RandomIds;
import io.stagecast.signaling.token.Role;
import io.stagecast.signaling.testutil.JsonWebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP and WebSocket surface over real sockets: health, metrics, WHIP/WHEP errors, JSON protocol errors. */
class SignalingApiTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static StagecastServer server;

    @BeforeAll
    static void start() throws Exception {
        server = StagecastServer.start(StagecastConfig.load(null, Map.of(
                "STAGECAST_HTTP_HOST", "127.0.0.1", "STAGECAST_HTTP_PORT", "0",
                "STAGECAST_MEDIA_PORT", "0", "STAGECAST_MEDIA_BIND_ADDRESS", "127.0.0.1",
                "STAGECAST_MEDIA_ANNOUNCED_ADDRESSES", "127.0.0.1",
                "STAGECAST_MEDIA_ALLOWED_REMOTE_NETWORKS", "127.0.0.0/8",
                "STAGECAST_TOKEN_SECRET", "api-test-secret-api-test-secret-0123456"), new Properties()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String token(String room, Role role) {
        return server.tokens().mint(JoinGrant.of(room, RandomIds.participantId(), "Tester", role,
                Instant.now().plus(Duration.ofHours(1))));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder at(String path) {
        return HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).timeout(Duration.ofSeconds(10));
    }

    @Test
    void healthReadyAndMetricsAnswer() throws Exception {
        assertEquals(200, send(at("/health")).statusCode());
        assertEquals(200, send(at("/ready")).statusCode());
        HttpResponse<String> metrics = send(at("/metrics"));
        assertEquals(200, metrics.statusCode());
        for (String name : new String[]{"stagecast_transports", "stagecast_dtls_handshakes_total",
                "stagecast_media_packets_received_total", "stagecast_media_received_bytes_total",
                "stagecast_media_forwarded_bytes_total", "stagecast_transports_ended_total{state=\"closed\"",
                "stagecast_build_info{", "jvm_gc_live_data_size_bytes", "jvm_gc_memory_allocated_bytes_total",
                "jvm_threads_live_threads", "process_files_open_files", "process_uptime_seconds",
                "stagecast_media_packets_forwarded_total", "stagecast_media_drops_total{reason=\"not_allowed\"",
                "stagecast_media_drops_total{reason=\"srtp_auth\"", "stagecast_media_drops_total{reason=\"replay\"",
                "stagecast_media_drops_total{reason=\"unknown_ssrc\"", "stagecast_media_drops_total{reason=\"malformed\"",
                "stagecast_media_nack_answered_total", "stagecast_media_pli_sent_total", "stagecast_rooms",
                "stagecast_participants", "stagecast_http_connections ", "stagecast_http_connections_refused_total",
                "stagecast_http_timeouts_total{kind=\"request\"", "stagecast_http_timeouts_total{kind=\"http_idle\"",
                "stagecast_http_timeouts_total{kind=\"websocket_idle\"", "stagecast_whip_whep_resources{kind=\"whip\"",
                "stagecast_whip_whep_resources{kind=\"whep\"", "stagecast_whip_whep_refused_total{cap=\"token\"",
                "stagecast_whip_whep_refused_total{cap=\"room\"", "stagecast_whip_whep_refused_total{cap=\"node\""}) {
            assertTrue(metrics.body().contains(name), "metrics lack " + name);
        }
    }

    /** Issue 8 item 4: the DTLS handshake caps are visible to operators. */
    @Test
    void dtlsHandshakeCapsAndKeepalivesAreInMetrics() throws Exception {
        String body = send(at("/metrics")).body();
        for (String name : new String[]{"stagecast_dtls_handshakes_running", "stagecast_dtls_handshakes_waiting",
                "stagecast_dtls_handshakes_refused_total{reason=\"per_address\"",
                "stagecast_dtls_handshakes_refused_total{reason=\"busy\"",
                "stagecast_dtls_handshakes_stalled_total{phase=\"running\"",
                "stagecast_dtls_handshakes_stalled_total{phase=\"waiting\"",
                "stagecast_media_drops_total{reason=\"keepalive\""}) {
            assertTrue(body.contains(name), "metrics lack " + name);
        }
    }

    @Test
    void webClientIsServedForEveryRoomUrl() throws Exception {
        HttpResponse<String> page = send(at("/room/anything"));
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("/js/main.js"));
        assertEquals(200, send(at("/js/main.js")).statusCode());
        assertEquals(404, send(at("/../pom.xml")).statusCode());
        assertEquals(404, send(at("/nope.js")).statusCode());
    }

    @Test
    void whipRefusesMissingForgedAndViewerTokensAndWrongBodies() throws Exception {
        String offer = "v=0\r\n";
        assertEquals(401, send(at("/whip/r1").header("Content-Type", "application/sdp")
                .POST(HttpRequest.BodyPublishers.ofString(offer))).statusCode(), "no token");
        String forged = new JoinTokens("another-secret-another-secret-another".getBytes(), Clock.systemUTC())
                .mint(JoinGrant.of("r1", "x", "x", Role.MODERATOR, Instant.now().plusSeconds(60)));
        assertEquals(401, send(at("/whip/r1").header("Content-Type", "application/sdp")
                .header("Authorization", "Bearer " + forged).POST(HttpRequest.BodyPublishers.ofString(offer))).statusCode());
        assertEquals(401, send(at("/whip/r2").header("Content-Type", "application/sdp")
                .header("Authorization", "Bearer " + token("r1", Role.MODERATOR))
                .POST(HttpRequest.BodyPublishers.ofString(offer))).statusCode(), "another room's token");
        assertEquals(403, send(at("/whip/r1").header("Content-Type", "application/sdp")
                .header("Authorization", "Bearer " + token("r1", Role.ATTENDEE))
                .POST(HttpRequest.BodyPublishers.ofString(offer))).statusCode(), "attendees may not publish");
        assertEquals(415, send(at("/whip/r1").header("Content-Type", "text/plain")
                .header("Authorization", "Bearer " + token("r1", Role.MODERATOR))
                .POST(HttpRequest.BodyPublishers.ofString(offer))).statusCode());
        HttpResponse<String> bad = send(at("/whip/r1").header("Content-Type", "application/sdp")
                .header("Authorization", "Bearer " + token("r1", Role.MODERATOR))
                .POST(HttpRequest.BodyPublishers.ofString("this is not sdp")));
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("SDP"), bad.body());
        assertEquals(405, send(at("/whip/r1/some-resource").method("PATCH", HttpRequest.BodyPublishers.ofString("")))
                .statusCode(), "trickle ICE is not offered");
        assertEquals(404, send(at("/whep/r1/unknown").header("Authorization", "Bearer " + token("r1", Role.ATTENDEE))
                .DELETE()).statusCode());
        assertEquals(0, server.media().transportCount(), "refused requests leave no transport behind");
    }

    @Test
    void webSocketRefusesBadRequestsAndKeepsTheConnection() throws Exception {
        JsonWebSocketClient client = JsonWebSocketClient.connect(server.baseUrl());
        JsonNode r = client.requestRaw("{\"id\":1,\"type\":\"publish\",\"sdp\":\"x\"}");
        assertEquals("invalid_state", r.path("error").path("code").asText(), "must join first");
        r = client.requestRaw("{not json");
        assertEquals("bad_request", r.path("error").path("code").asText());
        r = client.requestRaw("{\"id\":2,\"type\":\"join\",\"room\":\"ws1\",\"token\":\"a.b.c\"}");
        assertEquals("unauthorized", r.path("error").path("code").asText());
        r = client.requestRaw("{\"id\":3,\"type\":\"join\",\"room\":\"ws2\",\"token\":\"" + token("ws1", Role.MODERATOR) + "\"}");
        assertEquals("unauthorized", r.path("error").path("code").asText(), "another room's token");
        r = client.requestRaw("{\"id\":4,\"type\":\"join\",\"room\":\"ws1\",\"token\":\"" + token("ws1", Role.ATTENDEE) + "\"}");
        assertTrue(r.path("ok").asBoolean(), r.toString());
        assertEquals("lobby", r.path("data").path("you").path("place").asText(), "attendees wait until the session starts");
        r = client.requestRaw("{\"id\":5,\"type\":\"publish\",\"sdp\":\"v=0\"}");
        assertEquals("forbidden", r.path("error").path("code").asText(), "attendees may not publish");
        r = client.requestRaw("{\"id\":6,\"type\":\"answer\",\"sdp\":\"v=0\",\"revision\":7}");
        assertEquals("invalid_state", r.path("error").path("code").asText(), "no offer is outstanding");
        r = client.requestRaw("{\"id\":7,\"type\":\"fly\"}");
        assertEquals("bad_request", r.path("error").path("code").asText());
        r = client.requestRaw("{\"id\":8,\"type\":\"ping\"}");
        assertTrue(r.path("ok").asBoolean(), "the connection survived every refusal");
        assertEquals(1, server.rooms().get("ws1").size());
        client.close();
    }
}
