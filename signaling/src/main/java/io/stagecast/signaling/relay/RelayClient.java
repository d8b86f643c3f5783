package io.stagecast.signaling.relay;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.stagecast.signaling.SignalingException;
import io.stagecast.signaling.token.ApiGrants;
import io.stagecast.signaling.token.ApiTokens;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An edge's calls to a room's origin over the origin's server API: open a relay
 * ({@code POST /api/v1/rooms/{room}/relays}), poll it with the layers its viewers need
 * ({@code PUT .../relays/{id}}), close it
 * ({@code DELETE}). Each call carries a 2-minute API token with roomAdmin of that room only, minted
 * with the cluster's shared API key (every node holds it: tokens minted anywhere work anywhere).
 * Asynchronous, on two threads of its own; every call times out after 2 s.
 */
public final class RelayClient implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Duration TOKEN_LIFETIME = Duration.ofMinutes(2);

    /** The origin no longer knows the relay or the room (404), or serves the room no more (307). */
    public static final class RelayGone extends IOException {
        public RelayGone(String message) {
            super(message);
        }
    }

    private final ApiTokens tokens;
    private final ExecutorService threads = Executors.newFixedThreadPool(2, new DefaultThreadFactory("relay-control", true));
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).executor(threads)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    public RelayClient(ApiTokens tokens) {
        this.tokens = tokens;
    }

    public CompletableFuture<RelayWire.State> open(String originUrl, String room, RelayWire.Open ask) {
        return send(request(originUrl, room, "").POST(HttpRequest.BodyPublishers.ofByteArray(RelayWire.write(ask)))
                .header("Content-Type", "application/json").build());
    }

    public CompletableFuture<RelayWire.State> poll(String originUrl, String room, String relay, RelayWire.Poll demand) {
        return send(request(originUrl, room, "/" + relay).PUT(HttpRequest.BodyPublishers.ofByteArray(RelayWire.write(demand)))
                .header("Content-Type", "application/json").build());
    }

    /**
     * Asks the origin's room to admit a viewer with {@code token} ({@code POST .../relays/{id}/viewers}):
     * its participant id there, and whether the room holds it in its lobby; a refusal of the room's rules completes exceptionally with a
     * {@link SignalingException} of the origin's code, to be answered to the viewer as the origin would.
     */
    public CompletableFuture<RelayWire.Admitted> admit(String originUrl, String room, String relay, String token) {
        return created(request(originUrl, room, "/" + relay + "/viewers"), new RelayWire.Viewer(token), RelayWire.Admitted.class);
    }

    /**
     * Asks the origin's room to put an encoder connected here on stage ({@code POST
     * .../relays/{id}/publishers}): its participant id and the origin's end of the encoder's
     * uplink; refused as {@link #admit} is.
     */
    public CompletableFuture<RelayWire.Published> publish(String originUrl, String room, String relay,
                                                          RelayWire.Publisher publisher) {
        return created(request(originUrl, room, "/" + relay + "/publishers"), publisher, RelayWire.Published.class);
    }

    /** A POST of {@code body} answered 201 with a {@code type}, else the origin's refusal. */
    private <T> CompletableFuture<T> created(HttpRequest.Builder builder, Object body, Class<T> type) {
        HttpRequest request = builder.POST(HttpRequest.BodyPublishers.ofByteArray(RelayWire.write(body)))
                .header("Content-Type", "application/json").build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(response -> {
            try {
                if (response.statusCode() == 201) {
                    return RelayWire.read(response.body(), type);
                }
                throw refusal(response);
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
    }

    /** The origin's {@code {"error": {"code", "message"}}} as the refusal it is; RelayGone for a relay it no longer has. */
    private static java.util.concurrent.CompletionException refusal(HttpResponse<byte[]> response) throws IOException {
        if (response.statusCode() == 404 || response.statusCode() == 307 || response.statusCode() == 410) {
            throw new RelayGone("the origin answered " + response.statusCode());
        }
        com.fasterxml.jackson.databind.JsonNode error = RelayWire.JSON.readTree(response.body()).path("error");
        String wire = error.path("code").asText("");
        for (SignalingException.Code code : SignalingException.Code.values()) {
            if (code.wire.equals(wire) && code != SignalingException.Code.WRONG_NODE) {
                return new java.util.concurrent.CompletionException(new SignalingException(code,
                        error.path("message").asText("refused by the room's node")));
            }
        }
        throw new IOException("the origin answered " + response.statusCode() + " without a known code");
    }

    /**
     * Asks the edge at {@code edgeUrl} what it forwards to {@code participant}, a viewer there of
     * relay {@code relay} ({@code GET .../relays/{id}/viewers/{participant}/media}): the report as
     * the edge made it, or the edge's refusal ({@code not_found} when it has no such viewer).
     * The origin asks: its room has the participant, the edge has its media.
     */
    public CompletableFuture<com.fasterxml.jackson.databind.node.ObjectNode> viewerReport(String edgeUrl, String room,
                                                                                          String relay, String participant) {
        String rest = "/" + relay + "/viewers/" + URLEncoder.encode(participant, StandardCharsets.UTF_8).replace("+", "%20")
                + "/media";
        HttpRequest request = request(edgeUrl, room, rest).GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(response -> {
            try {
                if (response.statusCode() == 200
                        && RelayWire.JSON.readTree(response.body()) instanceof com.fasterxml.jackson.databind.node.ObjectNode report) {
                    return report;
                }
                if (response.statusCode() == 404 || response.statusCode() == 307) {
                    throw new java.util.concurrent.CompletionException(new SignalingException(
                            SignalingException.Code.NOT_FOUND, "participant " + participant + " receives nothing at its edge"));
                }
                throw refusal(response);
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
    }

    public CompletableFuture<Void> close(String originUrl, String room, String relay) {
        return http.sendAsync(request(originUrl, room, "/" + relay).DELETE().build(), HttpResponse.BodyHandlers.discarding())
                .thenApply(r -> null);
    }

    /**
     * A WebSocket to the origin's {@code /ws}, for one web client at this edge whose requests and
     * events pass through it ({@code ws.EdgeWebProxy}); the listener runs on this client's threads.
     */
    public CompletableFuture<java.net.http.WebSocket> webSocket(String originUrl, java.net.http.WebSocket.Listener listener) {
        String base = originUrl.endsWith("/") ? originUrl.substring(0, originUrl.length() - 1) : originUrl;
        return http.newWebSocketBuilder().connectTimeout(TIMEOUT)
                .buildAsync(URI.create(base.replaceFirst("^http", "ws") + "/ws"), listener);
    }

    /** A 2-minute API token with roomAdmin of {@code room} only: what proves to the origin that a join comes from its edge. */
    public String credential(String room) {
        return tokens.mint(ApiGrants.adminOf(room), TOKEN_LIFETIME);
    }

    private HttpRequest.Builder request(String originUrl, String room, String rest) {
        String base = originUrl.endsWith("/") ? originUrl.substring(0, originUrl.length() - 1) : originUrl;
        String path = "/api/v1/rooms/" + URLEncoder.encode(room, StandardCharsets.UTF_8).replace("+", "%20") + "/relays";
        return HttpRequest.newBuilder(URI.create(base + path + rest)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + tokens.mint(ApiGrants.adminOf(room), TOKEN_LIFETIME));
    }

    private CompletableFuture<RelayWire.State> send(HttpRequest request) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(response -> {
            int status = response.statusCode();
            try {
                if (status == 404 || status == 307 || status == 410) {
                    throw new RelayGone("the origin answered " + status);
                }
                if (status / 100 != 2) {
                    throw new IOException("the origin answered " + status + ": "
                            + new String(response.body(), 0, Math.min(200, response.body().length), StandardCharsets.UTF_8));
                }
                return RelayWire.read(response.body(), RelayWire.State.class);
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
