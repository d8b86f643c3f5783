package io.stagecast.sfu.bwe;

/** Tracks as a simulcast publisher of libwebrtc sends them: 180p / 360p / 720p. */
final class AllocationFixtures {
    static final long MS = 1_000_000L;
    static final long LOW = 150_000;
    static final long MID = 500_000;
    static final long HIGH = 1_700_000;
    static final long AUDIO = 40_000;

    private AllocationFixtures() {
    }

    static TrackDemand simulcast(TrackPriority priority) {
        TrackDemand t = new TrackDemand();
        t.priority = priority;
        t.layerCount = 3;
        int[] widths = {320, 640, 1280};
        long[] bps = {LOW, MID, HIGH};
        for (int s = 0; s < 3; s++) {
            t.layerWidth[s] = widths[s];
            t.layerHeight[s] = widths[s] * 9 / 16;
            t.layerBps[s] = bps[s];
            t.layerActive[s] = true;
            t.temporalCount[s] = 1;
        }
        return t;
    }

    static TrackDemand audio() {
        TrackDemand t = new TrackDemand();
        t.audio = true;
        t.layerCount = 1;
        t.layerBps[0] = AUDIO;
        t.layerActive[0] = true;
        return t;
    }

    /** VP8 with three temporal layers (7.5 / 15 / 30 fps) carrying 40 / 60 / 100 % of each layer. */
    static void withTemporalLayers(TrackDemand t) {
        for (int s = 0; s < t.layerCount; s++) {
            t.temporalCount[s] = 3;
            t.temporalBps[s * TrackDemand.MAX_TEMPORAL] = t.layerBps[s] * 40 / 100;
            t.temporalBps[s * TrackDemand.MAX_TEMPORAL + 1] = t.layerBps[s] * 60 / 100;
            t.temporalBps[s * TrackDemand.MAX_TEMPORAL + 2] = t.layerBps[s];
        }
    }

    static TrackDemand[] stage(TrackDemand... tracks) {
        return tracks;
    }
}
