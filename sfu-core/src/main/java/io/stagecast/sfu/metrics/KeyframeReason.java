package io.stagecast.sfu.metrics;

/** Why a keyframe was asked of a publisher (a tag of stagecast.media.keyframe.requests). */
public enum KeyframeReason {
    /** A subscriber's decoder starts (a new consumer, or its transport just connected). */
    START("start"),
    /** A subscriber switches to this layer (allocation, or a layer that stopped or came back). */
    LAYER_SWITCH("layer_switch"),
    /** The subscriber asked (PLI or FIR): it lost its picture. */
    SUBSCRIBER("subscriber"),
    /** The track was unmuted. */
    UNMUTE("unmute"),
    /**
     * Packets of the publisher's stream went missing and will not come: NACKed without an answer,
     * or lost where the publisher offered no NACK. Every decoder downstream waits for a keyframe.
     */
    UPSTREAM_LOSS("upstream_loss"),
    /**
     * A packet was dropped on its way to another media loop (that loop fell
     * {@code LoopRelay.MAX_BATCHES} read cycles behind): the viewers there lost it.
     */
    RELAY_LOSS("relay_loss"),
    /** An earlier request had no answer within the aggregation interval. */
    RETRY("retry");

    public final String tag;

    KeyframeReason(String tag) {
        this.tag = tag;
    }
}
