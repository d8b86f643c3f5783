package io.stagecast.sfu.audio;

/**
 * One speaker's recent audio levels in 20-ms frames and its speech activity over the three time
 * scales of Volfin and Cohen ("Dominant Speaker Identification for Multipoint Videoconferencing",
 * 2013): the immediate one (the last {@value #IMMEDIATE_FRAMES} frames), the medium one (a block
 * of {@value #MEDIUM_FRAMES} frames, about a syllable or short word) and the long one
 * ({@value #LONG_BLOCKS} blocks, about a sentence).
 *
 * <p>The paper counts active frequency sub-bands per frame; RFC 6464 gives one level per packet,
 * so (as Jitsi does) the level's 127-dB range is cut into {@value #SUB_BANDS} steps of 10 dB and
 * a frame "has" as many sub-bands as steps its loudness reaches. Levels within 10 dB of the
 * speaker's own noise floor count as none: a steady fan or street noise is not speech.
 *
 * <p>A frame with no packet is silence (DTX, a muted or vanished publisher), except that a frame
 * right after one with a packet holds its level: 20-ms packets with jitter may land two in one
 * frame and none in the next. Fixed arrays: {@link #onLevel} and {@link #evaluate} allocate nothing.
 */
final class SpeakerActivity {
    static final long FRAME_NANOS = 20_000_000L;
    /** Steps of 10 dB over RFC 6464's 0..127: the paper's N1 sub-bands. */
    static final int SUB_BANDS = 13;
    static final int BAND_DB = 10;
    static final int IMMEDIATE_FRAMES = 3;
    /** Frames per medium block (the paper's N2), 200 ms. */
    static final int MEDIUM_FRAMES = 10;
    /** A frame counts in its medium block when it reaches this many sub-bands (-57 dBov or louder). */
    static final int ACTIVE_FRAME_BANDS = 7;
    /** Medium blocks in the long window (the paper's N3): 2 s. */
    static final int LONG_BLOCKS = 10;
    /** A block counts in the long window when this many of its frames are active (120 of 200 ms). */
    static final int ACTIVE_BLOCK_FRAMES = 6;
    /**
     * The noise floor is the quietest frame of the last 10 to 20 s, never above -47 dBov: a
     * speaker who talks from the first frame must not make their own speech the floor.
     */
    static final int FLOOR_WINDOW_FRAMES = 500;
    static final int FLOOR_CAP = 80;

    private static final int RING = 128; // > LONG_BLOCKS * MEDIUM_FRAMES + IMMEDIATE_FRAMES
    private final long[] frameOf = new long[RING];
    private final byte[] loudness = new byte[RING];
    private long floorWindow;
    private int windowMin;
    private int previousWindowMin;

    /** Sub-bands of the last frames (the immediate score's k). */
    int immediate;
    /** Active frames of the latest medium block (the medium score's k). */
    int medium;
    /** Active medium blocks of the long window (the long score's k). */
    int longTerm;

    SpeakerActivity() {
        reset();
    }

    void reset() {
        java.util.Arrays.fill(frameOf, Long.MIN_VALUE);
        floorWindow = Long.MIN_VALUE;
        windowMin = 127;
        previousWindowMin = 127;
        immediate = 0;
        medium = 0;
        longTerm = 0;
    }

    /** @param level RFC 6464: 0 (0 dBov, loudest) to 127 (-127 dBov, silence) */
    void onLevel(int level, long nowNanos) {
        int loud = 127 - Math.max(0, Math.min(127, level));
        long frame = Math.floorDiv(nowNanos, FRAME_NANOS);
        int slot = (int) (frame & (RING - 1));
        if (frameOf[slot] != frame) {
            frameOf[slot] = frame;
            loudness[slot] = (byte) loud;
        } else if (loud > loudness[slot]) {
            loudness[slot] = (byte) loud;
        }
        long window = Math.floorDiv(frame, FLOOR_WINDOW_FRAMES);
        if (window != floorWindow) {
            previousWindowMin = window == floorWindow + 1 ? windowMin : 127;
            windowMin = 127;
            floorWindow = window;
        }
        windowMin = Math.min(windowMin, loud);
    }

    int noiseFloor() {
        return Math.min(FLOOR_CAP, Math.min(windowMin, previousWindowMin));
    }

    /** Loudness (127 - level) of a frame, 0 when it had no packet. */
    int loudness(long frame) {
        int slot = (int) (frame & (RING - 1));
        if (frameOf[slot] == frame) {
            return loudness[slot];
        }
        int before = (int) ((frame - 1) & (RING - 1));
        return frameOf[before] == frame - 1 ? loudness[before] : 0;
    }

    int subBands(long frame, int floor) {
        int loud = loudness(frame);
        return loud < floor + BAND_DB ? 0 : Math.min(SUB_BANDS - 1, loud / BAND_DB);
    }

    /** Counts the three scales' activity up to and including {@code lastFrame}. */
    void evaluate(long lastFrame) {
        int floor = noiseFloor();
        int bands = 0;
        for (int f = 0; f < IMMEDIATE_FRAMES; f++) {
            bands = Math.max(bands, subBands(lastFrame - f, floor));
        }
        immediate = bands;
        int activeBlocks = 0;
        for (int b = 0; b < LONG_BLOCKS; b++) {
            int active = 0;
            long newest = lastFrame - (long) b * MEDIUM_FRAMES;
            for (int f = 0; f < MEDIUM_FRAMES; f++) {
                if (subBands(newest - f, floor) >= ACTIVE_FRAME_BANDS) {
                    active++;
                }
            }
            if (b == 0) {
                medium = active;
            }
            if (active >= ACTIVE_BLOCK_FRAMES) {
                activeBlocks++;
            }
        }
        longTerm = activeBlocks;
    }
}
