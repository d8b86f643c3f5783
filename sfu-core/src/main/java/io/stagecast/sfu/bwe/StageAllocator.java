package io.stagecast.sfu.bwe;

/**
 * Divides one viewer's budget over the stage: audio first; then the content tile and the
 * spotlight; then the dominant speaker; then the rest. A hidden track gets no video, a tile never
 * gets a layer wider than it shows, at most last-N video tracks are forwarded.
 *
 * <p>Each run:
 * <ol>
 *   <li>Audio is always forwarded; its measured bitrate is taken off the budget first.</li>
 *   <li>Video tracks are ordered CONTENT, SPOTLIGHT, DOMINANT, NORMAL; within a class the tracks
 *       that already had video come first, then the order given, so a run does not reshuffle who
 *       wins a tie. Hidden tiles get nothing ({@link AllocationReason#HIDDEN}); of the shown ones,
 *       those past the first last-N get nothing ({@link AllocationReason#LAST_N}).</li>
 *   <li>{@link BudgetRounds} divides the rest greedily over each track's {@link LayerLadder}
 *       (flowing layers up to the {@link TileSizeCap}, lower temporal layers as finer steps).</li>
 *   <li>Hysteresis: a track goes down at once when the budget no longer holds what it had; it
 *       goes up only as far as the lowest budget of the last 1.5 s ({@link BudgetWindow}) would
 *       take it, with a margin ({@link BudgetRounds#UP_MARGIN}). A reshuffle at a steady budget
 *       (a new dominant speaker, a bigger tile, a tile shown again) needs no wait.</li>
 *   <li>The desired layer is the same division over every layer (paused ones priced by their
 *       last measured or an estimated bitrate) with the highest budget of the last 1.5 s: a
 *       layer is asked for at once and given up at the source only after that long.</li>
 * </ol>
 *
 * <p>One instance per viewer; its per-track memory lives in the {@link TrackDemand}s (one per
 * consumer). Event loop owned. Allocates nothing: fixed arrays, grown only when the stage is
 * larger than in any earlier run.
 */
public final class StageAllocator {
    private final BudgetWindow budgets = new BudgetWindow();
    private final LayerLadder flowing = new LayerLadder();
    private final LayerLadder everything = new LayerLadder();
    private final BudgetRounds atBudget = new BudgetRounds();
    private final BudgetRounds atProvenBudget = new BudgetRounds();
    private final BudgetRounds desired = new BudgetRounds();
    private int[] order = new int[0];
    private int[] eligible = new int[0];
    private int[] previousRank = new int[0];
    private int[] previousDesiredRank = new int[0];

    /**
     * Sets the outputs of {@code tracks[0..count)} for this budget.
     *
     * @param lastN at most this many video tracks get video (beyond it: {@link AllocationReason#LAST_N});
     *        negative: no limit
     * @return the bitrate the next step up would need in all (for probing), or the allocated total
     *         when nothing more is wanted
     */
    public long allocate(long budgetBps, TrackDemand[] tracks, int count, int lastN, long nowNanos) {
        ensureCapacity(Math.max(count, tracks.length));
        budgets.record(budgetBps, nowNanos);
        long audioBps = 0;
        int videoCount = 0;
        for (int i = 0; i < count; i++) {
            TrackDemand t = tracks[i];
            rememberMeasuredBitrates(t);
            if (t.audio) {
                t.targetLayer = 0;
                t.targetTemporal = -1;
                t.desiredLayer = 0;
                t.reason = AllocationReason.OPTIMAL;
                t.allocatedBps = t.layerBps[0];
                audioBps += t.allocatedBps;
                continue;
            }
            order[videoCount++] = i;
            previousRank[i] = t.allocatedRank;
            previousDesiredRank[i] = LayerLadder.rank(t.previousDesired, -1);
        }
        sortByPriority(tracks, videoCount);

        int n = 0;
        for (int k = 0; k < videoCount; k++) {
            int i = order[k];
            TrackDemand t = tracks[i];
            if (!t.visible) {
                noVideo(t, AllocationReason.HIDDEN);
            } else if (lastN >= 0 && n >= lastN) {
                noVideo(t, AllocationReason.LAST_N);
            } else {
                eligible[n++] = i;
                flowing.build(i, t, true);
                everything.build(i, t, false);
            }
        }

        atBudget.run(budgetBps - audioBps, flowing, tracks, eligible, n, previousRank);
        atProvenBudget.run(budgets.lowest() - audioBps, flowing, tracks, eligible, n, previousRank);
        desired.run(budgets.highest() - audioBps, everything, tracks, eligible, n, previousDesiredRank);

        long total = audioBps;
        long probeExtra = -1;
        for (int k = 0; k < n; k++) {
            int i = eligible[k];
            TrackDemand t = tracks[i];
            int step = chooseStep(i);
            apply(t, i, step);
            total += t.allocatedBps;
            if (probeExtra < 0 && t.reason == AllocationReason.BANDWIDTH) {
                long next = flowing.cost(i, step + 1);
                probeExtra = (long) (next * (1 + BudgetRounds.UP_MARGIN)) - flowing.cost(i, step);
            }
        }
        return probeExtra < 0 ? total : total + probeExtra;
    }

