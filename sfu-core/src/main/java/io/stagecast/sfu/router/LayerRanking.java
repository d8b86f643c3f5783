package io.stagecast.sfu.router;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A producer's simulcast layers rated and ranked by what they carry (keyframe size, then
 * bitrate), not by their place in a=simulcast: Chromium lists rids low to high, Firefox high to
 * low. Re-rated every {@value #INTERVAL_NANOS} ns from the bytes each stream counted. The best
 * flowing layer is kept for reports; every new consumer starts on the lowest. Owned by the
 * producer's (or replica's) loop; no allocation.
 */
final class LayerRanking {
    private static final Logger log = LoggerFactory.getLogger(LayerRanking.class);
    /** A simulcast layer counts as flowing when it sent within this window. */
    static final long LAYER_ACTIVE_NANOS = 1_500_000_000L;
    private static final long INTERVAL_NANOS = 500_000_000L;

    private final String producerId;
    private final ProducerStream[] streams;
    /** Stream indexes ordered low to high by what they carry. */
    final int[] order;
    int best;
    private long lastSelectionNanos;
    private long lastRatingNanos;

    LayerRanking(String producerId, ProducerStream[] streams) {
        this.producerId = producerId;
        this.streams = streams;
        this.best = streams.length - 1;
        this.order = new int[streams.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
    }

    /** Per tick: rates and ranks once per interval. */
    void maybeRate(long nowNanos) {
        if (nowNanos - lastSelectionNanos >= INTERVAL_NANOS) {
            lastSelectionNanos = nowNanos;
            rate(nowNanos);
        }
    }

    private void rate(long nowNanos) {
        long elapsed = lastRatingNanos == 0 ? 0 : nowNanos - lastRatingNanos;
        lastRatingNanos = nowNanos;
        for (ProducerStream stream : streams) {
            stream.rate(elapsed);
        }
        rank();
        int next = -1;
        for (int i = 0; i < streams.length; i++) {
            if (streams[i].isActive(nowNanos, LAYER_ACTIVE_NANOS) && (next < 0 || streams[i].carriesMoreThan(streams[next]))) {
                next = i;
            }
        }
        if (next < 0 || next == best
                || (streams[best].isActive(nowNanos, LAYER_ACTIVE_NANOS) && !streams[next].carriesMoreThan(streams[best]))) {
            return; // a tie keeps the current layer: no switch (and keyframe) for nothing
        }
        log.debug("producer {}: best layer {} (rid {}, {} px in its keyframes, {} kbit/s) instead of {}", producerId, next,
                streams[next].rid(), streams[next].keyframePixels(), streams[next].bitrateBps() / 1000, best);
        best = next;
    }

    /** Insertion sort of at most four layers: no allocation. */
    private void rank() {
        for (int i = 1; i < order.length; i++) {
            int layer = order[i];
            int j = i - 1;
            while (j >= 0 && streams[order[j]].carriesMoreThan(streams[layer])) {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = layer;
        }
    }

    /** The stream index of the {@code rank}-th layer from the lowest. */
    int layerAt(int rank) {
        return order[rank];
    }

    /** The rank (0 = lowest) of stream index {@code layer}, -1 for -1. */
    int rankOf(int layer) {
        for (int i = 0; i < order.length; i++) {
            if (order[i] == layer) {
                return i;
            }
        }
        return -1;
    }
}
