package io.stagecast.sfu.router;

import io.netty.channel.EventLoop;
import io.stagecast.sfu.metrics.KeyframeReason;
import io.stagecast.sfu.rtp.RtpPacket;

/**
 * A producer's stand-in on another media loop: what that loop's consumers of it read and call.
 * It receives each of the origin's packets once, relayed in batches ({@link LoopRelay}), and runs
 * the same per-packet reading as the origin (keyframes and their size, VP8 temporal layers, the
 * cache NACKs are answered from, bitrates and the layers' ranking) so that its consumers forward,
 * allocate and retransmit exactly as they would beside the origin. What only the origin may do
 * goes there: keyframe requests (aggregated here first, then on the origin), the layers its
 * viewers need (pausing at the source), RTCP towards the publisher. Owned by its loop.
 */
final class ProducerReplica extends Producer {
    /** A replica without viewers stays this long, so a viewer's quick return keeps its state. */
    static final long IDLE_CLOSE_NANOS = 5_000_000_000L;

    private final Producer origin;
    /** Kept on the router's home loop for the speaker detector even with no viewers there. */
    private final boolean pinned;
    private long idleSinceNanos;

    ProducerReplica(Producer origin, RouterShard shard, boolean pinned) {
        super(origin.id(), origin.router, origin.transport(), origin.spec());
        this.origin = origin;
        this.shard = shard;
        this.pinned = pinned;
        this.idleSinceNanos = System.nanoTime();
        feedSpeakers(shard.isHome());
    }

    @Override
    Producer origin() {
        return origin;
    }

    EventLoop loop() {
        return shard.loop();
    }

    /** This loop: what the origin knew of its layers when the relay started. */
    void seed(ReplicaSeed seed) {
        if (closed) {
            return;
        }
        seed.applyTo(this);
        // Consumers that attached before the seed started on the unranked order: start them on
        // the origin's lowest layer instead, as Producer.addConsumer does.
        long now = System.nanoTime();
        for (Consumer consumer : consumers) {
            if (consumer.layers.current() < 0) {
                consumer.setTargetLayer(layerAt(0));
                requestKeyframe(layerAt(0), now, KeyframeReason.START);
            }
        }
    }

    /** One relayed packet of stream {@code layer}, on this loop. */
    void onRelayed(int layer, RtpPacket rtp, long nowNanos) {
        if (closed || layer < 0 || layer >= streams.length) {
            return;
        }
        streams[layer].onRtp(rtp, nowNanos);
    }

    @Override
    void forward(ProducerStream stream, RtpPacket rtp, boolean keyframe, long nowNanos) {
        // The origin dropped muted packets before relaying; a replica relays nothing further.
        forwardToConsumers(stream, rtp, keyframe, nowNanos);
    }

    @Override
    void requestKeyframe(int layer, long nowNanos, KeyframeReason reason) {
        if (layer < 0 || layer >= streams.length || kind() != MediaKind.VIDEO) {
            return;
        }
        // Aggregated here (every viewer of this loop asks per packet until the keyframe comes),
        // then once more on the origin with every other loop's requests.
        if (streams[layer].keyframeRequests().request(nowNanos)) {
            Producer o = origin;
            o.originLoop().execute(() -> o.requestKeyframe(layer, System.nanoTime(), reason));
        }
    }

    /**
     * Per tick: a request this loop aggregated away (one was forwarded less than 500 ms before)
     * and still unanswered goes to the origin now, as the origin repeats its own.
     */
    void retryKeyframes(long nowNanos) {
        if (kind() != MediaKind.VIDEO) {
            return;
        }
        for (int layer = 0; layer < streams.length; layer++) {
            if (streams[layer].keyframeRequests().retryDue(nowNanos)) {
                int wanted = layer;
                Producer o = origin;
                o.originLoop().execute(() -> o.requestKeyframe(wanted, System.nanoTime(), KeyframeReason.RETRY));
            }
        }
    }

    @Override
    void removeConsumer(Consumer consumer) {
        super.removeConsumer(consumer);
        if (consumers.length == 0) {
            idleSinceNanos = System.nanoTime();
        }
    }

    /** Whether the shard should close this replica now: no viewer for a while, not pinned. */
    boolean idle(long nowNanos) {
        return !pinned && consumers.length == 0 && nowNanos - idleSinceNanos > IDLE_CLOSE_NANOS;
    }

    @Override
    void closeNow() {
        if (closed) {
            return;
        }
        closed = true;
        for (Consumer consumer : consumers) {
            consumer.closeNow();
        }
        consumers = new Consumer[0];
        shard.removeReplica(this);
        Producer o = origin;
        o.originLoop().execute(() -> o.removeReplica(this));
    }

    /**
     * Every 100 ms: the layers this loop's viewers need, to the origin (which decides what the
     * publisher may pause). Nothing is sent while they need none.
     */
    void reportNeeds(long nowNanos) {
        int mask = 0;
        for (Consumer consumer : consumers) {
            mask |= bit(consumer.desiredStream) | bit(consumer.layers.target()) | consumer.neededStreams();
        }
        if (mask != 0) {
            int needed = mask;
            Producer o = origin;
            o.originLoop().execute(() -> o.markNeeded(needed, System.nanoTime()));
        }
    }

    private static int bit(int layer) {
        return layer >= 0 && layer < 31 ? 1 << layer : 0;
    }
}
