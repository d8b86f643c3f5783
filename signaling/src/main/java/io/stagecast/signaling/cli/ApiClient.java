package io.stagecast.signaling.cli;

import io.stagecast.signaling.token.ApiGrants;
import io.stagecast.signaling.token.ApiTokens;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * Calls of the REST API ({@code /api/v1}, docs/api.md) from the command line: every request carries
 * a fresh API token with only the grant that call needs, valid for {@link #TOKEN_TTL}.
 */
final class ApiClient {

    /** Long enough for a slow network, far below {@link ApiTokens#MAX_LIFETIME}. */
    static final Duration TOKEN_TTL = Duration.ofMinutes(2);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    /** What the node answered. */
    record Answer(int status, String body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /** The node could not be reached or did not answer in time. */
    static final class Unreachable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final String baseUrl;
    private final ApiTokens tokens;
    private final HttpClient http;

    ApiClient(String baseUrl, ApiTokens tokens) {
        String base = Objects.requireNonNull(baseUrl, "baseUrl");
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        this.baseUrl = base;
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    }

    Answer post(String path, ApiGrants grants, String jsonBody) throws Unreachable, InterruptedException {
        return send(request(path, grants).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8)).build());
    }

    Answer get(String path, ApiGrants grants) throws Unreachable, InterruptedException {
        return send(request(path, grants).GET().build());
    }

    /** A room name as one path segment (RFC 3986 3.3: a space is %20 there, not '+'). */
    static String segment(String room) {
        return URLEncoder.encode(room, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private HttpRequest.Builder request(String path, ApiGrants grants) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json")
                .header("Authorization", "Bearer " + tokens.mint(grants, TOKEN_TTL));
    }

    private Answer send(HttpRequest request) throws Unreachable, InterruptedException {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(response.statusCode(), response.body());
        } catch (ConnectException e) {
            throw new Unreachable("cannot connect to " + baseUrl + " (is the node running? --url)", e);
        } catch (HttpTimeoutException e) {
            throw new Unreachable(baseUrl + " did not answer within " + REQUEST_TIMEOUT.toSeconds() + " s", e);
        } catch (IOException e) {
            throw new Unreachable("request to " + baseUrl + " failed: " + e, e);
        }
    }
}
