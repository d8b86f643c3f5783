package io.stagecast.bench;

/**
 * The shape of the synthetic stream: a video frame of {@code bitrate / 8 / fps} bytes split into
 * equal packets of at most {@code maxPayload} bytes every {@code 1 / fps}, and an Opus-like audio
 * packet every 20 ms (RFC 7587: 48 kHz RTP clock).
 */
record VideoPacing(int videoBitrate, int fps, int audioBitrate, int maxPayload, long keyframeIntervalNanos) {
    static final long AUDIO_INTERVAL_NANOS = 20_000_000L;
    static final int AUDIO_TICKS_PER_PACKET = 960;
    static final int VIDEO_CLOCK_RATE = 90_000;

    VideoPacing {
        if (videoBitrate <= 0 || fps <= 0 || fps > 120 || audioBitrate < 0 || maxPayload < 100 || maxPayload > 1400) {
            throw new IllegalArgumentException("unusable stream shape: " + videoBitrate + " bit/s, " + fps + " fps, "
                    + audioBitrate + " bit/s audio, " + maxPayload + " bytes per packet");
        }
    }

    int frameBytes() {
        return Math.max(PayloadStamp.LENGTH, videoBitrate / 8 / fps);
    }

    int packetsPerFrame() {
        return (frameBytes() + maxPayload - 1) / maxPayload;
    }

    long frameIntervalNanos() {
        return 1_000_000_000L / fps;
    }

    int audioPayloadBytes() {
        return Math.max(PayloadStamp.LENGTH, audioBitrate / 8 / 50);
    }

    /** Packets per second one viewer receives of one publisher. */
    double packetsPerSecond() {
        return packetsPerFrame() * (double) fps + (audioBitrate > 0 ? 50 : 0);
    }
}
