package io.stagecast.sfu.router;

import io.stagecast.sfu.metrics.KeyframeReason;
import io.stagecast.sfu.bwe.TrackPriority;
import io.stagecast.sfu.metrics.DropReason;
import io.stagecast.sfu.rtp.RtpExtensionUris;
import io.stagecast.sfu.rtp.RtpPacket;
import io.stagecast.sfu.rtp.VideoCodec;
import io.stagecast.sfu.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A track someone publishes, and the fan-out of its packets to every {@link Consumer}.
 * Event-loop owned; signaling's calls hop onto the loop.
 */
public final class Producer {
    private static final Logger log = LoggerFactory.getLogger(Producer.class);
    private static final Consumer[] NO_CONSUMERS = new Consumer[0];
    /** A simulcast layer counts as flowing when it sent within this window. */
    private static final long LAYER_ACTIVE_NANOS = 1_500_000_000L;
    private static final long LAYER_SELECTION_INTERVAL_NANOS = 500_000_000L;

    private final String id;
    private final Router router;
    private final Transport transport;
    private final ProducerSpec spec;
    private final ProducerStream[] streams;
    /** The publisher transport's side of the router; set when attached. */
    private PublisherLink publisher;
    private final byte[] midBytes;
    private final int midId;
    private final int ridId;
    private final int audioLevelId;
    private final VideoCodec videoCodec;
    private final boolean negotiatedNack;
    /** Copy-on-write: the loop iterates it per packet; changes (rare) replace the array. */
    private Consumer[] consumers = NO_CONSUMERS;
    private boolean muted;
    private TrackPriority priority = TrackPriority.NORMAL;
    private boolean closed;
    private int bestLayer;
    /** Stream indexes ordered low to high by what they carry (refreshed with the bitrates). */
    private final int[] layerOrder;
    /** Layers some viewer needs (pausing at the source), and when each was last needed. */
    private final boolean[] layerNeeded;
    private final long[] layerNeededNanos;
    /** This audio track's id in the router's dominant speaker detector, -1 for video. */
    int speakerId = -1;
    private long lastLayerSelectionNanos;
    private long lastRatingNanos;

    Producer(String id, Router router, Transport transport, ProducerSpec spec) {
        this.id = id;
        this.router = router;
        this.transport = transport;
        this.spec = spec;
        this.midBytes = spec.mid() == null ? new byte[0] : spec.mid().getBytes(StandardCharsets.US_ASCII);
        this.midId = spec.extensionId(RtpExtensionUris.MID);
        this.ridId = spec.extensionId(RtpExtensionUris.RID);
        this.audioLevelId = spec.extensionId(RtpExtensionUris.AUDIO_LEVEL);
        this.videoCodec = spec.codec().videoCodec();
        this.negotiatedNack = spec.codec().rtcpFeedback().contains("nack");
        this.streams = new ProducerStream[spec.streams().size()];
        for (int i = 0; i < streams.length; i++) {
            streams[i] = new ProducerStream(this, i, spec.streams().get(i));
        }
        this.bestLayer = streams.length - 1;
        this.layerOrder = new int[streams.length];
        for (int i = 0; i < layerOrder.length; i++) {
            layerOrder[i] = i;
        }
        this.layerNeeded = new boolean[streams.length];
        this.layerNeededNanos = new long[streams.length];
        java.util.Arrays.fill(layerNeeded, true); // the publisher starts with every layer on
        java.util.Arrays.fill(layerNeededNanos, System.nanoTime());
    }

    public String id() {
        return id;
    }

    public MediaKind kind() {
        return spec.kind();
    }

    public ProducerSpec spec() {
        return spec;
    }

    public Transport transport() {
        return transport;
    }

    /** Stops or resumes forwarding (a forced mute is enforced here, not only by the client). */
    public void setMuted(boolean mute) {
        transport.execute(() -> {
            muted = mute;
            if (!mute) {
                requestKeyframesForConsumers(System.nanoTime(), KeyframeReason.UNMUTE);
            }
        });
    }

    /**
     * How viewers' budgets favour this track: a screen share is {@link TrackPriority#CONTENT}, the
     * spotlight {@link TrackPriority#SPOTLIGHT} (the dominant speaker is found by the router itself).
     * CONTRACT STUB (issue 9): stored, not yet used.
     */
    public void setPriority(TrackPriority value) {
        transport.execute(() -> {
            priority = value == null ? TrackPriority.NORMAL : value;
            router.allocateAllSoon();
        });
    }

    TrackPriority priority() {
        return priority;
    }

    /** Closes on the loop; the next packet of this track is dropped and its consumers end. */
    public void close() {
        transport.execute(this::closeNow);
    }

    // ---- event loop ----

    void attach() {
        if (closed) {
            return;
        }
        publisher = router.linkOf(transport).publisher();
        publisher.add(this);
        router.onProducerAttached(this);
    }

    void closeNow() {
        if (closed) {
            return;
        }
        closed = true;
        if (publisher != null) {
            publisher.remove(this);
        }
        for (Consumer consumer : consumers) {
            consumer.closeNow();
        }
        consumers = NO_CONSUMERS;
        router.removeProducer(this);
        router.onProducerClosed(this);
    }

    boolean isClosed() {
        return closed;
    }

    void forward(ProducerStream stream, RtpPacket rtp, boolean keyframe, long nowNanos) {
        if (muted) {
            transport.metrics().drop(DropReason.MUTED);
            return;
        }
        Consumer[] targets = consumers;
        for (int i = 0; i < targets.length; i++) {
            targets[i].forward(stream, rtp, keyframe, nowNanos);
        }
    }

