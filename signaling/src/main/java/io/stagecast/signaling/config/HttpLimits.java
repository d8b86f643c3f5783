package io.stagecast.signaling.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the signaling port allows one client, one token, one room and the whole node: the limits
 * that keep slow or greedy clients from holding its sockets and media resources. Every value is
 * described in docs/configuration.md.
 *
 * @param requestTimeout        {@code http.request-timeout-seconds}: a request (line, headers and body)
 *                              must arrive within this time of its first byte, or of the connection's opening
 * @param idleTimeout           {@code http.idle-timeout-seconds}: a kept-alive connection with no request
 *                              for this long is closed
 * @param maxConnections        {@code http.max-connections}: open TCP connections (HTTP and WebSocket) at
 *                              once; more are closed as they are accepted
 * @param webSocketPingInterval {@code ws.ping-interval-seconds}: a WebSocket that sent nothing for this long
 *                              gets a ping; one silent for twice this long is closed
 * @param corsAllowedOrigins    {@code http.cors-allowed-origins}: origins whose scripts may use WHIP/WHEP
 *                              (RFC 9725 browser clients); {@code *} for any; empty for none
 * @param mediaPerToken         {@code whip-whep.max-per-token}: live WHIP/WHEP resources of one token identity
 * @param mediaPerRoom          {@code whip-whep.max-per-room}: live WHIP/WHEP resources of one room
 * @param mediaPerNode          {@code whip-whep.max-per-node}: live WHIP/WHEP resources on this node
 */
public record HttpLimits(Duration requestTimeout, Duration idleTimeout, int maxConnections,
                         Duration webSocketPingInterval, List<String> corsAllowedOrigins,
                         int mediaPerToken, int mediaPerRoom, int mediaPerNode) {

    public static final HttpLimits DEFAULTS = new HttpLimits(Duration.ofSeconds(10), Duration.ofSeconds(60), 10_000,
            Duration.ofSeconds(30), List.of(), 10, 1_000, 2_000);

    public HttpLimits {
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(webSocketPingInterval, "webSocketPingInterval");
        corsAllowedOrigins = List.copyOf(corsAllowedOrigins);
        if (maxConnections < 1 || mediaPerToken < 1 || mediaPerRoom < 1 || mediaPerNode < 1) {
            throw new IllegalArgumentException("connection and WHIP/WHEP caps must be at least 1");
        }
    }

    public HttpLimits withMaxConnections(int max) {
        return new HttpLimits(requestTimeout, idleTimeout, max, webSocketPingInterval, corsAllowedOrigins,
                mediaPerToken, mediaPerRoom, mediaPerNode);
    }
}
