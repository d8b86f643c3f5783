package io.stagecast.sfu.bwe;

/**
 * The steps one allocation run may give each track, cheapest first: the lowest flowing layer's
 * lower temporal layers (where the publisher sends them), then every spatial layer the tile
 * allows with all its temporal layers. Lower frame rates are steps only below the smallest
 * picture, where the alternative is no picture: above it a smaller picture at the full rate is
 * the better one. Measured behind a 400 kbit/s link (ShapedViewerEndToEndTest): with frame-rate
 * steps on every layer the viewer was held at the 1280-px layer's TL0 (5 frames/s) with the
 * 640-px layer paused at the source, and never stepped down to the 320-px layer.
 *
 * <p>Flat arrays indexed {@code track * MAX_OPTIONS + step}, grown only when a run has more tracks
 * than any before: a run allocates nothing.
 */
final class LayerLadder {
    static final int MAX_OPTIONS = TrackDemand.MAX_LAYERS * TrackDemand.MAX_TEMPORAL;
    /** Cost of a layer nothing was ever measured for: libwebrtc's 320x180 simulcast layer, about. */
    static final long NOMINAL_LOWEST_BPS = 150_000;
    /**
     * Cost ratio of one spatial step (twice the size, four times the pixels), to price a layer that
     * is not flowing: libwebrtc's simulcast ladder runs 150 / 500 / 1700 kbit/s, about 3x a step.
     */
    static final int SPATIAL_COST_RATIO = 3;

    private int capacity;
    private int[] layer = new int[0];
    private int[] temporal = new int[0];
    private long[] cost = new long[0];
    private int[] length = new int[0];
    private int[] medium = new int[0];
    private int[] tileCap = new int[0];

    void ensureCapacity(int tracks) {
        if (tracks <= capacity) {
            return;
        }
        capacity = Math.max(tracks, capacity * 2);
        layer = new int[capacity * MAX_OPTIONS];
        temporal = new int[capacity * MAX_OPTIONS];
        cost = new long[capacity * MAX_OPTIONS];
        length = new int[capacity];
        medium = new int[capacity];
        tileCap = new int[capacity];
    }

    /**
     * Orders {@code (spatial, temporal)} so that a higher rank is a better picture: spatial first,
     * then temporal, "all temporal layers" (-1) above every single one.
     */
    static int rank(int spatial, int temporalLayer) {
        if (spatial < 0) {
            return -1;
        }
        return spatial * (TrackDemand.MAX_TEMPORAL + 1) + (temporalLayer < 0 ? TrackDemand.MAX_TEMPORAL : temporalLayer);
    }

    static int spatialOfRank(int rank) {
        return rank < 0 ? -1 : rank / (TrackDemand.MAX_TEMPORAL + 1);
    }

    /**
     * Builds track {@code i}'s steps.
     *
     * @param flowingOnly true: only layers flowing now, at their measured cost (what can be
     *        forwarded); false: every layer, a paused one priced by its last measured or an
     *        estimated cost (what the viewer would get if everything flowed)
     */
    void build(int i, TrackDemand t, boolean flowingOnly) {
        int cap = TileSizeCap.largestLayer(t);
        int mediumLayer = Math.min(cap, TileSizeCap.mediumLayer(t));
        int base = i * MAX_OPTIONS;
        int n = 0;
        long last = 0;
        int mediumIndex = -1;
        for (int s = 0; s <= cap; s++) {
            boolean flowing = t.layerActive[s];
            if (flowingOnly && !flowing) {
                continue;
            }
            long full = flowing && t.layerBps[s] > 0 ? t.layerBps[s] : estimatedBps(t, s);
            if (flowing && n == 0 && t.temporalCount[s] > 1) {
                for (int tl = 0; tl < t.temporalCount[s] - 1 && tl < TrackDemand.MAX_TEMPORAL - 1; tl++) {
                    long c = t.temporalBps[s * TrackDemand.MAX_TEMPORAL + tl];
                    if (c > last && c < full) {
                        put(base + n++, s, tl, c);
                        last = c;
                    }
                }
            }
            // A higher layer measured cheaper than a lower one (a still scene) is still the better
            // picture: keep the ladder non-decreasing rather than skip it.
            last = Math.max(full, last);
            put(base + n++, s, -1, last);
            if (s <= mediumLayer) {
                mediumIndex = n - 1;
            }
        }
        length[i] = n;
        medium[i] = Math.max(0, mediumIndex);
        tileCap[i] = cap;
    }

    private void put(int at, int s, int tl, long c) {
        layer[at] = s;
        temporal[at] = tl;
        cost[at] = c;
    }

    /** A layer's measured bitrate, else its last measured one, else one derived from a neighbour. */
    static long estimatedBps(TrackDemand t, int s) {
        long own = measured(t, s);
        if (own > 0) {
            return own;
        }
        for (int d = 1; d < t.layerCount; d++) {
            long above = s + d < t.layerCount ? measured(t, s + d) : 0;
            if (above > 0) {
                return Math.max(1, above / pow(SPATIAL_COST_RATIO, d));
            }
            long below = s - d >= 0 ? measured(t, s - d) : 0;
            if (below > 0) {
                return below * pow(SPATIAL_COST_RATIO, d);
            }
        }
        return NOMINAL_LOWEST_BPS * pow(SPATIAL_COST_RATIO, s);
    }

    private static long measured(TrackDemand t, int s) {
        return t.layerBps[s] > 0 ? t.layerBps[s] : t.lastMeasuredBps[s];
    }

    private static long pow(int base, int exp) {
        long r = 1;
        for (int k = 0; k < exp; k++) {
            r *= base;
        }
        return r;
    }

    int length(int i) {
        return length[i];
    }

    /** The last step of at most 360 lines (NORMAL tracks stop there in the first improving round). */
    int mediumStep(int i) {
        return medium[i];
    }

    int tileCap(int i) {
        return tileCap[i];
    }

    int layer(int i, int step) {
        return layer[i * MAX_OPTIONS + step];
    }

    int temporal(int i, int step) {
        return temporal[i * MAX_OPTIONS + step];
    }

    long cost(int i, int step) {
        return step < 0 ? 0 : cost[i * MAX_OPTIONS + step];
    }

    int rankOf(int i, int step) {
        return step < 0 ? -1 : rank(layer(i, step), temporal(i, step));
    }

    /** The highest step whose rank is at most {@code rank}, -1 none. */
    int stepAtOrBelow(int i, int rank) {
        for (int k = length[i] - 1; k >= 0; k--) {
            if (rankOf(i, k) <= rank) {
                return k;
            }
        }
        return -1;
    }
}
