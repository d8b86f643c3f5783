package io.stagecast.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.HdrHistogram.Recorder;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A participant that only watches: joins, answers the stage offers, counts what it receives. */
final class SyntheticViewer implements AutoCloseable {
    private final SubscriberLeg leg = new SubscriberLeg();
    final ViewerCounters counters;
    private volatile SignalingConnection signaling;
    private volatile long startNanos;

    SyntheticViewer(Recorder latencyMicros) {
        counters = new ViewerCounters(latencyMicros);
        leg.peer.setRtpListener(counters);
    }

    /** Joins (the clock of the join time starts here); completes when the peer is connected. */
    CompletableFuture<Void> start(HttpClient http, URI url, String room, String token) {
        startNanos = System.nanoTime();
        return SignalingConnection.open(http, url, this::onEvent)
                .thenCompose(connection -> {
                    signaling = connection;
                    return connection.request("join", Map.of("room", room, "token", token));
                })
                .thenCompose(joined -> leg.connected);
    }

    private void onEvent(JsonNode event) {
        if ("subscriberOffer".equals(event.path("event").asText())) {
            leg.onOffer(signaling, event);
        }
    }

    /** Signaling start to first media packet, or -1 while none arrived. */
    long joinNanos() {
        long first = counters.firstPacketNanos();
        return first == 0 ? -1 : first - startNanos;
    }

    long authFailures() {
        return leg.peer.authFailures();
    }

    @Override
    public void close() {
        leg.close();
        if (signaling != null) {
            signaling.close();
        }
    }
}
