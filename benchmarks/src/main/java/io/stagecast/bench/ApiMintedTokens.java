package io.stagecast.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecast.signaling.token.ApiGrants;
import io.stagecast.signaling.token.ApiKeys;
import io.stagecast.signaling.token.ApiTokens;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Join tokens minted by the node itself through its REST API (docs/api.md, "Tokens and invitation
 * links"), authenticated with an API token that this class signs with the operator's API key: the
 * node's own secret never leaves it. Each call carries a fresh API token granting only
 * {@code roomAdmin} of the load room, valid {@link #API_TOKEN_TTL} (the node accepts at most
 * {@link ApiTokens#MAX_LIFETIME}), so a run of any length never holds an expired one.
 *
 * <p>Publishers are moderators (they go on stage and start the session); viewers are view-only
 * attendees. No participant id is asked for: the node gives each join a fresh one.
 */
final class ApiMintedTokens implements JoinCredentials {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration API_TOKEN_TTL = Duration.ofMinutes(2);
    /** The join itself happens within --join-timeout; the hour is the node's rejoin token's bound too. */
    private static final long JOIN_TOKEN_TTL_SECONDS = Duration.ofHours(1).toSeconds();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    private final HttpClient http;
    private final URI endpoint;
    private final String room;
    private final String keyId;
    private final ApiTokens apiTokens;

    ApiMintedTokens(HttpClient http, NodeTarget node, String room, ApiKeys key) {
        this.http = http;
        this.room = room;
        this.keyId = key.signingKey().id();
        this.apiTokens = new ApiTokens(key, Clock.systemUTC());
        // RFC 3986 3.3: a space in a path segment is %20, not URLEncoder's '+'.
        this.endpoint = node.endpoint("/api/v1/rooms/"
                + URLEncoder.encode(room, StandardCharsets.UTF_8).replace("+", "%20") + "/tokens");
    }

    @Override
    public String room() {
        return room;
    }

    @Override
    public CompletableFuture<String> publisherToken(int index) {
        return mint("moderator", "publisher-" + index, false);
    }

    @Override
    public CompletableFuture<String> viewerToken(int index) {
        return mint("attendee", "viewer-" + index, true);
    }

    private CompletableFuture<String> mint(String role, String name, boolean viewOnly) {
        ObjectNode body = JSON.createObjectNode()
                .put("role", role)
                .put("name", name)
                .put("viewOnly", viewOnly)
                .put("ttlSeconds", JOIN_TOKEN_TTL_SECONDS);
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("Authorization", "Bearer " + apiTokens.mint(ApiGrants.adminOf(room), API_TOKEN_TTL))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .thenApply(this::token);
    }

    private String token(HttpResponse<String> response) {
        if (response.statusCode() != 201) {
            throw new IllegalStateException("the node refused to mint a join token with API key '" + keyId + "': HTTP "
                    + response.statusCode() + " " + response.body().strip());
        }
        try {
            JsonNode answer = JSON.readTree(response.body());
            String token = answer.path("token").asText("");
            if (token.isEmpty()) {
                throw new IllegalStateException("the node's token answer has no token: " + response.body());
            }
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("the node's token answer is not JSON", e);
        }
    }

    @Override
    public String describe() {
        return "join tokens minted by " + endpoint + " with API key '" + keyId + "'";
    }
}
