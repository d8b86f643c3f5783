package io.stagecast.signaling.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecast.signaling.testutil.JsonWebSocketClient;
import io.stagecast.signaling.testutil.SyntheticMedia;
import io.stagecast.signaling.testutil.WhepPlayer;
import io.stagecast.signaling.testutil.WhipEncoder;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12's graceful drain, on a node process stopped as a service manager stops it (SIGTERM):
 * {@code /ready} turns 503 at once, new joins are refused on every path (WebSocket, WHEP, the
 * API's room creation), the viewer already watching keeps receiving the publisher's packets, the
 * WebSocket participant is told {@code node.draining}, and once the room has ended the process
 * exits 0 (not 143).
 */
class DrainEndToEndTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void sigtermStopsNewJoinsLetsTheLiveRoomFinishAndExitsZero() throws Exception {
        String room = "drain";
        try (NodeProcess node = NodeProcess.onLoopback("drain-node", Map.of("STAGECAST_SHUTDOWN_DRAIN_SECONDS", "60"));
             WhipEncoder encoder = new WhipEncoder(7);
             WhepPlayer viewer = new WhepPlayer(1);
             JsonWebSocketClient attendee = JsonWebSocketClient.connect(node.baseUrl)) {
            String publisherToken = node.token(room, "Encoder", Role.MODERATOR);
            HttpResponse<String> published = encoder.publish(node.baseUrl, room, publisherToken);
            assertEquals(201, published.statusCode(), published.body());
            String viewerToken = node.token(room, "Viewer", Role.ATTENDEE);
            HttpResponse<String> watching = viewer.watch(node.baseUrl, room, viewerToken);
            assertEquals(201, watching.statusCode(), watching.body());
            JsonNode joined = attendee.request("join", "room", room, "token", node.token(room, "Attendee", Role.ATTENDEE));
            assertTrue(joined.path("error").isMissingNode(), joined.toString());
            awaitPackets(viewer, 20, 10_000);
            assertEquals(200, get(node.baseUrl + "/ready").statusCode());

            node.terminate();
            long signalled = System.nanoTime();
            HttpResponse<String> ready = get(node.baseUrl + "/ready");
            while (ready.statusCode() == 200 && System.nanoTime() - signalled < 2_000_000_000L) {
                Thread.sleep(20);
                ready = get(node.baseUrl + "/ready");
            }
            long readyMs = (System.nanoTime() - signalled) / 1_000_000;
            System.out.println("drain: /ready " + ready.statusCode() + " '" + ready.body().trim() + "' " + readyMs + " ms after SIGTERM");
            assertEquals(503, ready.statusCode(), "/ready while draining");
            assertEquals("draining", ready.body().trim());
            assertTrue(readyMs <= 1_000, "/ready turned 503 after " + readyMs + " ms (<= 1 s wanted)");

            JsonNode draining = attendee.awaitEvent("node.draining", 5_000);
            assertNotNull(draining, "the connected participant is told the node drains");
            assertTrue(draining.path("deadline").asText().endsWith("Z"), draining.toString());

            // New joins are refused on every path, with the same code.
            try (JsonWebSocketClient late = JsonWebSocketClient.connect(node.baseUrl)) {
                JsonNode refused = late.request("join", "room", room, "token", node.token(room, "Late", Role.ATTENDEE));
                assertEquals("node_draining", refused.path("error").path("code").asText(), refused.toString());
            }
            try (WhepPlayer lateViewer = new WhepPlayer(1)) {
                HttpResponse<String> refused = lateViewer.watch(node.baseUrl, room, node.token(room, "Late WHEP", Role.ATTENDEE));
                assertEquals(503, refused.statusCode(), refused.body());
                assertTrue(refused.body().contains("shutting down"), refused.body());
            }

            // The live room goes on: the viewer keeps receiving the publisher's packets.
            long before = viewer.received(encoder.tag);
            Thread.sleep(2_000);
            long during = viewer.received(encoder.tag) - before;
            System.out.println("drain: the viewer received " + during + " packets in the 2 s after the refusals");
            assertTrue(during >= 50, "the viewer kept receiving while draining: " + during + " packets in 2 s (~100 sent)");
            assertEquals(-1, node.exitCode(Duration.ofMillis(100)), "the node waits for its live room");

            // The room ends: everyone leaves; the node closes and exits 0.
            attendee.request("room.leave");
            assertEquals(200, SyntheticMedia.delete(node.baseUrl, location(watching), viewerToken));
            assertEquals(200, SyntheticMedia.delete(node.baseUrl, location(published), publisherToken));
            long ended = System.nanoTime();
            int exit = node.exitCode(Duration.ofSeconds(10));
            System.out.println("drain: exit " + exit + " " + (System.nanoTime() - ended) / 1_000_000 + " ms after the room ended");
            assertEquals(0, exit, "a drained node exits 0");
        }
    }

    private static String location(HttpResponse<String> response) {
        String location = response.headers().firstValue("Location").orElseThrow();
        return location.startsWith("http") ? URI.create(location).getPath() : location;
    }

    private static void awaitPackets(WhepPlayer viewer, long count, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (viewer.received(7) < count && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(viewer.received(7) >= count, "the viewer receives the encoder's packets: " + viewer.received(7));
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
