package io.stagecast.signaling.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.List;
import java.util.Objects;

/**
 * One node as it registers itself in Redis: the JSON value of {@code stagecast:node:<id>}.
 *
 * @param id             {@code cluster.node-id}
 * @param url            {@code cluster.advertised-url}: where clients and other nodes reach its HTTP port
 * @param mediaAddresses its media candidates' {@code address:port} (each announced address with each
 *                       media loop's UDP port)
 * @param load           its load at {@code at}
 * @param at             when it wrote this, milliseconds since the epoch by its own clock
 */
public record NodeInfo(String id, String url, List<String> mediaAddresses, NodeLoad load, long at) {

    /** Unknown fields are skipped: a node of a newer version may publish more. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public NodeInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(load, "load");
        mediaAddresses = List.copyOf(mediaAddresses);
    }

    String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @throws IllegalArgumentException when the value is not a node's JSON */
    static NodeInfo fromJson(String json) {
        try {
            return JSON.readValue(json, NodeInfo.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a node registration: " + e.getMessage(), e);
        }
    }
}
