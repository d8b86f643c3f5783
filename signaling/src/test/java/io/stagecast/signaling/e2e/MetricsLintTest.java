package io.stagecast.signaling.e2e;

import io.stagecast.signaling.testutil.JsonWebSocketClient;
import io.stagecast.signaling.testutil.WhepPlayer;
import io.stagecast.signaling.testutil.WhipEncoder;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 12: {@code promtool check metrics} (Debian's prometheus package) passes on a live node's
 * {@code /metrics}, scraped while a WHIP publisher, a WHEP viewer and a WebSocket participant are
 * in a room, so that the meters that appear only under load are in it too.
 */
class MetricsLintTest {
    @Test
    void promtoolFindsNothingToCriticiseOnALiveNode() throws Exception {
        boolean ci = System.getenv("CI") != null;
        assumeTrue(ci || promtoolAvailable(), "needs promtool (Debian package prometheus)");
        String room = "lint";
        try (NodeProcess node = NodeProcess.onLoopback("metrics-lint-node", Map.of());
             WhipEncoder encoder = new WhipEncoder(3);
             WhepPlayer viewer = new WhepPlayer(1);
             JsonWebSocketClient attendee = JsonWebSocketClient.connect(node.baseUrl)) {
            assertEquals(201, encoder.publish(node.baseUrl, room, node.token(room, "Encoder", Role.MODERATOR)).statusCode());
            assertEquals(201, viewer.watch(node.baseUrl, room, node.token(room, "Viewer", Role.ATTENDEE)).statusCode());
            attendee.request("join", "room", room, "token", node.token(room, "Attendee", Role.ATTENDEE));
            long deadline = System.currentTimeMillis() + 10_000;
            while (viewer.received(3) < 50 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(viewer.received(3) >= 50, "media flows: " + viewer.received(3));
            HttpResponse<String> metrics = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build().send(
                    HttpRequest.newBuilder(URI.create(node.baseUrl + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("stagecast_media_forwarded_bytes_total"), "a loaded node's metrics");

            Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
            promtool.getOutputStream().write(metrics.body().getBytes(StandardCharsets.UTF_8));
            promtool.getOutputStream().close();
            String out = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(promtool.waitFor(30, TimeUnit.SECONDS), "promtool ran");
            System.out.println("metrics lint: " + metrics.body().lines().filter(l -> !l.startsWith("#")).count()
                    + " samples, promtool exit " + promtool.exitValue() + (out.isBlank() ? "" : ":\n" + out));
            assertEquals(0, promtool.exitValue(), "promtool check metrics:\n" + out);
        }
    }

    private static boolean promtoolAvailable() {
        try {
            return new ProcessBuilder("promtool", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
