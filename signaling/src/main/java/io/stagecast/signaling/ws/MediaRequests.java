package io.stagecast.signaling.ws;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecast.signaling.SignalingException;
import io.stagecast.signaling.room.Viewport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The selective-forwarding requests of the WebSocket protocol (docs/protocol.md, "Selective
 * forwarding"), read and checked before the room sees them: a malformed one is refused as a
 * whole with {@code bad_request} and changes nothing.
 */
final class MediaRequests {
    /** {@code media.viewport} per connection and window: a client debounces to ~3/s; more is a bug or abuse. */
    static final int VIEWPORT_BURST = 10;
    static final Duration VIEWPORT_WINDOW = Duration.ofSeconds(1);
    /** Longest track id accepted ("camera-" and a producer id are ~45 characters). */
    static final int MAX_TRACK_ID_LENGTH = 128;

    private MediaRequests() {
    }

    /** The {@code tracks} of a {@code media.viewport} request. */
    /** One connection's budget of {@code media.viewport} requests (its own, at the origin or at an edge). */
    static io.stagecast.signaling.stage.RateWindow viewportRate() {
        return new io.stagecast.signaling.stage.RateWindow(VIEWPORT_BURST, VIEWPORT_WINDOW.toNanos());
    }

    /** Takes one request from {@code rate}, or refuses it with {@code rate_limited}. */
    static void requireViewportBudget(io.stagecast.signaling.stage.RateWindow rate) throws SignalingException {
        long now = System.nanoTime();
        if (!rate.allows(now)) {
            throw new SignalingException(SignalingException.Code.RATE_LIMITED, "at most " + VIEWPORT_BURST
                    + " media.viewport requests per second");
        }
        rate.record(now);
    }

    static List<Viewport> viewports(JsonNode request) throws SignalingException {
        JsonNode tracks = request.get("tracks");
        if (tracks == null || !tracks.isArray()) {
            throw SignalingException.badRequest("'tracks' (a list of {trackId, visible, width, height}) is required");
        }
        if (tracks.size() > Viewport.MAX_ENTRIES) {
            throw SignalingException.badRequest("at most " + Viewport.MAX_ENTRIES + " tracks per media.viewport, got "
                    + tracks.size());
        }
        List<Viewport> views = new ArrayList<>(tracks.size());
        for (JsonNode entry : tracks) {
            if (!entry.isObject()) {
                throw SignalingException.badRequest("each of 'tracks' is an object {trackId, visible, width, height}");
            }
            JsonNode trackId = entry.get("trackId");
            if (trackId == null || !trackId.isTextual() || trackId.asText().isEmpty()
                    || trackId.asText().length() > MAX_TRACK_ID_LENGTH) {
                throw SignalingException.badRequest("'trackId' (a string of 1.." + MAX_TRACK_ID_LENGTH
                        + " characters) is required in each of 'tracks'");
            }
            JsonNode visible = entry.get("visible");
            if (visible == null || !visible.isBoolean()) {
                throw SignalingException.badRequest("'visible' (true or false) is required in each of 'tracks'");
            }
            views.add(new Viewport(trackId.asText(), visible.asBoolean(), side(entry, "width"), side(entry, "height")));
        }
        return views;
    }

    private static int side(JsonNode entry, String field) throws SignalingException {
        JsonNode value = entry.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToInt()
                || value.asInt() < 0 || value.asInt() > Viewport.MAX_SIDE) {
            throw SignalingException.badRequest("'" + field + "' (device pixels, a whole number 0.." + Viewport.MAX_SIDE
                    + ") is required in each of 'tracks'");
        }
        return value.asInt();
    }
}
