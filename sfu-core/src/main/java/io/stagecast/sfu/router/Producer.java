package io.stagecast.sfu.router;

import io.stagecast.sfu.metrics.KeyframeReason;
import io.stagecast.sfu.bwe.TrackPriority;
import io.stagecast.sfu.metrics.DropReason;
import io.stagecast.sfu.rtp.RtpExtensionUris;
import io.stagecast.sfu.rtp.RtpPacket;
import io.stagecast.sfu.rtp.VideoCodec;
import io.stagecast.sfu.transport.Transport;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A track someone publishes, and the fan-out of its packets to every {@link Consumer}.
 *
 * <p>Event-loop owned: the producer lives on its publisher transport's loop and signaling's calls
 * hop onto it. Its consumers on that loop get each packet directly; every other loop with
 * consumers of it has a {@link ProducerReplica} there, fed once per packet through a
 * {@link LoopRelay} (batched per read cycle), which forwards to that loop's consumers.
 */
public sealed class Producer permits ProducerReplica {
    private static final Consumer[] NO_CONSUMERS = new Consumer[0];

    private final String id;
    final Router router;
    private final Transport transport;
    private final ProducerSpec spec;
    final ProducerStream[] streams;
    /** The publisher transport's side of the router; set when attached. */
    private PublisherLink publisher;
    private final byte[] midBytes;
    private final int midId;
    private final int ridId;
    private final int audioLevelId;
    private final VideoCodec videoCodec;
    private final boolean negotiatedNack;
    /** Copy-on-write: the loop iterates it per packet; changes (rare) replace the array. */
    Consumer[] consumers = NO_CONSUMERS;
    /** The replicas on other loops and the relay to each (origin only); copy-on-write like consumers. */
    private ProducerReplica[] replicas = new ProducerReplica[0];
    private LoopRelay[] relays = new LoopRelay[0];
    /** The loop this instance lives on in its router; set when attached. */
    RouterShard shard;
    private boolean muted;
    /** Written by the origin's loop, read by every loop's allocation. */
    private volatile TrackPriority priority = TrackPriority.NORMAL;
    /** Written once on the instance's loop; read by consumers attaching on other loops. */
    volatile boolean closed;
    /** The layers ranked by what they carry (refreshed with the bitrates). */
    final LayerRanking ranking;
    /** Layers some viewer needs (pausing at the source), and when each was last needed. */
    private final boolean[] layerNeeded;
    private final long[] layerNeededNanos;
    /** This audio track's id in the router's dominant speaker detector, -1 for video (router's home loop only). */
    int speakerId = -1;
    /** Whether this instance's audio levels feed the router's speaker detector (it lives on the home loop). */
    private boolean feedsSpeakers;
    private static final long VOICE_PUSH_INTERVAL_NANOS = 200_000_000L;
    private long lastVoicePushNanos;
    private long lastVoicePushed;

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
        this.ranking = new LayerRanking(id, streams);
        this.layerNeeded = new boolean[streams.length];
        this.layerNeededNanos = new long[streams.length];
        java.util.Arrays.fill(layerNeeded, true); // the publisher starts with every layer on
        java.util.Arrays.fill(layerNeededNanos, System.nanoTime());
    }

    /** The origin this instance forwards for: itself, or the producer a replica copies. */
    Producer origin() {
        return this;
    }

    /** The loop of the publisher's transport, where the origin lives. */
    final io.netty.channel.EventLoop originLoop() {
        return transport.eventLoop();
    }

    public String id() {
        return id;
    }

    public MediaKind kind() {
        return spec.kind();
    }

    /**
     * This track as a relay to another node carries it ({@link RelayConsumer}), and as the other
     * node's producer of it is to be made: the publisher's own description (extensions included:
     * the packets cross unchanged, and the other node's viewers need its transport-cc element to be
     * stamped with their own numbers) with the SSRCs learnt so far from mid/rid (Chromium's
     * simulcast offers name none, and it stops sending mid/rid once we report on a stream, so the
     * other node could not learn them). Any thread.
     */
    public ProducerSpec relaySpec() {
        java.util.List<StreamSpec> now = new java.util.ArrayList<>(streams.length);
        for (int i = 0; i < streams.length; i++) {
            now.add(new StreamSpec(streams[i].ssrc(), spec.streams().get(i).rid()));
        }
        return new ProducerSpec(spec.kind(), spec.mid(), spec.codec(), now, spec.headerExtensions());
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
        return origin().priority;
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
        shard = router.shardOf(transport.eventLoop());
        shard.addLocal(this);
        publisher = shard.linkOf(transport).publisher();
        publisher.add(this);
        feedsSpeakers = shard.isHome();
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
        for (ProducerReplica replica : replicas) {
            replica.loop().execute(replica::closeNow);
        }
        replicas = new ProducerReplica[0];
        relays = new LoopRelay[0];
        if (shard != null) {
            shard.removeLocal(this);
        }
        router.removeProducer(this);
        router.onProducerClosed(this);
    }

    /**
     * Origin's loop: {@code replica} (on another loop) gets every packet from now on, after a
     * copy of what is known of the layers so its viewers' allocation starts informed.
     */
    void addReplica(ProducerReplica replica) {
        if (closed) {
            replica.loop().execute(replica::closeNow);
            return;
        }
        LoopRelay relay = shard.relayTo(replica.shard);
        ReplicaSeed seed = ReplicaSeed.of(this);
        replica.loop().execute(() -> replica.seed(seed));
        replicas = Arrays.copyOf(replicas, replicas.length + 1);
        replicas[replicas.length - 1] = replica;
        relays = Arrays.copyOf(relays, relays.length + 1);
        relays[relays.length - 1] = relay;
    }

    /** Origin's loop: {@code replica} closed; nothing more is relayed to it. */
    void removeReplica(ProducerReplica replica) {
        for (int i = 0; i < replicas.length; i++) {
            if (replicas[i] == replica) {
                ProducerReplica[] r = new ProducerReplica[replicas.length - 1];
                LoopRelay[] l = new LoopRelay[relays.length - 1];
                System.arraycopy(replicas, 0, r, 0, i);
                System.arraycopy(replicas, i + 1, r, i, r.length - i);
                System.arraycopy(relays, 0, l, 0, i);
                System.arraycopy(relays, i + 1, l, i, l.length - i);
                replicas = r;
                relays = l;
                return;
            }
        }
    }

    /** Origin's loop: a replica's viewers need these layers (bit i: stream index i) as of now. */
    void markNeeded(int layerMask, long nowNanos) {
        for (int i = 0; i < layerNeededNanos.length; i++) {
            if ((layerMask & (1 << i)) != 0) {
                layerNeededNanos[i] = nowNanos;
            }
        }
    }

    /** An RFC 6464 level of one of this instance's packets. */
    final void onAudioLevel(int level, long nowNanos) {
        if (feedsSpeakers) {
            router.onAudioLevel(origin(), level, nowNanos);
        }
    }

    final void feedSpeakers(boolean feeds) {
        feedsSpeakers = feeds;
    }

    boolean isClosed() {
        return closed;
    }

    void forward(ProducerStream stream, RtpPacket rtp, boolean keyframe, long nowNanos) {
        if (muted) {
            transport.metrics().drop(DropReason.MUTED);
            return;
        }
        forwardToConsumers(stream, rtp, keyframe, nowNanos);
        ProducerReplica[] others = replicas;
        LoopRelay[] via = relays;
        for (int i = 0; i < others.length; i++) {
            if (!via[i].add(others[i], stream.layer(), rtp) && kind() == MediaKind.VIDEO) {
                // The viewers on that loop miss this packet and their decoders wait for a keyframe,
                // as after a loss upstream; the request is aggregated with every other (500 ms).
                requestKeyframe(stream.layer(), nowNanos, KeyframeReason.RELAY_LOSS);
            }
        }
    }

    /** To this loop's consumers of the producer (origin or replica alike). */
    final void forwardToConsumers(ProducerStream stream, RtpPacket rtp, boolean keyframe, long nowNanos) {
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

    /** A keyframe on every layer some consumer, on any loop, forwards or waits for. */
    void requestKeyframesForConsumers(long nowNanos, KeyframeReason reason) {
        for (Consumer consumer : consumers) {
            requestKeyframe(consumer.layers.current() >= 0 ? consumer.layers.current() : consumer.layers.target(),
                    nowNanos, reason);
        }
        for (ProducerReplica replica : replicas) {
            replica.loop().execute(() -> replica.requestKeyframesForConsumers(System.nanoTime(), reason));
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
        rateLayers(nowNanos);
        pushVoiceActivity(nowNanos);
    }

    /**
     * Every {@value #VOICE_PUSH_INTERVAL_NANOS} ns when it changed: when this audio track last
     * carried voice, pushed to signaling, which never reads the loop's own field.
     */
    private void pushVoiceActivity(long nowNanos) {
        if (spec.kind() != MediaKind.AUDIO || nowNanos - lastVoicePushNanos < VOICE_PUSH_INTERVAL_NANOS) {
            return;
        }
        lastVoicePushNanos = nowNanos;
        long voice = lastVoiceNanos();
        if (voice != 0 && voice != lastVoicePushed) {
            lastVoicePushed = voice;
            router.events().onVoiceActivity(this, voice);
        }
    }

    /** Every 500 ms: the layers' bitrates and ranking ({@link LayerRanking}). */
    final void rateLayers(long nowNanos) {
        ranking.maybeRate(nowNanos);
    }

    /** The stream index of the {@code rank}-th layer from the lowest. */
    int layerAt(int rank) {
        return ranking.layerAt(rank);
    }

    /** The rank (0 = lowest) of stream index {@code layer}, -1 for -1. */
    int rankOf(int layer) {
        return ranking.rankOf(layer);
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

    /** Last time this (audio) track carried voice; on its loop (signaling gets it pushed: {@link RouterEvents#onVoiceActivity}). */
    long lastVoiceNanos() {
        long last = 0;
        for (ProducerStream stream : streams) {
            last = Math.max(last, stream.lastVoiceNanos());
        }
        return last;
    }

    /** Consumers of this track on its own loop (replicas' viewers are counted by their loops). */
    public int consumerCount() {
        return consumers.length;
    }

}
