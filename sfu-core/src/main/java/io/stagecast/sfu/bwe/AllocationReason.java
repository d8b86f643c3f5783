package io.stagecast.sfu.bwe;

/** Why a track gets the layer it gets (for metrics and the per-participant debug request). */
public enum AllocationReason {
    /** It gets the best layer it can show: nothing held it back. */
    OPTIMAL("optimal"),
    /** The budget allowed no more. */
    BANDWIDTH("bandwidth"),
    /** The tile is smaller than the next layer. */
    VIEW_SIZE("view_size"),
    /** The viewer does not show the tile. */
    HIDDEN("hidden"),
    /** Beyond the viewer's last-N. */
    LAST_N("last_n"),
    /** Nothing of this track is flowing from the publisher. */
    NOT_FLOWING("not_flowing");

    public final String tag;

    AllocationReason(String tag) {
        this.tag = tag;
    }
}