    void addConsumer(Consumer consumer) {
        Consumer[] next = Arrays.copyOf(consumers, consumers.length + 1);
        next[consumers.length] = consumer;
        consumers = next;
        // Every viewer starts on the lowest layer (always flowing: LayerDemand), whose keyframe is
        // the smallest and quickest to arrive; its allocation moves it up once it knows the
        // viewer's estimate and tile. Starting on the best layer sent a 320-px tile a 1280-px
        // keyframe before its first allocation (SelectiveForwardingEndToEndTest).
        int start = layerAt(0);
        consumer.setTargetLayer(start);
        requestKeyframe(start, System.nanoTime(), KeyframeReason.START);
    }

    void removeConsumer(Consumer consumer) {
        int n = consumers.length;
        for (int i = 0; i < n; i++) {
            if (consumers[i] == consumer) {
                Consumer[] next = new Consumer[n - 1];
                System.arraycopy(consumers, 0, next, 0, i);
                System.arraycopy(consumers, i + 1, next, i, n - i - 1);
                consumers = next;
                return;
            }
        }
    }

    /** A keyframe on every layer some consumer forwards or waits for. */
    void requestKeyframesForConsumers(long nowNanos, KeyframeReason reason) {
        for (Consumer consumer : consumers) {
            requestKeyframe(consumer.layers.current() >= 0 ? consumer.layers.current() : consumer.layers.target(),
                    nowNanos, reason);
        }
    }

    void requestKeyframe(int layer, long nowNanos, KeyframeReason reason) {
        if (layer >= 0 && layer < streams.length) {
            streams[layer].requestKeyframe(nowNanos, reason);
        }
    }

    PublisherLink publisher() {
        return publisher;
    }

    Router router() {
        return router;
    }

    int streamCount() {
        return streams.length;
    }

    ProducerStream stream(int layer) {
        return streams[layer];
    }

    /** Per-tick work: our RTCP towards the publisher and the choice of simulcast layer. */
    void tick(Transport publisherTransport, long nowNanos, boolean reportsDue) {
        for (ProducerStream stream : streams) {
            stream.tick(publisherTransport, nowNanos, reportsDue);
        }
        if (nowNanos - lastLayerSelectionNanos >= LAYER_SELECTION_INTERVAL_NANOS) {
            lastLayerSelectionNanos = nowNanos;
            selectLayer(nowNanos);
        }
    }

    /**
     * Rates the layers and ranks them by what they carry (keyframe size, then bitrate), not by
     * their place in a=simulcast: Chromium lists rids low to high, Firefox high to low. The best
     * flowing one is where a new consumer starts until its subscriber's allocation decides.
     */
    private void selectLayer(long nowNanos) {
        long elapsed = lastRatingNanos == 0 ? 0 : nowNanos - lastRatingNanos;
        lastRatingNanos = nowNanos;
        for (ProducerStream stream : streams) {
            stream.rate(elapsed);
        }
        rankLayers();
        int best = -1;
        for (int i = 0; i < streams.length; i++) {
            if (streams[i].isActive(nowNanos, LAYER_ACTIVE_NANOS) && (best < 0 || streams[i].carriesMoreThan(streams[best]))) {
                best = i;
            }
        }
        if (best < 0 || best == bestLayer
                || (streams[bestLayer].isActive(nowNanos, LAYER_ACTIVE_NANOS) && !streams[best].carriesMoreThan(streams[bestLayer]))) {
            return; // a tie keeps the current layer: no switch (and keyframe) for nothing
        }
        log.debug("producer {}: best layer {} (rid {}, {} px in its keyframes, {} kbit/s) instead of {}", id, best,
                streams[best].rid(), streams[best].keyframePixels(), streams[best].bitrateBps() / 1000, bestLayer);
        bestLayer = best;
    }

    /** Insertion sort of at most four layers: no allocation. */
    private void rankLayers() {
        for (int i = 1; i < layerOrder.length; i++) {
            int layer = layerOrder[i];
            int j = i - 1;
            while (j >= 0 && streams[layerOrder[j]].carriesMoreThan(streams[layer])) {
                layerOrder[j + 1] = layerOrder[j];
                j--;
            }
            layerOrder[j + 1] = layer;
        }
    }

    /** The stream index of the {@code rank}-th layer from the lowest. */
    int layerAt(int rank) {
        return layerOrder[rank];
    }

    /** The rank (0 = lowest) of stream index {@code layer}, -1 for -1. */
    int rankOf(int layer) {
        for (int i = 0; i < layerOrder.length; i++) {
            if (layerOrder[i] == layer) {
                return i;
            }
        }
        return -1;
    }

    Consumer[] consumers() {
        return consumers;
    }

    boolean[] layerNeeded() {
        return layerNeeded;
    }

    long[] layerNeededNanos() {
        return layerNeededNanos;
    }

    // ---- what streams and consumers read ----

    int midExtensionId() {
        return midId;
    }

    int ridExtensionId() {
        return ridId;
    }

    int audioLevelExtensionId() {
        return audioLevelId;
    }

    byte[] midBytes() {
        return midBytes;
    }

    VideoCodec videoCodec() {
        return videoCodec;
    }

    boolean negotiatedNack() {
        return negotiatedNack;
    }

    /** Last time this (audio) track carried voice, for "silent the longest" decisions. */
    public long lastVoiceNanos() {
        long last = 0;
        for (ProducerStream stream : streams) {
            last = Math.max(last, stream.lastVoiceNanos());
        }
        return last;
    }

    public int consumerCount() {
        return consumers.length;
    }
}
