package io.stagecast.signaling.testutil;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A test client of the JSON WebSocket protocol: requests one at a time, events queued. */
public final class JsonWebSocketClient implements WebSocket.Listener, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final LinkedBlockingQueue<JsonNode> responses = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;
    private int nextId = 1;

    public static JsonWebSocketClient connect(String baseUrl) throws Exception {
        JsonWebSocketClient client = new JsonWebSocketClient();
        client.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(baseUrl.replaceFirst("^http", "ws") + "/ws"), client).get(5, TimeUnit.SECONDS);
        return client;
    }

    private final CompletableFuture<Integer> closed = new CompletableFuture<>();

    /** Sends raw text without waiting for anything. */
    public void send(String text) throws Exception {
        socket.sendText(text, true).get(5, TimeUnit.SECONDS);
    }

    /** Whether the server closed the connection within the timeout. */
    public boolean awaitClosed(long timeoutMs) {
        try {
            closed.get(timeoutMs, TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(-1);
    }

    /** Sends raw text and returns the response (fails the test after 5 s without one). */
    public JsonNode requestRaw(String text) throws Exception {
        socket.sendText(text, true).get(5, TimeUnit.SECONDS);
        JsonNode response = responses.poll(5, TimeUnit.SECONDS);
        if (response == null) {
            throw new AssertionError("no response to " + text);
        }
        return response;
    }

    /** The next response received, after {@link #send}s of pipelined requests; null after the timeout. */
    public JsonNode nextResponse(long timeoutMs) throws InterruptedException {
        return responses.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** Sends {@code {"id": n, "type": type, ...fields}}. */
    public JsonNode request(String type, Object... fieldsAndValues) throws Exception {
        var node = JSON.createObjectNode();
        node.put("id", nextId++);
        node.put("type", type);
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            node.set((String) fieldsAndValues[i], JSON.valueToTree(fieldsAndValues[i + 1]));
        }
        return requestRaw(node.toString());
    }

    /** The next event with this name, skipping others; null after the timeout. */
    public JsonNode awaitEvent(String name, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        for (long left; (left = deadline - System.currentTimeMillis()) > 0; ) {
            JsonNode event = events.poll(left, TimeUnit.MILLISECONDS);
            if (event != null && name.equals(event.path("event").asText())) {
                return event;
            }
        }
        return null;
    }

    /** Every event received and not yet taken, in order (taking them). */
    public java.util.List<JsonNode> drainEvents() {
        java.util.List<JsonNode> out = new java.util.ArrayList<>();
        events.drainTo(out);
        return out;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            try {
                JsonNode message = JSON.readTree(partial.toString());
                ("response".equals(message.path("type").asText()) ? responses : events).add(message);
            } catch (Exception e) {
                responses.add(JSON.createObjectNode().put("unparseable", partial.toString()));
            }
            partial.setLength(0);
        }
        webSocket.request(1);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
    }
}
