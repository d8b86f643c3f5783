package io.stagecast.sfu.router;

import io.stagecast.sfu.bwe.TrackDemand;
import io.stagecast.sfu.bwe.TrackPriority;
import io.stagecast.sfu.transport.Transport;

/**
 * Fills a consumer's {@link TrackDemand} before an allocation run: what its producer sends (layers
 * low to high by what they carry, their keyframe sizes, measured bitrates, whether they flow) and
 * what its viewer shows. No allocation.
 */
final class TrackDemands {
    /** A layer counts as flowing when it sent within this window. */
    static final long LAYER_ACTIVE_NANOS = 1_500_000_000L;

    private TrackDemands() {
    }

    /**
     * @param dominantTransport the transport of the dominant speaker's audio: video published on
     *                          it is the dominant speaker's camera
     */
    static void fill(Consumer consumer, Transport dominantTransport, long nowNanos) {
        TrackDemand d = consumer.demand;
        Producer producer = consumer.producer;
        d.clearInputs();
        d.audio = producer.kind() == MediaKind.AUDIO;
        TrackPriority priority = producer.priority();
        if (!d.audio && priority == TrackPriority.NORMAL && producer.transport() == dominantTransport) {
            priority = TrackPriority.DOMINANT;
        }
        d.priority = priority;
        d.visible = consumer.viewVisible();
        if (consumer.viewportPending(nowNanos)) {
            // Smaller than any layer: the lowest one, until the viewer says what its tile shows.
            d.viewWidth = 1;
            d.viewHeight = 1;
        } else {
            d.viewWidth = consumer.viewWidth();
            d.viewHeight = consumer.viewHeight();
        }
        int layers = Math.min(producer.streamCount(), TrackDemand.MAX_LAYERS);
        d.layerCount = layers;
        for (int rank = 0; rank < layers; rank++) {
            ProducerStream stream = producer.stream(producer.layerAt(rank));
            d.layerWidth[rank] = stream.keyframeWidth();
            d.layerHeight[rank] = stream.keyframeHeight();
            d.layerBps[rank] = stream.bitrateBps();
            d.layerActive[rank] = stream.isActive(nowNanos, LAYER_ACTIVE_NANOS);
            stream.fillTemporal(d, rank);
        }
        for (int rank = 1; rank < layers; rank++) {
            // A layer that carries less than half of the one below it is starved at the source (a
            // publisher's encoder short of CPU sends its top layer a frame now and then): it looks
            // cheap, but a viewer sent to it waits for its keyframe and stays where it is
            // (DominantSpeakerEndToEndTest on a loaded 2-core CI: target f at 115 kbit/s, current q,
            // for 10 s). It is not a layer to target until it flows; it stays desired, so not paused.
            if (d.layerActive[rank] && d.layerActive[rank - 1] && d.layerBps[rank] * 2 < d.layerBps[rank - 1]) {
                d.layerActive[rank] = false;
            }
        }
        int current = consumer.layers.current();
        d.currentLayer = current < 0 ? -1 : producer.rankOf(current);
    }
}
