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
                if (keyframe && isStepUpTowardsTarget(layer)) {
                    switchTo(layer, rtp, nowNanos);
                    forwardFrame(stream, rtp, nowNanos);
                }
                return; // another layer: not ours, and no number of ours is used
            }
            if (!layers.startsAt(layer, keyframe)) {
                // A decoder can only change layer on a keyframe: ask for one, keep the current layer.
                producer.requestKeyframe(layer, nowNanos, KeyframeReason.LAYER_SWITCH);
                return;
            }
            switchTo(layer, rtp, nowNanos);
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

    /**
     * Whether {@code layer} lies strictly between the current layer and a higher target: its
     * keyframe is a better picture now than waiting on for the target's (a publisher short of CPU
     * or uplink may drop its top encoder's keyframes while the middle one's arrive; the target's
     * keyframe is still asked for and switched to when it comes). Steps down wait for the target
     * itself: an intermediate layer would still cost more than the budget that sent them down.
     */
    private boolean isStepUpTowardsTarget(int layer) {
        int current = layers.current();
        if (current < 0) {
            return false;
        }
        int rank = producer.rankOf(layer);
        return rank > producer.rankOf(current) && rank < producer.rankOf(layers.target());
    }

    private void switchTo(int layer, RtpPacket rtp, long nowNanos) {
        if (log.isDebugEnabled()) {
            log.debug("consumer {} starts layer {} at its keyframe (was {}, target {})", id(), layer, layers.current(), layers.target());
        }
        startSource(rtp, nowNanos);
        layers.setCurrent(layer);
    }
}
