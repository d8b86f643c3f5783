package io.stagecast.signaling.ws;

import java.time.Duration;

/**
 * Bounds of one WebSocket connection.
 *
 * @param outboundQueueBytes messages waiting for a client that does not read, at most this many
 *                           bytes ({@code ws.outbound-queue-kib}); more closes the connection with 1008
 * @param closeGrace         a closing connection whose client takes nothing, not even the Close
 *                           frame, is cut after this long
 * @param publishBurst       {@code publish}/{@code unpublish} per {@code publishWindow}: each one
 *                           renegotiates the stage with every viewer of the room
 */
public record WebSocketLimits(long outboundQueueBytes, Duration closeGrace, int publishBurst, Duration publishWindow) {
    public static final long DEFAULT_OUTBOUND_QUEUE_BYTES = 4L * 1024 * 1024;
    public static final WebSocketLimits DEFAULTS = new WebSocketLimits(DEFAULT_OUTBOUND_QUEUE_BYTES,
            Duration.ofSeconds(10), 10, Duration.ofSeconds(10));

    public WebSocketLimits withOutboundQueueBytes(long bytes) {
        return new WebSocketLimits(bytes, closeGrace, publishBurst, publishWindow);
    }
}
