package io.stagecast.signaling.stage;

/**
 * What one participant publishes (each kind on or off) and what a moderator turned off. A forced
 * mute outlives the stage place: whoever was muted and comes back is still muted.
 */
final class MemberTracks {
    private boolean microphoneOn;
    private boolean cameraOn;
    private boolean screenSharing;
    private boolean microphoneForcedOff;
    private boolean cameraForcedOff;

    boolean on(TrackKind kind) {
        return switch (kind) {
            case MICROPHONE -> microphoneOn;
            case CAMERA -> cameraOn;
            case SCREEN -> screenSharing;
        };
    }

    void set(TrackKind kind, boolean value) {
        switch (kind) {
            case MICROPHONE -> microphoneOn = value;
            case CAMERA -> cameraOn = value;
            case SCREEN -> screenSharing = value;
        }
    }

    boolean forcedOff(TrackKind kind) {
        return kind == TrackKind.MICROPHONE ? microphoneForcedOff : kind == TrackKind.CAMERA && cameraForcedOff;
    }

    void setForcedOff(TrackKind kind, boolean value) {
        if (kind == TrackKind.MICROPHONE) {
            microphoneForcedOff = value;
        } else if (kind == TrackKind.CAMERA) {
            cameraForcedOff = value;
        }
    }

    /** A viewer publishes nothing; forced mutes stay. */
    void stopAll() {
        microphoneOn = false;
        cameraOn = false;
        screenSharing = false;
    }

    @Override
    public String toString() {
        return "tracks[mic=" + microphoneOn + (microphoneForcedOff ? "/forced" : "") + " cam=" + cameraOn
                + (cameraForcedOff ? "/forced" : "") + " screen=" + screenSharing + "]";
    }
}
