package io.stagecast.sfu.router;

/**
 * Which layer of a producer one consumer forwards: the target (what the allocation chose: a
 * stream index, -1 for no video, and the highest temporal layer, -1 for all) and what is being
 * forwarded now. The current spatial layer changes only at a keyframe of the target (a decoder
 * can start nowhere else); the temporal layer goes down at once (dropping frames of a higher
 * layer never breaks the picture: nothing lower references them) and up only at a frame the
 * higher layer may start at (a layer sync or a TL0 frame, RFC 7741 4.2). Event loop only.
 */
final class LayerSelector {
    private final boolean video;
    private int target;
    private int current = -1;
    private int targetTemporal = -1;
    private int currentTemporal = -1;
    private long switches;

    LayerSelector(boolean video) {
        this.video = video;
    }

    int target() {
        return target;
    }

    int current() {
        return current;
    }

    int targetTemporal() {
        return targetTemporal;
    }

    int currentTemporal() {
        return currentTemporal;
    }

    long switches() {
        return switches;
    }

    void setTarget(int layer) {
        target = layer;
    }

    void setTargetTemporal(int temporal) {
        targetTemporal = temporal;
    }

    /** Whether a packet of {@code layer} that is not the current one should start it now. */
    boolean startsAt(int layer, boolean keyframe) {
        return layer == target && (keyframe || !video);
    }

    /** {@code layer} is forwarded from now on (the caller restarted the numbering on its keyframe). */
    void setCurrent(int layer) {
        if (layer != current) {
            switches++;
        }
        current = layer;
        currentTemporal = targetTemporal;
    }

    /** Nothing is forwarded until the target's next keyframe. */
    void stop() {
        current = -1;
    }

    /**
     * Whether a packet of temporal layer {@code tid} of the current layer goes out. The temporal
     * layer changes only where a frame starts, so no frame is cut: down at any frame, up at a TL0
     * frame (everything after it may reference it) or, one layer at a time, at a layer-sync frame
     * of the higher layer (Y: it references TL0 frames only).
     */
    boolean forwardsTemporal(int tid, boolean startsFrame, boolean layerSync) {
        if (startsFrame && currentTemporal != targetTemporal) {
            boolean down = targetTemporal >= 0 && (currentTemporal < 0 || targetTemporal < currentTemporal);
            if (down || tid == 0) {
                currentTemporal = targetTemporal;
            } else if (layerSync && tid > currentTemporal && (targetTemporal < 0 || tid <= targetTemporal)) {
                currentTemporal = tid == targetTemporal ? targetTemporal : tid;
            }
        }
        return currentTemporal < 0 || tid <= currentTemporal;
    }
}
