package io.stagecast.signaling.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagecast.signaling.token.ApiGrants;
import io.stagecast.signaling.token.ApiTokens;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * REST API calls over real HTTP for tests: each names its documented path template, and every
 * answer is checked against docs/openapi.yaml ({@link OpenApiContract}) before the test sees it.
 */
final class ApiCalls {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Answer(int status, JsonNode body, HttpResponse<String> raw) {
        String code() {
            return body == null ? null : body.path("error").path("code").asText(null);
        }
    }

    private final String baseUrl;
    private final ApiTokens tokens;
    private final OpenApiContract contract;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    ApiCalls(String baseUrl, ApiTokens tokens, OpenApiContract contract) {
        this.baseUrl = baseUrl;
        this.tokens = tokens;
        this.contract = contract;
    }

    /** A call with a token of all grants. */
    Answer call(String method, String template, Map<String, String> params, String body) throws Exception {
        return call(method, template, params, body, "Bearer " + tokens.mint(ApiGrants.all(), Duration.ofMinutes(2)));
    }

    /** A call with the given Authorization header (null: none). */
    Answer call(String method, String template, Map<String, String> params, String body, String authorization)
            throws Exception {
        return call(method, template, params, body, authorization, "application/json");
    }

    Answer call(String method, String template, Map<String, String> params, String body, String authorization,
                String contentType) throws Exception {
        String path = template;
        for (Map.Entry<String, String> p : params.entrySet()) {
            path = path.replace("{" + p.getKey() + "}",
                    URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8).replace("+", "%20"));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + ApiRoutes.PREFIX + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null && contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        if (!response.body().isEmpty()) {
            if (!response.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
                throw new AssertionError(method + " " + path + " answered " + response.statusCode() + " without JSON: "
                        + response.body());
            }
            json = JSON.readTree(response.body());
        }
        if (contract != null) {
            contract.check(method, template, response.statusCode(), json);
        }
        return new Answer(response.statusCode(), json, response);
    }

    Answer call(String method, String template, Map<String, String> params) throws Exception {
        return call(method, template, params, null);
    }

    /** A call of a path docs/openapi.yaml does not document (unknown paths, wrong methods): not checked. */
    Answer unchecked(String method, String path, String body) throws Exception {
        return new ApiCalls(baseUrl, tokens, null).call(method, path, Map.of(), body);
    }
}
