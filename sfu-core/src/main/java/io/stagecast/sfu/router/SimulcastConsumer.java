package io.stagecast.sfu.router;

import io.stagecast.sfu.metrics.KeyframeReason;
import io.stagecast.sfu.rtp.RtpPacket;
import io.stagecast.sfu.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards one of a simulcast producer's layers. The current layer keeps flowing until a
 * keyframe of the target arrives (asked for with PLI), and the subscriber's numbering goes on
 * from the last packet sent: it sees one stream that changes resolution, never a decode error.
 */
final class SimulcastConsumer extends Consumer {
    private static final Logger log = LoggerFactory.getLogger(SimulcastConsumer.class);

    SimulcastConsumer(String id, Router router, Transport transport, Producer producer, ConsumerSpec spec) {
        super(id, router, transport, producer, spec);
    }

    @Override
    void select(ProducerStream stream, RtpPacket rtp, boolean keyframe, long nowNanos) {
        int layer = stream.layer();
        if (layers.target() < 0) {
            layers.stop();
            return;
        }
        if (layer != layers.current()) {
            if (layer != layers.target()) {
                return; // another layer: not ours, and no number of ours is used
            }
            if (!layers.startsAt(layer, keyframe)) {
                // A decoder can only change layer on a keyframe: ask for one, keep the current layer.
                producer.requestKeyframe(layer, nowNanos, KeyframeReason.LAYER_SWITCH);
                return;
            }
            if (log.isDebugEnabled()) {
                log.debug("consumer {} starts layer {} at its keyframe (was {})", id(), layer, layers.current());
            }
            startSource(rtp, nowNanos);
            layers.setCurrent(layer);
        }
        if (abandonCurrent && layers.current() != layers.target()) {
            // Down because the link collapsed (SubscriberLink sets this when the current layer
            // alone costs well over the whole estimate): what it still queues delays the smaller
            // layer's keyframe behind it, so none more of it is sent until that keyframe starts the
            // new layer (ShapedViewerEndToEndTest, 5 Mbit/s -> 400 kbit/s: the longest gap between
            // decoded frames was ~1 s). A gentler step down keeps the current picture until then.
            return;
        }
        forwardFrame(stream, rtp, nowNanos);
    }
}