    /**
     * Down at once: what the budget now holds. Up: no further than the budget of the whole last
     * window holds, and never below what the track had (it still fits: it is below the ideal).
     */
    private int chooseStep(int i) {
        int ideal = atBudget.step(i);
        if (flowing.rankOf(i, ideal) <= previousRank[i]) {
            return ideal;
        }
        int had = flowing.stepAtOrBelow(i, previousRank[i]);
        return Math.max(had, Math.min(ideal, atProvenBudget.step(i)));
    }

    private void apply(TrackDemand t, int i, int step) {
        int length = flowing.length(i);
        if (step < 0) {
            t.targetLayer = -1;
            t.targetTemporal = -1;
            t.allocatedBps = 0;
        } else {
            t.targetLayer = flowing.layer(i, step);
            t.targetTemporal = flowing.temporal(i, step);
            t.allocatedBps = flowing.cost(i, step);
        }
        if (length == 0) {
            t.reason = AllocationReason.NOT_FLOWING;
        } else if (step < length - 1) {
            t.reason = AllocationReason.BANDWIDTH;
        } else if (flowing.tileCap(i) < t.layerCount - 1 && t.targetLayer == flowing.tileCap(i)) {
            t.reason = AllocationReason.VIEW_SIZE;
        } else {
            t.reason = AllocationReason.OPTIMAL;
        }
        int wanted = desired.step(i);
        int wantedLayer = wanted < 0 ? -1 : everything.layer(i, wanted);
        t.desiredLayer = Math.max(wantedLayer, t.targetLayer);
        t.allocatedRank = flowing.rankOf(i, step);
        t.previousDesired = t.desiredLayer;
    }

    private static void noVideo(TrackDemand t, AllocationReason reason) {
        t.targetLayer = -1;
        t.targetTemporal = -1;
        t.desiredLayer = -1;
        t.allocatedBps = 0;
        t.reason = reason;
        t.allocatedRank = -1;
        t.previousDesired = -1;
    }

    private static void rememberMeasuredBitrates(TrackDemand t) {
        for (int s = 0; s < t.layerCount && s < TrackDemand.MAX_LAYERS; s++) {
            if (t.layerBps[s] > 0) {
                t.lastMeasuredBps[s] = t.layerBps[s];
            }
        }
    }

    /** Insertion sort of {@code order[0..n)}: a stage is tens of tracks, and it must not allocate. */
    private void sortByPriority(TrackDemand[] tracks, int n) {
        for (int a = 1; a < n; a++) {
            int moving = order[a];
            int b = a - 1;
            while (b >= 0 && before(tracks, moving, order[b])) {
                order[b + 1] = order[b];
                b--;
            }
            order[b + 1] = moving;
        }
    }

    private boolean before(TrackDemand[] tracks, int x, int y) {
        int px = tracks[x].priority.ordinal();
        int py = tracks[y].priority.ordinal();
        if (px != py) {
            return px < py;
        }
        boolean xHad = previousRank[x] >= 0;
        boolean yHad = previousRank[y] >= 0;
        if (xHad != yHad) {
            return xHad;
        }
        return x < y;
    }

    private void ensureCapacity(int tracks) {
        if (order.length >= tracks) {
            return;
        }
        int size = Math.max(tracks, order.length * 2);
        order = new int[size];
        eligible = new int[size];
        previousRank = new int[size];
        previousDesiredRank = new int[size];
        flowing.ensureCapacity(size);
        everything.ensureCapacity(size);
    }
}
