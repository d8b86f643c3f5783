package io.stagecast.sfu.router;

import io.stagecast.sfu.metrics.KeyframeReason;
import io.stagecast.sfu.rtp.RtpPacket;
import io.stagecast.sfu.transport.Transport;

/**
 * Forwards a producer that sends one stream (audio, or video without simulcast). Video starts at a
 * keyframe; a consumer the allocation gives no video (target -1) forwards nothing and starts
 * again at the next keyframe.
 */
final class SimpleConsumer extends Consumer {
    SimpleConsumer(String id, Router router, Transport transport, Producer producer, ConsumerSpec spec) {
        super(id, router, transport, producer, spec);
    }

    @Override
    void select(ProducerStream stream, RtpPacket rtp, boolean keyframe, long nowNanos) {
        if (layers.target() < 0) {
            layers.stop();
            return;
        }
        if (layers.current() < 0) {
            if (!layers.startsAt(0, keyframe)) {
                producer.requestKeyframe(0, nowNanos, KeyframeReason.START);
                return;
            }
            startSource(rtp, nowNanos);
            layers.setCurrent(0);
        }
        forwardFrame(stream, rtp, nowNanos);
    }
}
