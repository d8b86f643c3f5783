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
 *   <li>Backoff: a step the budget failed to hold again within {@link #RETRY_HOLD_NANOS} of
 *       the last failure needs the budget to last twice as long before it is retried (1.5, 3, then
 *       6 s), unless the budget of the last 1.5 s holds it {@link #BACKOFF_RELIEF} times over
 *       (the link really opened). An estimate that overshoots a shaped link (a probe through a token bucket's burst
 *       passes faster than the rate) otherwise brought the layer back every few seconds, each time
 *       a keyframe and a freeze (23 switches in 45 s behind 400 kbit/s in ShapedViewerEndToEndTest).
 *       A track in the backoff asks for a probe that could relieve its next step, and goes past
 *       the failed step only after holding it {@link #PROVE_NANOS}.
 *       The steps above the failed one stay in the backoff too: letting them climb with the usual
 *       hold once the failed step was relieved took the shaped viewer from 320 to 1280 px on its
 *       400 kbit/s link, on an estimate that probes through the token bucket's burst had doubled
 *       each second (a 30 ms cluster under 8 KB passes at line rate).</li>
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
    /** A failure this long after the previous one starts the backoff afresh. */
    static final long RETRY_HOLD_NANOS = 20_000_000_000L;
    /** A budget this many times what the failed step needs ends its backoff (the link really opened). */
    static final double BACKOFF_RELIEF = 1.5;
    /**
     * How long a track in the backoff holds the step it failed before it may go above it: long
     * enough for that step's own overuse to show (the delay trend, the shaper's drops) on a link
     * that only seemed to open.
     */
    static final long PROVE_NANOS = 3_000_000_000L;
    private final BudgetWindow budgets = new BudgetWindow();
    private final LayerLadder flowing = new LayerLadder();
    private final LayerLadder everything = new LayerLadder();
    private final BudgetRounds atBudget = new BudgetRounds();
    private final BudgetRounds atProvenBudget = new BudgetRounds();
    private final BudgetRounds atRetryBudget = new BudgetRounds();
    private final BudgetRounds atReliefBudget = new BudgetRounds();
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
        long retryWindow = BudgetWindow.WINDOW_NANOS;
        for (int k = 0; k < n; k++) {
            retryWindow = Math.max(retryWindow, retryWindow(tracks[eligible[k]], nowNanos));
        }
        if (retryWindow > BudgetWindow.WINDOW_NANOS) {
            // One division for the longest backoff in force: a stage rarely has two failing at once.
            atRetryBudget.run(budgets.lowestOver(retryWindow) - audioBps, flowing, tracks, eligible, n, previousRank);
            atReliefBudget.run((long) ((budgets.lowest() - audioBps) / BACKOFF_RELIEF), flowing, tracks, eligible, n,
                    previousRank);
        }
        desired.run(budgets.highest() - audioBps, everything, tracks, eligible, n, previousDesiredRank);

        long total = audioBps;
        long probeExtra = -1;
        for (int k = 0; k < n; k++) {
            int i = eligible[k];
            TrackDemand t = tracks[i];
            int step = chooseStep(t, i, nowNanos);
            apply(t, i, step, nowNanos);
            total += t.allocatedBps;
            if (probeExtra < 0 && t.reason == AllocationReason.BANDWIDTH) {
                long next = (long) (flowing.cost(i, step + 1) * (1 + BudgetRounds.UP_MARGIN));
                // In the backoff, the next step needs a budget that relieves it: probe for that, or
                // an estimate that already covers the step itself never asks for one and the
                // viewer waits out the whole backoff on a link that opened.
                boolean backoff = retryWindow(t, nowNanos) > BudgetWindow.WINDOW_NANOS
                        && flowing.rankOf(i, step + 1) >= t.failedRank;
                probeExtra = (backoff ? (long) (next * BACKOFF_RELIEF) : next) - flowing.cost(i, step);
            }
        }
        if (probeExtra < 0) {
            probeExtra = probeForPaused(tracks, n);
        }
        return probeExtra < 0 ? total : total + probeExtra;
    }

    /**
     * What to probe for when every track has the best that flows: the next layer its tile takes
     * that is not flowing (paused at the source, or not sent for the publisher's own bandwidth).
     * Without a probe the estimate of a viewer that receives less than the paused layer needs
     * never grows past what it receives, so nobody desires the layer and it stays paused: a
     * room whose top layer paused once never got it back (ShapedViewerEndToEndTest, an
     * unconstrained viewer left at 640 px).
     */
    private long probeForPaused(TrackDemand[] tracks, int n) {
        for (int k = 0; k < n; k++) {
            int i = eligible[k];
            TrackDemand t = tracks[i];
            int above = everything.stepAtOrBelow(i, t.allocatedRank) + 1;
            if (t.allocatedRank >= 0 && above < everything.length(i) && !t.layerActive[everything.layer(i, above)]) {
                return (long) (everything.cost(i, above) * (1 + BudgetRounds.UP_MARGIN)) - t.allocatedBps;
            }
        }
        return -1;
    }

    /**
     * Down at once: what the budget now holds. Up: no further than the budget of the whole last
     * window holds, and never below what the track had (it still fits: it is below the ideal); to
     * a step it failed to hold again and again, only once the budget lasted its backoff.
     */
    private int chooseStep(TrackDemand t, int i, long nowNanos) {
        int ideal = atBudget.step(i);
        int idealRank = flowing.rankOf(i, ideal);
        if (idealRank <= previousRank[i]) {
            int had = flowing.stepAtOrBelow(i, previousRank[i]);
            if (idealRank < previousRank[i] && had >= 0 && flowing.rankOf(i, had) == previousRank[i]) {
                // What it had still flows and its tile still takes it: the budget did not hold it.
                boolean again = t.failedRank == previousRank[i] && nowNanos - t.failedAtNanos < RETRY_HOLD_NANOS;
                t.failures = again ? t.failures + 1 : 1;
                t.failedRank = previousRank[i];
                t.failedAtNanos = nowNanos;
            }
            return ideal;
        }
        int had = flowing.stepAtOrBelow(i, previousRank[i]);
        int up = Math.min(ideal, atProvenBudget.step(i));
        if (retryWindow(t, nowNanos) > BudgetWindow.WINDOW_NANOS && flowing.rankOf(i, up) >= t.failedRank) {
            up = Math.min(up, Math.max(atRetryBudget.step(i), atReliefBudget.step(i)));
            if (flowing.rankOf(i, up) > t.failedRank
                    && (previousRank[i] < t.failedRank || nowNanos - t.heldFailedRankSinceNanos < PROVE_NANOS)) {
                // Past the step that failed only once it has held a while: an estimate that probes
                // through a token bucket's burst had grown (a 30 ms cluster under 8 KB passes at line
                // rate) took a viewer on a 400 kbit/s link from 360p straight on to 720p before the
                // 360p's own overuse showed, a 2.5 s freeze (ShapedViewerEndToEndTest).
                up = Math.min(up, flowing.stepAtOrBelow(i, t.failedRank));
            }
        }
        return Math.max(had, up);
    }

    /** How long the budget must last before {@code t} retries the step it failed to hold. */
    private static long retryWindow(TrackDemand t, long nowNanos) {
        if (t.failedRank < 0 || t.failures < 2 || nowNanos - t.failedAtNanos >= RETRY_HOLD_NANOS) {
            return BudgetWindow.WINDOW_NANOS;
        }
        return Math.min(BudgetWindow.LONGEST_NANOS, BudgetWindow.WINDOW_NANOS << Math.min(t.failures - 1, 2));
    }

    private void apply(TrackDemand t, int i, int step, long nowNanos) {
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
        int rank = flowing.rankOf(i, step);
        if (t.failedRank >= 0 && rank >= t.failedRank && t.allocatedRank < t.failedRank) {
            t.heldFailedRankSinceNanos = nowNanos;
        }
        t.allocatedRank = rank;
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
