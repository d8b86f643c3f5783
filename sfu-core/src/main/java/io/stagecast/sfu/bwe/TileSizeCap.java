package io.stagecast.sfu.bwe;

/**
 * The largest spatial layer a tile can show: the smallest layer at least as large as the tile
 * (device pixels), so a 320-px tile never gets the 1280-px layer. Static, allocation-free.
 *
 * <p>"At least as large" follows how the web app draws the video: camera tiles use
 * {@code object-fit: cover} (the video fills the tile and is cropped, so a layer must match the
 * tile in both width and height), screen shares use {@code object-fit: contain} (the whole video
 * fits inside, so matching one of the two is enough).
 *
 * <p>Layer sizes the codec does not give (0) are derived from the nearest layer that has one:
 * each spatial step is twice the size (the simulcast ladder of libwebrtc and of the web app scales
 * by 2 per layer). No size at all, or an unknown tile (0 x 0, a WHEP viewer): no cap.
 */
final class TileSizeCap {
    /** 360p: the layer a NORMAL (gallery) track may stop at first, as Jitsi's tile view does. */
    static final int MEDIUM_LINES = 360;

    private TileSizeCap() {
    }

    /** The highest layer index {@code t} may get for its tile, {@code layerCount - 1} when nothing caps it. */
    static int largestLayer(TrackDemand t) {
        int top = t.layerCount - 1;
        if (t.viewWidth <= 0 && t.viewHeight <= 0) {
            return top;
        }
        boolean contain = t.priority == TrackPriority.CONTENT;
        for (int s = 0; s < top; s++) {
            int w = width(t, s);
            int h = height(t, s);
            if (w <= 0 && h <= 0) {
                return top; // the codec says nothing of any layer: bandwidth alone decides
            }
            if (covers(w, h, t.viewWidth, t.viewHeight, contain)) {
                return s;
            }
        }
        return top;
    }

    /**
     * The layer a NORMAL track may stop at in the first improving round: the highest one of at
     * most 360 lines (its shorter side, so portrait video counts the same), or one below the top
     * when the sizes are unknown.
     */
    static int mediumLayer(TrackDemand t) {
        int medium = -1;
        for (int s = 0; s < t.layerCount; s++) {
            int w = width(t, s);
            int h = height(t, s);
            if (w <= 0 || h <= 0) {
                return Math.max(0, t.layerCount - 2);
            }
            if (Math.min(w, h) <= MEDIUM_LINES) {
                medium = s;
            }
        }
        return Math.max(0, medium);
    }

    static boolean covers(int layerW, int layerH, int viewW, int viewH, boolean contain) {
        boolean wideEnough = viewW <= 0 || layerW >= viewW;
        boolean tallEnough = viewH <= 0 || layerH >= viewH;
        if (contain && viewW > 0 && viewH > 0) {
            return (layerW > 0 && layerW >= viewW) || (layerH > 0 && layerH >= viewH);
        }
        return wideEnough && tallEnough;
    }

    static int width(TrackDemand t, int s) {
        return derived(t.layerWidth, t.layerCount, s);
    }

    static int height(TrackDemand t, int s) {
        return derived(t.layerHeight, t.layerCount, s);
    }

    /** The size of layer s, or the nearest known one scaled by 2 per step; 0 when none is known. */
    private static int derived(int[] sizes, int count, int s) {
        if (sizes[s] > 0) {
            return sizes[s];
        }
        for (int d = 1; d < count; d++) {
            int above = s + d;
            if (above < count && sizes[above] > 0) {
                return Math.max(1, sizes[above] >> d);
            }
            int below = s - d;
            if (below >= 0 && sizes[below] > 0) {
                return sizes[below] << d;
            }
        }
        return 0;
    }
}
