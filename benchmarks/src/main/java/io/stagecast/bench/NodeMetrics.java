package io.stagecast.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Counters of the node's {@code GET /metrics} (Prometheus text). Optional figures: a node whose
 * /metrics is closed to the generator (a remote one behind a proxy) is still measured by its viewers.
 */
final class NodeMetrics {
    static final String FORWARDED = "stagecast_media_packets_forwarded_total";
    static final String GSO_SENDS = "stagecast_media_send_gso_sends_total";
    static final String GSO_SEGMENTS = "stagecast_media_send_gso_segments_total";

    private final HttpClient http;
    private final URI metrics;

    NodeMetrics(HttpClient http, NodeTarget node) {
        this.http = http;
        this.metrics = node.endpoint("/metrics");
    }

    /** The first sample of that name, NaN when unreadable. */
    double counter(String name) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return Double.NaN;
            }
            for (String line : response.body().split("\n")) {
                if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Unreadable: NaN, see the class comment.
        }
        return Double.NaN;
    }
}
