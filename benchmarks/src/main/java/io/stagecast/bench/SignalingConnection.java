package io.stagecast.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One participant's WebSocket to the node's JSON protocol (docs/protocol.md): requests matched to
 * their responses by id, events handed to a callback on the client's thread (which must not block).
 */
final class SignalingConnection implements WebSocket.Listener, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long REQUEST_TIMEOUT_SECONDS = 15;

    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final StringBuilder partial = new StringBuilder();
    private final Consumer<JsonNode> onEvent;
    private volatile WebSocket socket;
    /**
     * The last send: java.net.http.WebSocket takes one sendText at a time (a second one while the
     * first is pending fails with "Send pending"), and answers go out from the listener's thread
     * while requests go out from the caller's, so each send waits for the one before.
     */
    private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);

    private SignalingConnection(Consumer<JsonNode> onEvent) {
        this.onEvent = onEvent;
    }

    static CompletableFuture<SignalingConnection> open(HttpClient http, URI baseUrl, Consumer<JsonNode> onEvent) {
        SignalingConnection connection = new SignalingConnection(onEvent);
        URI ws = URI.create(baseUrl.toString().replaceFirst("^http", "ws").replaceAll("/+$", "") + "/ws");
        return http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).buildAsync(ws, connection)
                .thenApply(socket -> {
                    connection.socket = socket;
                    return connection;
                });
    }

    /** Sends {@code {"id", "type", ...fields}}; completes with the response's data, or fails on an error response. */
    CompletableFuture<JsonNode> request(String type, Map<String, Object> fields) {
        int id = nextId.getAndIncrement();
        ObjectNode message = JSON.createObjectNode();
        message.put("id", id);
        message.put("type", type);
        fields.forEach((name, value) -> message.set(name, JSON.valueToTree(value)));
        CompletableFuture<JsonNode> response = new CompletableFuture<>();
        pending.put(id, response);
        send(message.toString()).exceptionally(e -> {
            response.completeExceptionally(e);
            return null;
        });
        return response.orTimeout(REQUEST_TIMEOUT_SECONDS, TimeUnit.SECONDS).thenApply(r -> {
            if (!r.path("ok").asBoolean()) {
                throw new IllegalStateException(type + " refused: " + r.path("error"));
            }
            return r.path("data");
        });
    }

    private synchronized CompletableFuture<?> send(String text) {
        CompletableFuture<?> sent = lastSend.handle((r, e) -> null)
                .thenCompose(ignored -> socket.sendText(text, true));
        lastSend = sent;
        return sent;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            try {
                JsonNode message = JSON.readTree(text);
                if ("response".equals(message.path("type").asText())) {
                    CompletableFuture<JsonNode> waiting = pending.remove(message.path("id").asInt(-1));
                    if (waiting != null) {
                        waiting.complete(message);
                    }
                } else {
                    onEvent.accept(message);
                }
            } catch (IOException | RuntimeException e) {
                System.err.println("signaling: cannot handle " + text + ": " + e);
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public void close() {
        WebSocket open = socket;
        if (open != null) {
            open.sendClose(WebSocket.NORMAL_CLOSURE, "load generator done");
        }
    }
}
