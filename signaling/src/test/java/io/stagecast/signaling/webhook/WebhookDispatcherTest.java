package io.stagecast.signaling.webhook;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stagecast.signaling.config.WebhookSettings;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dispatcher's bounds without a network: a full queue drops and counts, a dead receiver is given up. */
class WebhookDispatcherTest {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    private static WebhookEvent event(String room, int n) {
        return new WebhookEvent("evt_" + n, "room.created", room, Instant.now(), JsonNodeFactory.instance.objectNode());
    }

    /** A loopback port with nothing listening: every attempt is refused at once. */
    private static URI deadUrl() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + s.getLocalPort() + "/hook");
        }
    }

    @Test
    void aFullQueueDropsNewEventsAndCountsThem() throws Exception {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        WebhookSettings settings = new WebhookSettings(List.of(deadUrl()), null, Duration.ofSeconds(1), Duration.ofSeconds(30), 3);
        try (WebhookDispatcher dispatcher = new WebhookDispatcher(settings, "k", SECRET, Clock.systemUTC(), metrics)) {
            long start = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                dispatcher.submit(event("r" + (i % 2), i));
            }
            assertTrue(System.nanoTime() - start < Duration.ofMillis(200).toNanos(), "submit never waits for the network");
            assertEquals(3, dispatcher.queued());
            assertEquals(7.0, metrics.get("stagecast.webhook.events").tag("outcome", "dropped").counter().count());
        }
    }

    @Test
    void aDeadReceiverIsGivenUpAfterTheRetryTimeAndTheRoomsNextEventGoes() throws Exception {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        WebhookSettings settings = new WebhookSettings(List.of(deadUrl()), null, Duration.ofSeconds(1), Duration.ofSeconds(1), 10);
        try (WebhookDispatcher dispatcher = new WebhookDispatcher(settings, "k", SECRET, Clock.systemUTC(), metrics)) {
            dispatcher.submit(event("r", 1));
            dispatcher.submit(event("r", 2));
            long deadline = System.currentTimeMillis() + 10_000;
            while (dispatcher.queued() > 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(0, dispatcher.queued(), "both given up within the retry time each");
            assertEquals(2.0, metrics.get("stagecast.webhook.events").tag("outcome", "failed").counter().count());
            assertTrue(metrics.get("stagecast.webhook.retries").counter().count() >= 2, "each retried at 0.5 s");
        }
    }

    @Test
    void theSignatureCoversTimestampAndBody() {
        byte[] body = "{\"id\":\"evt_1\"}".getBytes(StandardCharsets.UTF_8);
        String signature = WebhookSignature.sign(SECRET, 1_900_000_000L, body);
        assertTrue(signature.matches("v1=[0-9a-f]{64}"), signature);
        assertTrue(WebhookSignature.verify(SECRET, "1900000000", signature, body, 1_900_000_010L, 300));
        assertFalse(WebhookSignature.verify(SECRET, "1900000001", signature, body, 1_900_000_010L, 300), "another timestamp");
        assertFalse(WebhookSignature.verify("another-secret-another-secret-00".getBytes(StandardCharsets.UTF_8),
                "1900000000", signature, body, 1_900_000_010L, 300));
        assertFalse(WebhookSignature.verify(SECRET, "1900000000", signature, body, 1_900_000_400L, 300), "too old");
        assertFalse(WebhookSignature.verify(SECRET, "soon", signature, body, 1_900_000_010L, 300));
    }
}
