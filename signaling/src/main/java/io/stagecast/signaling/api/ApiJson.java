package io.stagecast.signaling.api;

import io.stagecast.signaling.cluster.RoomOrigin;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.stagecast.signaling.ws.StageJson;

import java.nio.charset.StandardCharsets;

/**
 * JSON in and out of the REST API. Request bodies are read strictly, as the WebSocket reads its
 * messages: an unknown field, a duplicate key, text after the object, a string where a number or
 * boolean belongs (no coercion) or a body over {@link #MAX_BODY_BYTES} is {@code bad_request}.
 * Responses use the stage's wire form ({@link StageJson}), so a participant or a question looks
 * the same here and on the WebSocket.
 */
final class ApiJson {
    /** Bodies are small settings objects; a few KiB is plenty, and a cap keeps parsing cheap. */
    static final int MAX_BODY_BYTES = 16 * 1024;

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private ApiJson() {
    }

    /** The request's body as {@code type}; no body at all reads as {@code {}}. */
    static <T> T read(FullHttpRequest request, Class<T> type) throws ApiError {
        int size = request.content().readableBytes();
        if (size > MAX_BODY_BYTES) {
            throw new ApiError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "bad_request",
                    "the body is " + size + " bytes; at most " + MAX_BODY_BYTES);
        }
        String text = size == 0 ? "{}" : request.content().toString(StandardCharsets.UTF_8);
        if (size > 0) {
            String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
            if (!contentType.toLowerCase().startsWith("application/json")) {
                throw new ApiError(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "bad_request",
                        "the body must be application/json");
            }
        }
        if (!text.stripLeading().startsWith("{")) {
            throw ApiError.badRequest("the body must be a JSON object");
        }
        try {
            return STRICT.readValue(text, type);
        } catch (UnrecognizedPropertyException e) {
            throw ApiError.badRequest("unknown field '" + e.getPropertyName() + "'; known: " + e.getKnownPropertyIds());
        } catch (MismatchedInputException e) {
            String field = e.getPath().isEmpty() ? null : e.getPath().get(e.getPath().size() - 1).getFieldName();
            throw ApiError.badRequest(field != null ? "field '" + field + "' has the wrong type" : "malformed JSON body");
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("malformed JSON: " + e.getOriginalMessage());
        }
    }

    static ObjectNode object() {
        return StageJson.MAPPER.createObjectNode();
    }

    static FullHttpResponse ok(HttpResponseStatus status, ObjectNode body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body.toString(), StandardCharsets.UTF_8));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return r;
    }

    static FullHttpResponse noContent() {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return r;
    }

    /**
     * Cluster mode: {@code 307 wrong_node}, the same request to be sent to {@code origin} (a 307
     * keeps the method and body), {@code Location} the same path and query there.
     */
    static FullHttpResponse wrongNode(RoomOrigin origin, String pathAndQuery,
                                      String message) {
        FullHttpResponse r = error(new ApiError(HttpResponseStatus.TEMPORARY_REDIRECT, "wrong_node", message));
        r.headers().set(HttpHeaderNames.LOCATION, origin.locationOf(pathAndQuery));
        return r;
    }

    static FullHttpResponse error(ApiError e) {
        ObjectNode body = object();
        ObjectNode error = body.putObject("error");
        error.put("code", e.code);
        error.put("message", e.getMessage());
        return ok(e.status, body);
    }
}
