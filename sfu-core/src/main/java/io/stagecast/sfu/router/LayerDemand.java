package io.stagecast.sfu.router;

import io.stagecast.sfu.metrics.MediaMetrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Pausing at the source: which simulcast layers of a producer some viewer needs. A layer is
 * needed while a consumer's allocation targets it or would target it if every layer flowed
 * ({@link io.stagecast.sfu.bwe.TrackDemand#desiredLayer}: a layer the publisher stopped must come
 * back when a viewer could take it). The lowest layer is always needed, even while nobody
 * watches: a viewer who arrives then starts at once on a layer that is flowing, without waiting
 * for a signaling round trip and an encoder restart, and it costs the publisher ~150 kbit/s.
 * A layer becomes unneeded only after {@value #UNNEEDED_AFTER_MS} ms without need, so a viewer
 * moving between layers does not make the publisher's encoder flap; a layer needed again is
 * reported at the next update (every 100 ms). Event loop only.
 */
final class LayerDemand {
    static final long UNNEEDED_AFTER_MS = 3000;
    private static final long UNNEEDED_AFTER_NANOS = UNNEEDED_AFTER_MS * 1_000_000L;

    void update(Producer producer, long nowNanos, RouterEvents events, MediaMetrics metrics) {
        int layers = producer.streamCount();
        if (producer.kind() != MediaKind.VIDEO || layers < 2 || producer.isClosed()) {
            return;
        }
        long[] lastNeeded = producer.layerNeededNanos();
        boolean[] needed = producer.layerNeeded();
        Consumer[] consumers = producer.consumers();
        lastNeeded[producer.layerAt(0)] = nowNanos;
        for (Consumer consumer : consumers) {
            mark(lastNeeded, consumer.desiredStream, nowNanos);
            mark(lastNeeded, consumer.layers.target(), nowNanos);
            int streams = consumer.neededStreams();
            for (int i = 0; streams != 0 && i < layers; i++) {
                if ((streams & (1 << i)) != 0) {
                    lastNeeded[i] = nowNanos;
                }
            }
        }
        boolean changed = false;
        int pausedDelta = 0;
        for (int i = 0; i < layers; i++) {
            boolean now = nowNanos - lastNeeded[i] < UNNEEDED_AFTER_NANOS;
            if (now != needed[i]) {
                needed[i] = now;
                changed = true;
                pausedDelta += now ? -1 : 1;
            }
        }
        if (changed) {
            if (metrics != null) {
                metrics.layersPaused(pausedDelta);
            }
            List<Boolean> demand = new ArrayList<>(layers); // on a change only
            for (boolean b : needed) {
                demand.add(b);
            }
            events.onLayerDemand(producer, List.copyOf(demand));
        }
    }

    /** A closed producer's paused layers no longer count. */
    void forget(Producer producer, MediaMetrics metrics) {
        int paused = 0;
        for (boolean b : producer.layerNeeded()) {
            if (!b) {
                paused++;
            }
        }
        java.util.Arrays.fill(producer.layerNeeded(), true);
        if (paused > 0 && metrics != null) {
            metrics.layersPaused(-paused);
        }
    }

    private static void mark(long[] lastNeeded, int layer, long nowNanos) {
        if (layer >= 0 && layer < lastNeeded.length) {
            lastNeeded[layer] = nowNanos;
        }
    }
}
