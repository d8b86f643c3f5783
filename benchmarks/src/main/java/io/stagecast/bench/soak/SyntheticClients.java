package io.stagecast.bench.soak;

import io.stagecast.bench.NodeTarget;
import io.stagecast.bench.ReceiveLoops;
import io.stagecast.bench.SyntheticPublisher;
import io.stagecast.bench.SyntheticViewer;
import io.stagecast.bench.VideoPacing;
import io.stagecast.sfu.client.SyntheticPeer;
import io.stagecast.sfu.dtls.DtlsCertificate;
import org.HdrHistogram.Recorder;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The load generator's synthetic publisher and viewer ({@link SyntheticPublisher},
 * {@link SyntheticViewer}: real ICE, DTLS and SRTP, joined over the node's WebSocket signaling),
 * set up with the load generator's defaults for the soak runs of this package.
 *
 * <p>One instance shares one HTTP client (its WebSockets), one DTLS key pair (generating one per
 * peer made joins take seconds) and the receive loops that read every viewer's socket.
 */
final class SyntheticClients implements AutoCloseable {
    // The load generator's defaults: 1.5 Mbit/s VP8-like video at 30 fps, 32 kbit/s audio,
    // 1,100-byte payloads, a key frame every 3 s and Chromium's pacing factor.
    private static final int VIDEO_BITRATE = 1_500_000;
    private static final int FPS = 30;
    private static final int AUDIO_BITRATE = 32_000;
    private static final int MAX_PAYLOAD = 1_100;
    private static final long KEYFRAME_INTERVAL_NANOS = Duration.ofSeconds(3).toNanos();
    private static final double PACING_FACTOR = 2.5;
    /** recvmmsg batch per viewer socket, as the load generator's default. */
    private static final int DATAGRAMS_PER_READ = 8;
    /** One in this many packets per stream is authenticated (SRTP); all are counted. */
    private static final int AUTH_SAMPLE = 16;

    private final URI url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final DtlsCertificate certificate = DtlsCertificate.generate();
    private final Recorder latency = new Recorder(3);
    private final Recorder frameLatency = new Recorder(3);
    private final NodeTarget node;
    private final VideoPacing pacing;
    private final ReceiveLoops receiveLoops;

    /** @param url the node's HTTP base URL, on this machine's loopback (the load generator refuses others) */
    SyntheticClients(URI url, int receiveThreads) {
        this.url = url;
        this.node = NodeTarget.of(url, false);
        this.pacing = new VideoPacing(VIDEO_BITRATE, FPS, AUDIO_BITRATE, MAX_PAYLOAD, KEYFRAME_INTERVAL_NANOS,
                PACING_FACTOR);
        this.receiveLoops = new ReceiveLoops(receiveThreads, DATAGRAMS_PER_READ, node.bindAddress());
    }

    /** A publisher of one video and one audio track, not yet joined. */
    Publisher newPublisher(int index) {
        return new Publisher(new SyntheticPublisher(index, pacing, certificate, node));
    }

    /** A viewer, not yet joined; its socket is open (and read by the shared loops) until {@link Viewer#close}. */
    Viewer newViewer() {
        try {
            return new Viewer(new SyntheticViewer(latency, frameLatency, receiveLoops, certificate, AUTH_SAMPLE, node));
        } catch (InterruptedException e) {
            // Opening its socket on a receive loop waits for that loop; the churn stops on interruption anyway.
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while opening a viewer's socket", e);
        }
    }

    @Override
    public void close() {
        receiveLoops.close();
    }

    /** A synthetic publisher: joins as a moderator, starts the session, goes on stage and streams. */
    final class Publisher implements AutoCloseable {
        private final SyntheticPublisher publisher;

        private Publisher(SyntheticPublisher publisher) {
            this.publisher = publisher;
        }

        /** Completes once media can flow (ICE, DTLS, SRTP up); the sender thread then runs until {@link #close}. */
        CompletableFuture<Void> start(String room, String token) {
            return publisher.start(http, url, room, token);
        }

        long packetsSent() {
            return publisher.packetsSent();
        }

        /** Its peer: NACKs and keyframe requests the node sent it, its local UDP address. */
        SyntheticPeer peer() {
            return publisher.peer();
        }

        @Override
        public void close() {
            publisher.close();
        }
    }

    /** A synthetic viewer: joins as an attendee, answers the stage offers, counts what arrives. */
    final class Viewer implements AutoCloseable {
        private final SyntheticViewer viewer;

        private Viewer(SyntheticViewer viewer) {
            this.viewer = viewer;
        }

        /** Completes when its peer is connected; media may come a moment later ({@link #joinNanos}). */
        CompletableFuture<Void> start(String room, String token) {
            return viewer.start(http, url, room, token);
        }

        /** From the start of the join to its first media packet, -1 while none came. */
        long joinNanos() {
            return viewer.joinNanos();
        }

        /** RTP packets received from the node, authenticated or not. */
        long received() {
            return viewer.counters.received();
        }

        /** RTP packets the sequence numbers say were sent to it (loss = expected - received). */
        long expected() {
            return viewer.counters.expected();
        }

        long authFailures() {
            return viewer.authFailures();
        }

        /** Closes its peer (DTLS close_notify) and its WebSocket: a disconnect, not a {@code room.leave}. */
        @Override
        public void close() {
            viewer.close();
        }
    }
}
