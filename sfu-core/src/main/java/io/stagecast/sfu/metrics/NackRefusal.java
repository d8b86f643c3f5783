package io.stagecast.sfu.metrics;

/**
 * Why a sequence number a subscriber NACKed was not retransmitted (RFC 4585 6.2.1 leaves the
 * choice to the sender). Each reason is its own counter: a flood of NACKs shows up as refusals,
 * not as bandwidth.
 */
public enum NackRefusal {
    /** The packet is no longer in the cache, or was never sent to this subscriber. */
    NOT_CACHED("not_cached"),
    /** Beyond the sequence numbers one NACK packet may ask for. */
    OVER_CAP("over_cap"),
    /** Retransmitted to this subscriber less than a round trip ago: the answer is still on its way. */
    RECENTLY_SENT("recently_sent"),
    /** The subscriber's retransmission budget (a share of what it is sent) is spent. */
    OVER_BUDGET("over_budget"),
    /**
     * A packet of a simulcast layer the subscriber is being moved off (or has been): its decoder
     * starts again at the new layer's keyframe, and on a collapsed link the resend would only
     * delay that keyframe.
     */
    SUPERSEDED("superseded");

    public final String tag;

    NackRefusal(String tag) {
        this.tag = tag;
    }
}
