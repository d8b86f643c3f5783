package io.stagecast.signaling.api;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.testutil.LoopbackServer;
import io.stagecast.signaling.room.Room;
import io.stagecast.signaling.token.ApiGrants;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * Fuzz target: a REST API request ({@link ApiRoutes#handle}) against a live node in this JVM: a
 * method, a path (one of the API's, or the input's own), a bearer token (an all-rooms API token,
 * none, or the input's bytes) and a body (the rest of the input, sent as JSON). The API answers
 * every request with a status and a JSON error or result; a 500 is a bug (the handler caught an
 * exception it should not have met), as is any exception out of {@code handle}. The node lives
 * across inputs; its rooms are removed every 256 inputs, so state sequences are fuzzed too and
 * the rooms fuzzed into being do not pile up.
 */
public final class ApiRequestFuzzTarget {
    private static final HttpMethod[] METHODS = {HttpMethod.GET, HttpMethod.POST, HttpMethod.PATCH, HttpMethod.DELETE};
    private static final String[] PATHS = {
            "/api/v1/rooms", "/api/v1/rooms/fuzz", "/api/v1/rooms/fuzz/participants", "/api/v1/rooms/fuzz/questions",
            "/api/v1/rooms/fuzz/tokens", "/api/v1/rooms/fuzz/end", "/api/v1/rooms/fuzz/session/start",
            "/api/v1/rooms/fuzz/session/end", "/api/v1/rooms/fuzz/participants/p1", "/api/v1/rooms/fuzz/participants/mod",
            "/api/v1/rooms/", "/api/v1/rooms/fu%2Fzz", "/api/v1/rooms/fuzz/participants/p1/x"};
    private static StagecastServer server;
    private static ApiRoutes api;
    private static String token;
    private static int inputs;

    private ApiRequestFuzzTarget() {
    }

    public static void fuzzerInitialize() throws Exception {
        server = LoopbackServer.start(Map.of("STAGECAST_MEDIA_TCP_PORT", "off"));
        api = new ApiRoutes(server.rooms(), server.apiTokens(), server.tokens(), server::baseUrl);
        token = server.apiTokens().mint(ApiGrants.all(), Duration.ofMinutes(10));
    }

    public static void fuzzerTestOneInput(byte[] data) {
        if (data.length < 2) {
            return;
        }
        if (inputs++ % 256 == 0) {
            for (Room room : server.rooms().all()) {
                server.rooms().remove(room.name(), "fuzz");
            }
            if (inputs % 4096 == 1) {
                token = server.apiTokens().mint(ApiGrants.all(), Duration.ofMinutes(10)); // fresh before it expires
            }
        }
        HttpMethod method = METHODS[data[0] & 3];
        int auth = (data[0] >> 2) & 3;
        byte[] rest = Arrays.copyOfRange(data, 2, data.length);
        String path;
        int choice = data[1] & 0xFF;
        if (choice < PATHS.length * 16) {
            path = PATHS[choice % PATHS.length];
        } else {
            // The input's own path: up to its first newline.
            int nl = indexOf(rest, (byte) '\n');
            path = "/api/v1/rooms/" + new String(rest, 0, nl, StandardCharsets.UTF_8);
            rest = Arrays.copyOfRange(rest, Math.min(rest.length, nl + 1), rest.length);
        }
        FullHttpRequest request;
        try {
            request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, path, Unpooled.wrappedBuffer(rest));
        } catch (IllegalArgumentException e) {
            return; // Netty refuses such a request line before any route sees it
        }
        request.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        if (auth == 0 || auth == 1) {
            request.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
        } else if (auth == 2) {
            try {
                request.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + new String(rest, StandardCharsets.ISO_8859_1));
            } catch (IllegalArgumentException e) {
                request.release();
                return; // a header value the HTTP decoder refuses (control characters) never reaches a route
            }
        }
        FullHttpResponse response = api.handle(request);
        try {
            if (response.status().code() == 500) {
                throw new IllegalStateException("500 for " + method + " " + path + ": "
                        + response.content().toString(StandardCharsets.UTF_8));
            }
        } finally {
            response.release();
            request.release();
        }
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return bytes.length;
    }
}
