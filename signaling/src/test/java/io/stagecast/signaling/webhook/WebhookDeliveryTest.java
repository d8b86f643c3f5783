package io.stagecast.signaling.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.testutil.JsonWebSocketClient;
import io.stagecast.signaling.testutil.LoopbackServer;
import io.stagecast.signaling.testutil.WhipEncoder;
import io.stagecast.signaling.token.ApiGrants;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Webhooks received by a real HTTP server inside the test, from one node: a scripted session's
 * events arrive once each, in order, signed; a receiver that fails twice gets the event on the
 * third attempt; a receiver that hangs does not slow the room's events to its clients. The
 * receiver behaves per room: {@code flaky-*} answers 500 to the first two attempts of every event,
 * {@code stalled} never answers until the test lets it.
 */
class WebhookDeliveryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] SECRET = "loopback-secret-loopback-secret-0123456".getBytes(StandardCharsets.UTF_8);

    /** One attempt as the receiver saw it. */
    record Received(String room, String type, String id, JsonNode body, boolean signed, String keyId, long atNanos) {
    }

    private static final List<Received> attempts = new CopyOnWriteArrayList<>();
    /** Events answered 2xx, in arrival order. */
    private static final List<Received> accepted = new CopyOnWriteArrayList<>();
    private static final Map<String, AtomicInteger> triesById = new ConcurrentHashMap<>();
    private static final CountDownLatch releaseStalled = new CountDownLatch(1);
    private static HttpServer receiver;
    private static StagecastServer server;
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.setExecutor(Executors.newCachedThreadPool());
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            var headers = exchange.getRequestHeaders();
            boolean signed = WebhookSignature.verify(SECRET, headers.getFirst(WebhookSignature.TIMESTAMP),
                    headers.getFirst(WebhookSignature.SIGNATURE), body, Instant.now().getEpochSecond(), 300);
            JsonNode json = JSON.readTree(body);
            Received r = new Received(json.path("room").asText(), json.path("event").asText(), json.path("id").asText(),
                    json, signed, headers.getFirst(WebhookSignature.KEY_ID), System.nanoTime());
            attempts.add(r);
            int status = 200;
            if (r.room().startsWith("flaky") && triesById.computeIfAbsent(r.id(), k -> new AtomicInteger()).incrementAndGet() <= 2) {
                status = 500;
            }
            if (r.room().equals("stalled")) {
                try {
                    releaseStalled.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (status == 200 && !headers.getFirst(WebhookSignature.EVENT_ID).equals(r.id())) {
                status = 400;
            }
            if (status == 200) {
                accepted.add(r);
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        server = LoopbackServer.start(Map.of(
                "STAGECAST_WEBHOOKS_URLS", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook",
                "STAGECAST_WEBHOOKS_TIMEOUT_SECONDS", "1",
                "STAGECAST_WEBHOOKS_RETRY_SECONDS", "30"));
    }

    @AfterAll
    static void stop() {
        releaseStalled.countDown();
        server.close();
        receiver.stop(0);
    }

    private static HttpResponse<String> api(String method, String path, String body) throws Exception {
        String token = server.apiTokens().mint(ApiGrants.all(), Duration.ofMinutes(2));
        return http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v1" + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonWebSocketClient join(String room, String id, Role role) throws Exception {
        JsonWebSocketClient ws = JsonWebSocketClient.connect(server.baseUrl());
        JsonNode r = ws.request("join", "room", room, "token",
                server.tokens().mint(JoinGrant.of(room, id, id, role, Instant.now().plusSeconds(600))));
        assertTrue(r.path("ok").asBoolean(), r.toString());
        return ws;
    }

    private static void ok(JsonWebSocketClient ws, String type, Object... fields) throws Exception {
        JsonNode r = ws.request(type, fields);
        assertTrue(r.path("ok").asBoolean(), type + ": " + r);
    }

    private static List<Received> acceptedOf(String room) {
        return accepted.stream().filter(r -> r.room().equals(room)).toList();
    }

    private static void await(String what, Predicate<List<Received>> done, String room) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (!done.test(acceptedOf(room))) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(what + "; got " + acceptedOf(room).stream().map(Received::type).toList());
            }
            Thread.sleep(20);
        }
    }

    @Test
    void everyEventOfAScriptedSessionArrivesOnceInOrderAndSigned() throws Exception {
        String room = "scripted";
        assertEquals(201, api("POST", "/rooms", "{\"name\": \"scripted\", \"lobby\": false}").statusCode());
        JsonWebSocketClient mod = join(room, "mod", Role.MODERATOR);
        JsonWebSocketClient ann = join(room, "ann", Role.ATTENDEE);
        ok(ann, "stage.request");
        assertEquals(200, api("PATCH", "/rooms/scripted/participants/ann", "{\"place\": \"stage\"}").statusCode());
        String speaker = server.tokens().mint(JoinGrant.of(room, "enc", "Studio", Role.SPEAKER, Instant.now().plusSeconds(600)));
        try (WhipEncoder encoder = new WhipEncoder(3)) {
            assertEquals(201, encoder.publish(server.baseUrl(), room, speaker).statusCode());
            assertEquals(200, api("PATCH", "/rooms/scripted/participants/ann", "{\"place\": \"viewer\"}").statusCode());
            ok(ann, "room.leave");
            assertEquals(200, api("POST", "/rooms/scripted/end", null).statusCode());
        }
        assertEquals(204, api("DELETE", "/rooms/scripted", null).statusCode());
        mod.close();

        List<String> expected = List.of("room.created", "session.started", "participant.joined", "participant.joined",
                "stage.requested", "stage.joined", "participant.joined", "stage.joined", "track.published",
                "track.published", "stage.left", "participant.left", "stage.left", "participant.left", "participant.left",
                "session.ended", "track.unpublished", "track.unpublished", "room.ended");
        await("all " + expected.size() + " events", list -> list.size() >= expected.size()
                && list.get(list.size() - 1).type().equals("room.ended"), room);
        List<Received> got = acceptedOf(room);
        assertEquals(expected, got.stream().map(Received::type).toList());

        Set<String> ids = new HashSet<>();
        for (Received r : got) {
            assertTrue(r.signed(), "signature of " + r.body());
            assertEquals("default", r.keyId());
            assertTrue(ids.add(r.id()), "a second delivery of " + r.id());
            assertTrue(r.id().startsWith("evt_"));
            assertNotNull(Instant.parse(r.body().path("timestamp").asText()));
        }
        assertEquals(got.size(), attempts.stream().filter(a -> a.room().equals(room)).count(), "each came once");
        // What the events say, in the order of the script.
        assertEquals("@server", got.get(1).body().path("data").path("by").asText());
        assertEquals("mod", got.get(2).body().path("data").path("participant").path("id").asText());
        assertEquals("ann", got.get(4).body().path("data").path("participantId").asText());
        assertEquals("ann", got.get(5).body().path("data").path("participantId").asText());
        String encoderId = got.get(6).body().path("data").path("participant").path("id").asText();
        assertTrue(encoderId.startsWith("whip-"), encoderId);
        assertEquals("stage", got.get(6).body().path("data").path("participant").path("place").asText());
        assertEquals("microphone", got.get(8).body().path("data").path("kind").asText());
        assertEquals("camera", got.get(9).body().path("data").path("kind").asText());
        assertEquals("removed", got.get(10).body().path("data").path("reason").asText());
        assertEquals("left", got.get(11).body().path("data").path("reason").asText());
        assertEquals(encoderId, got.get(12).body().path("data").path("participantId").asText());
        assertEquals("session_ended", got.get(12).body().path("data").path("reason").asText());
        assertEquals("session_ended", got.get(14).body().path("data").path("reason").asText());
        assertEquals("deleted", got.get(18).body().path("data").path("reason").asText());
        // A tampered body or an old timestamp is what a receiver rejects.
        byte[] body = JSON.writeValueAsBytes(got.get(0).body());
        long now = Instant.now().getEpochSecond();
        String signature = WebhookSignature.sign(SECRET, now, body);
        assertTrue(WebhookSignature.verify(SECRET, Long.toString(now), signature, body, now, 300));
        assertTrue(!WebhookSignature.verify(SECRET, Long.toString(now), signature, "{}".getBytes(), now, 300));
        assertTrue(!WebhookSignature.verify(SECRET, Long.toString(now - 600), WebhookSignature.sign(SECRET, now - 600, body),
                body, now, 300), "a replay ten minutes later");
    }

    @Test
    void aReceiverThatFailsTwiceGetsTheEventOnTheThirdAttempt() throws Exception {
        assertEquals(201, api("POST", "/rooms", "{\"name\": \"flaky-1\"}").statusCode());
        await("room.created after two failures", list -> !list.isEmpty(), "flaky-1");
        Received created = acceptedOf("flaky-1").get(0);
        assertEquals("room.created", created.type());
        List<Received> tries = attempts.stream().filter(a -> a.id().equals(created.id())).toList();
        assertEquals(3, tries.size(), "two 500s, then accepted");
        long firstGap = tries.get(1).atNanos() - tries.get(0).atNanos();
        long secondGap = tries.get(2).atNanos() - tries.get(1).atNanos();
        assertTrue(firstGap >= TimeUnit.MILLISECONDS.toNanos(400), "backoff " + firstGap / 1_000_000 + " ms");
        assertTrue(secondGap >= TimeUnit.MILLISECONDS.toNanos(900), "backoff doubles: " + secondGap / 1_000_000 + " ms");
        String metrics = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("stagecast_webhook_retries_total")
                && Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) >= 2), metrics);
        assertTrue(metrics.contains("stagecast_webhook_events_total{outcome=\"delivered\"}"), metrics);
    }

    @Test
    void aReceiverThatHangsDoesNotDelayTheRoomsEventsToItsClients() throws Exception {
        String room = "stalled";
        assertEquals(201, api("POST", "/rooms", "{\"name\": \"stalled\", \"lobby\": false}").statusCode());
        JsonWebSocketClient mod = join(room, "mod", Role.MODERATOR);
        JsonWebSocketClient ann = join(room, "ann", Role.ATTENDEE);
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ann.drainEvents();
            long start = System.nanoTime();
            assertEquals(200, api("PATCH", "/rooms/stalled", "{\"capacity\": " + (10 + i) + "}").statusCode());
            JsonNode changed = ann.awaitEvent("settings.changed", 5_000);
            millis.add((System.nanoTime() - start) / 1_000_000);
            assertNotNull(changed);
            assertEquals(10 + i, changed.path("settings").path("capacity").asInt());
        }
        System.out.println("settings.changed reached a client " + millis + " ms after the API call, webhook receiver hanging");
        assertTrue(millis.stream().allMatch(ms -> ms < 500), "events to clients waited for the receiver: " + millis);
        assertTrue(acceptedOf(room).isEmpty(), "the receiver answered nothing yet");
        assertTrue(attempts.stream().anyMatch(a -> a.room().equals(room)), "but it was called");
        mod.close();
        ann.close();
    }
}
