package io.stagecast.sfu.router;

/**
 * One consumer in a {@link SubscriberReport}: what the allocation chose and why, what is sent.
 *
 * @param targetLayer    the spatial layer chosen (stream index of the producer's spec), -1 paused
 * @param currentLayer   the layer being forwarded now (differs from target until its keyframe), -1 none
 * @param targetTemporal the highest temporal layer forwarded, -1 all
 * @param reason         an {@link io.stagecast.sfu.bwe.AllocationReason} tag
 */
public record ConsumerReport(String consumerId, String producerId, String kind, int targetLayer, int currentLayer,
                             int targetTemporal, String reason, long allocatedBps, long sentBps, boolean visible,
                             int viewWidth, int viewHeight, long layerSwitches, long keyframeRequests) {
}
