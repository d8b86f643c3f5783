package io.stagecast.signaling.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.stagecast.signaling.token.ApiCaller;
import io.stagecast.signaling.token.ApiGrants;
import io.stagecast.signaling.token.ApiTokens;
import io.stagecast.signaling.token.TokenError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code stagecast room create|list|end} against a tiny HTTP server in the test that records each
 * request and checks its bearer token with the same code the node's API uses.
 */
class RoomCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    record Request(String method, String rawPath, String authorization, String contentType, String body) {
    }

    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String answer = "{\"ok\":true}";
    private HttpServer server;
    private Map<String, String> env;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Content-Type"), new String(body, StandardCharsets.UTF_8)));
            byte[] reply = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
        });
        server.start();
        env = new HashMap<>(CliTest.ENV);
        env.put("STAGECAST_PUBLIC_BASE_URL", "http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private Request only() {
        assertEquals(1, requests.size(), requests.toString());
        return requests.get(0);
    }

    /** The bearer token verifies with the node's keys, lives at most the CLI's 2 minutes, and grants exactly this. */
    private static ApiCaller caller(Request request, ApiGrants expected) throws TokenError {
        assertTrue(request.authorization().startsWith("Bearer "), request.authorization());
        ApiCaller caller = new ApiTokens(CliTest.keys(), Clock.systemUTC()).verify(request.authorization().substring(7));
        assertEquals(expected, caller.grants());
        assertTrue(caller.expiresAt().isBefore(Instant.now().plus(ApiClient.TOKEN_TTL).plusSeconds(2)), caller.toString());
        return caller;
    }

    @Test
    void createPostsTheNameAndTypedSettings() throws Exception {
        answer = "{\"name\":\"town hall\",\"lobby\":false}";
        CliRun run = CliRun.run(env, "room", "create", "town hall", "--set", "lobby=false", "--set", "capacity=200",
                "--set", "accessMode=request");

        assertEquals(0, run.exit(), run.err());
        assertEquals(answer, run.out().strip(), "the node's answer is printed");
        Request request = only();
        assertEquals("POST", request.method());
        assertEquals("/api/v1/rooms", request.rawPath());
        assertEquals("application/json", request.contentType());
        JsonNode body = JSON.readTree(request.body());
        assertEquals("town hall", body.path("name").asText());
        assertTrue(body.path("lobby").isBoolean() && !body.path("lobby").asBoolean(), request.body());
        assertTrue(body.path("capacity").isIntegralNumber() && body.path("capacity").asInt() == 200, request.body());
        assertEquals("request", body.path("accessMode").asText());
        assertEquals(4, body.size(), request.body());
        assertEquals("default", caller(request, ApiGrants.roomCreation()).keyId());
    }

    @Test
    void listGetsTheRooms() throws Exception {
        answer = "{\"rooms\":[]}";
        CliRun run = CliRun.run(env, "room", "list");

        assertEquals(0, run.exit(), run.err());
        assertEquals(answer, run.out().strip());
        Request request = only();
        assertEquals("GET", request.method());
        assertEquals("/api/v1/rooms", request.rawPath());
        caller(request, ApiGrants.roomListing());
    }

    @Test
    void endPostsToTheRoomsEndWithAGrantForThatRoomOnly() throws Exception {
        CliRun run = CliRun.run(env, "room", "end", "town hall", "--key", "k2");

        assertEquals(0, run.exit(), run.err());
        Request request = only();
        assertEquals("POST", request.method());
        assertEquals("/api/v1/rooms/town%20hall/end", request.rawPath());
        assertEquals("k2", caller(request, ApiGrants.adminOf("town hall")).keyId());
    }

    @Test
    void aRefusalPrintsStatusAndBodyAndExitsOne() {
        status = 403;
        answer = "{\"error\":{\"code\":\"forbidden\",\"message\":\"no roomAdmin grant\"}}";
        CliRun run = CliRun.run(env, "room", "end", "demo");

        assertEquals(1, run.exit());
        assertTrue(run.err().contains("POST /api/v1/rooms/demo/end answered 403") && run.err().contains("forbidden"), run.err());
        assertEquals("", run.out());
    }

    @Test
    void urlOptionWinsAndAnUnreachableNodeIsOneLine() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        CliRun run = CliRun.run(env, "room", "list", "--url", "http://127.0.0.1:" + closedPort);

        assertEquals(1, run.exit());
        assertTrue(run.err().contains("cannot connect to http://127.0.0.1:" + closedPort), run.err());
        assertEquals(0, requests.size(), "--url wins over public-base-url");
    }

    @Test
    void usageErrorsSendNothing() {
        assertEquals(2, CliRun.run(env, "room", "create").exit(), "no room");
        assertEquals(2, CliRun.run(env, "room", "create", "r", "--set", "name=other").exit());
        assertEquals(2, CliRun.run(Map.of("STAGECAST_PUBLIC_BASE_URL", env.get("STAGECAST_PUBLIC_BASE_URL")),
                "room", "list").exit(), "no key configured");
        assertEquals(0, requests.size());
    }

    @Test
    void eachCallMintsAFreshToken() throws Exception {
        CliRun.run(env, "room", "list");
        CliRun.run(env, "room", "list");
        assertEquals(2, requests.size());
        assertNotEquals(requests.get(0).authorization(), requests.get(1).authorization(), "a new jti each call");
    }
}
