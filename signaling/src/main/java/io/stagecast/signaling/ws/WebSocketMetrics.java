package io.stagecast.signaling.ws;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stagecast.signaling.SignalingException;

import java.util.EnumMap;
import java.util.Map;

/**
 * What the WebSocket front refuses and cuts, for /metrics (docs/operations.md):
 * {@code stagecast_websocket_closed_total{reason}} for connections the server closed because of
 * the client, {@code stagecast_websocket_refused_total{code}} for refused requests.
 */
public final class WebSocketMetrics {
    /** Why the server closed a connection on its own. */
    enum CloseReason {
        /** The client did not read: its outbound queue reached the cap (1008). */
        SLOW_READER("slow_reader"),
        /** A message over the size limit, in one frame or in fragments (1009). */
        TOO_BIG("too_big"),
        /** A frame that breaks RFC 6455 (1002) or text that is not UTF-8 (1007). */
        PROTOCOL_ERROR("protocol_error");

        final String tag;

        CloseReason(String tag) {
            this.tag = tag;
        }
    }

    private final Map<CloseReason, Counter> closed = new EnumMap<>(CloseReason.class);
    private final Map<SignalingException.Code, Counter> refused = new EnumMap<>(SignalingException.Code.class);

    public WebSocketMetrics(MeterRegistry registry) {
        for (CloseReason reason : CloseReason.values()) {
            closed.put(reason, Counter.builder("stagecast.websocket.closed")
                    .description("WebSocket connections the server closed because of the client")
                    .tag("reason", reason.tag).register(registry));
        }
        for (SignalingException.Code code : SignalingException.Code.values()) {
            refused.put(code, Counter.builder("stagecast.websocket.refused")
                    .description("WebSocket requests refused, by error code")
                    .tag("code", code.wire).register(registry));
        }
    }

    /** Counts nothing anyone reads (tests that build sessions by hand). */
    public static WebSocketMetrics unregistered() {
        return new WebSocketMetrics(new SimpleMeterRegistry());
    }

    void closed(CloseReason reason) {
        closed.get(reason).increment();
    }

    void refused(SignalingException.Code code) {
        refused.get(code).increment();
    }
}
