package io.stagecast.sfu.bwe;

import java.util.Arrays;

/**
 * One track as one viewer's allocation sees it: what the publisher sends (inputs, refreshed by the
 * owner before each run) and what the viewer gets (outputs). Mutable and reused: one per consumer,
 * so an allocation run allocates nothing.
 */
public final class TrackDemand {
    public static final int MAX_LAYERS = 4;
    public static final int MAX_TEMPORAL = 4;

    // ---- inputs ----
    public boolean audio;
    public TrackPriority priority = TrackPriority.NORMAL;
    /** Whether the viewer shows the tile; WHEP viewers (no channel) are always visible. */
    public boolean visible = true;
    /** Device pixels the tile shows (CSS px x devicePixelRatio); 0 = unknown (then bandwidth alone decides). */
    public int viewWidth;
    public int viewHeight;
    /** Spatial layers, low to high by what they carry (not their order in the SDP). */
    public int layerCount;
    /** Width and height of each layer from its keyframes; 0 when the codec does not say. */
    public final int[] layerWidth = new int[MAX_LAYERS];
    public final int[] layerHeight = new int[MAX_LAYERS];
    /** Measured bitrate of each layer with all its temporal layers, bit/s; 0 when not flowing. */
    public final long[] layerBps = new long[MAX_LAYERS];
    /** Whether the layer is flowing now (packets within the last ~1.5 s). */
    public final boolean[] layerActive = new boolean[MAX_LAYERS];
    /** Temporal layers seen per spatial layer (1 when the codec or publisher has none). */
    public final int[] temporalCount = new int[MAX_LAYERS];
    /** Cumulative bitrate up to temporal layer t of spatial layer s: {@code [s * MAX_TEMPORAL + t]}. */
    public final long[] temporalBps = new long[MAX_LAYERS * MAX_TEMPORAL];
    /** The spatial layer being forwarded now, -1 none. */
    public int currentLayer = -1;

    // ---- outputs ----
    /** Spatial layer to forward, -1: no video for this viewer (paused). */
    public int targetLayer = -1;
    /** Highest temporal layer to forward of {@link #targetLayer}, -1: all of them. */
    public int targetTemporal = -1;
    /**
     * The layer this viewer would get if every layer flowed (for pausing at the source: a layer
     * nobody desires may be turned off by the publisher; one somebody desires must be on), -1 none.
     */
    public int desiredLayer = -1;
    public AllocationReason reason = AllocationReason.OPTIMAL;
    /** Bitrate the chosen layer is expected to take, bit/s. */
    public long allocatedBps;

    // ---- allocator state: StageAllocator keeps it between runs; the owner leaves it alone ----
    /** The last run's target as a {@link LayerLadder#rank rank} (spatial and temporal), -1 none. */
    int allocatedRank = -1;
    /** The last run's desired layer, -1 none. */
    int previousDesired = -1;
    /** Last measured bitrate of each layer, kept while the layer is paused (to price its return). */
    final long[] lastMeasuredBps = new long[MAX_LAYERS];
    /** The rank the budget last failed to hold (the track stepped down from it), -1 none. */
    int failedRank = -1;
    /** When it stepped down from {@link #failedRank}. */
    long failedAtNanos;
    /** Times in a row it stepped down from {@link #failedRank}, each within the retry hold of the one before. */
    int failures;
    /** When the allocated rank last rose to {@link #failedRank} or above. */
    long heldFailedRankSinceNanos;

    /** Forgets the allocator state, for an owner that reuses this object for another consumer. */
    public void forgetAllocation() {
        allocatedRank = -1;
        previousDesired = -1;
        failedRank = -1;
        failures = 0;
        Arrays.fill(lastMeasuredBps, 0);
    }

    public void clearInputs() {
        audio = false;
        priority = TrackPriority.NORMAL;
        visible = true;
        viewWidth = 0;
        viewHeight = 0;
        layerCount = 0;
        Arrays.fill(layerWidth, 0);
        Arrays.fill(layerHeight, 0);
        Arrays.fill(layerBps, 0);
        Arrays.fill(layerActive, false);
        Arrays.fill(temporalCount, 0);
        Arrays.fill(temporalBps, 0);
        currentLayer = -1;
    }
}
