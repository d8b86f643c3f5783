package io.stagecast.sfu.bwe;

/**
 * Divides one viewer's budget over the stage: audio first; then the content tile and the
 * spotlight; then the dominant speaker; then the rest. A hidden track gets no video, a tile never
 * gets a layer wider than it shows, at most last-N video tracks are forwarded.
 *
 * <p>CONTRACT STUB (issue 9): the signatures are what the router calls; the allocation behind
 * them comes with the allocator work. Until then: every visible track gets its best flowing layer.
 *
 * <p>One instance per viewer (it may keep hysteresis state); event loop owned; allocates nothing.
 */
public final class StageAllocator {

    /**
     * Sets the outputs of {@code tracks[0..count)} for this budget.
     *
     * @param lastN at most this many video tracks get video (beyond it: {@link AllocationReason#LAST_N})
     * @return the bitrate the next step up would need in all (for probing), or the allocated total
     *         when nothing more is wanted
     */
    public long allocate(long budgetBps, TrackDemand[] tracks, int count, int lastN, long nowNanos) {
        long total = 0;
        for (int i = 0; i < count; i++) {
            TrackDemand t = tracks[i];
            t.targetTemporal = -1;
            t.reason = AllocationReason.OPTIMAL;
            if (t.audio) {
                t.targetLayer = 0;
                t.desiredLayer = 0;
                t.allocatedBps = t.layerBps[0];
                total += t.allocatedBps;
                continue;
            }
            int best = -1;
            for (int layer = 0; layer < t.layerCount; layer++) {
                if (t.layerActive[layer]) {
                    best = layer;
                }
            }
            t.desiredLayer = t.visible ? t.layerCount - 1 : -1;
            t.targetLayer = t.visible ? best : -1;
            t.reason = !t.visible ? AllocationReason.HIDDEN : best < 0 ? AllocationReason.NOT_FLOWING : AllocationReason.OPTIMAL;
            t.allocatedBps = t.targetLayer < 0 ? 0 : t.layerBps[t.targetLayer];
            total += t.allocatedBps;
        }
        return total;
    }
}
