package io.stagecast.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecast.sfu.client.SyntheticPeer;
import io.stagecast.sfu.dtls.DtlsCertificate;
import io.stagecast.sfu.dtls.DtlsRole;
import org.HdrHistogram.Recorder;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A participant that only watches: joins, answers the stage offers, counts what it receives. */
public final class SyntheticViewer implements AutoCloseable {
    /** Browsers check consent every 4-6 s against a 30 s timeout (RFC 7675 5.1); 2 s leaves margin on a busy core. */
    private static final Duration CONSENT_INTERVAL = Duration.ofSeconds(2);
    private final SubscriberLeg leg;
    public final ViewerCounters counters;
    private volatile SignalingConnection signaling;
    private volatile long startNanos;

    /**
     * @param frameLatencyMicros the latency of the sampled packets that end a frame (marker)
     * @param loops      where the viewer's socket is read
     * @param authSample one in this many packets per stream is authenticated (SRTP), all are counted
     * @param node       the node, and which of its media addresses the viewer may connect to
     */
    public SyntheticViewer(Recorder latencyMicros, Recorder frameLatencyMicros, ReceiveLoops loops, DtlsCertificate certificate,
                    int authSample, NodeTarget node) throws InterruptedException {
        counters = new ViewerCounters(latencyMicros, frameLatencyMicros);
        ViewerReceiver receiver = new ViewerReceiver(counters, authSample);
        SyntheticPeer peer = new SyntheticPeer(DtlsRole.CLIENT, certificate, loops.open(receiver), CONSENT_INTERVAL);
        peer.setRtpListener(counters);
        receiver.attach(peer);
        leg = new SubscriberLeg(peer, node, receiver::expectNode);
    }

    /** Joins (the clock of the join time starts here); completes when the peer is connected. */
    public CompletableFuture<Void> start(HttpClient http, URI url, String room, String token) {
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
    public long joinNanos() {
        long first = counters.firstPacketNanos();
        return first == 0 ? -1 : first - startNanos;
    }

    long authenticated() {
        return counters.authenticated();
    }

    public long authFailures() {
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
