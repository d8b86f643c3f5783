package io.stagecast.signaling.room;

/**
 * What a viewer shows of one stage track (request {@code media.viewport}, docs/protocol.md):
 * whether its tile is visible, and its size in device pixels (CSS pixels x devicePixelRatio,
 * 0 when not known yet).
 *
 * @param trackId the track as the subscriber sees it ({@link StageTrack#trackId()})
 */
public record Viewport(String trackId, boolean visible, int width, int height) {
    /** Larger than any screen (8K is 7680 wide): a bigger number is a client bug, not a tile. */
    public static final int MAX_SIDE = 8192;
    /** Entries in one request: more than a full stage of cameras and screens. */
    public static final int MAX_ENTRIES = 64;
    /** Before the first report: shown, size unknown (the allocation then follows bandwidth alone). */
    static final Viewport UNKNOWN = new Viewport("", true, 0, 0);

    public Viewport {
        if (width < 0 || width > MAX_SIDE || height < 0 || height > MAX_SIDE) {
            throw new IllegalArgumentException("width and height are 0.." + MAX_SIDE);
        }
    }
}
