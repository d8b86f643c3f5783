package io.stagecast.signaling.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagecast.signaling.token.Role;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The operator's view of one participant's media, {@code GET /debug/rooms/{room}/participants/{id}/media}
 * with a moderator's token (docs/protocol.md): per consumer the target and current layer and why.
 * For failure messages and the figures a test prints, and for which of a test's judgements apply
 * (whether the allocation was held back by the budget at all); never a reason to fail by itself.
 */
final class MediaDebug {
    private static final HttpClient HTTP = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_CHARS = 3_000;

    private MediaDebug() {
    }

    static String of(NodeProcess node, String room, String participantId) {
        try {
            HttpResponse<String> r = fetch(node, room, participantId);
            String body = r.body().length() > MAX_CHARS ? r.body().substring(0, MAX_CHARS) + "…" : r.body();
            return "debug media of " + participantId + ": " + r.statusCode() + " " + body;
        } catch (IOException e) {
            return "debug media of " + participantId + ": " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "debug media: interrupted";
        }
    }

    /** The debug document, or an empty object when the request fails (a judgement it decides then falls back). */
    static JsonNode json(NodeProcess node, String room, String participantId) {
        try {
            HttpResponse<String> r = fetch(node, room, participantId);
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : JSON.createObjectNode();
        } catch (IOException e) {
            return JSON.createObjectNode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return JSON.createObjectNode();
        }
    }

    private static HttpResponse<String> fetch(NodeProcess node, String room, String participantId) throws IOException, InterruptedException {
        String url = node.baseUrl + "/debug/rooms/" + URLEncoder.encode(room, StandardCharsets.UTF_8)
                + "/participants/" + URLEncoder.encode(participantId, StandardCharsets.UTF_8) + "/media";
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3))
                .header("Authorization", "Bearer " + node.token(room, "Debug", Role.MODERATOR)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
