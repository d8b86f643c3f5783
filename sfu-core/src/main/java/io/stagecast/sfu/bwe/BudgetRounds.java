package io.stagecast.sfu.bwe;

/**
 * One greedy division of a video budget over tracks in priority order, in rounds as Jitsi's
 * bandwidth allocator does: first every track its cheapest step (so a budget that can carry some
 * video for everyone does), then each CONTENT, SPOTLIGHT and DOMINANT track as far up as the
 * budget lets it and each NORMAL track up to its 360-line step, then the NORMAL tracks further.
 *
 * <p>A step above what a track had in the previous run must leave {@link #UP_MARGIN} of its cost
 * spare; a step at or below it only has to fit. So a budget within that band of a boundary keeps
 * whatever was chosen before, and nothing oscillates between two layers.
 *
 * <p>Allocates nothing after the first run at a given stage size.
 */
final class BudgetRounds {
    /** Headroom a step up needs over its own cost (10 to 15 % is what the issue and peers use). */
    static final double UP_MARGIN = 0.12;

    private int[] step = new int[0];
    private long remaining;

    /**
     * @param order track indices, highest priority first: the ones that may get video
     * @param previousRank per track index, the rank it had in the previous run (-1 none)
     * @return what is left of the budget (negative when the top track's cheapest step did not fit)
     */
    long run(long budget, LayerLadder ladder, TrackDemand[] tracks, int[] order, int n, int[] previousRank) {
        if (step.length < tracks.length) {
            step = new int[tracks.length];
        }
        remaining = Math.max(0, budget);
        boolean topServed = false;
        for (int k = 0; k < n; k++) {
            int i = order[k];
            step[i] = -1;
            if (ladder.length(i) == 0) {
                continue;
            }
            if (!topServed) {
                // Never starve the top-priority track: a viewer must keep some video, so the first
                // track gets its cheapest step even when the budget cannot hold it (the owner's
                // estimate then has to grow into it, or the viewer's link is simply too small).
                topServed = true;
                take(ladder, i, 0);
            } else if (fits(ladder, i, 0, previousRank[i])) {
                take(ladder, i, 0);
            }
        }
        for (int k = 0; k < n; k++) {
            int i = order[k];
            if (step[i] >= 0) {
                int cap = tracks[i].priority == TrackPriority.NORMAL ? ladder.mediumStep(i) : ladder.length(i) - 1;
                improve(ladder, i, cap, previousRank[i]);
            }
        }
        for (int k = 0; k < n; k++) {
            int i = order[k];
            if (step[i] >= 0 && tracks[i].priority == TrackPriority.NORMAL) {
                improve(ladder, i, ladder.length(i) - 1, previousRank[i]);
            }
        }
        return remaining;
    }

    /** The step track {@code i} got, -1 none. */
    int step(int i) {
        return step[i];
    }

    private void improve(LayerLadder ladder, int i, int cap, int previousRank) {
        for (int k = cap; k > step[i]; k--) {
            if (fits(ladder, i, k, previousRank)) {
                take(ladder, i, k);
                return;
            }
        }
    }

    private boolean fits(LayerLadder ladder, int i, int k, int previousRank) {
        long delta = ladder.cost(i, k) - ladder.cost(i, step[i]);
        if (delta > remaining) {
            return false;
        }
        return ladder.rankOf(i, k) <= previousRank || remaining - delta >= (long) (UP_MARGIN * ladder.cost(i, k));
    }

    private void take(LayerLadder ladder, int i, int k) {
        remaining -= ladder.cost(i, k) - ladder.cost(i, step[i]);
        step[i] = k;
    }
}
