package io.stagecast.bench;

/**
 * The shape of the synthetic stream: a video frame of {@code bitrate / 8 / fps} bytes split into
 * equal packets of at most {@code maxPayload} bytes every {@code 1 / fps}, and an Opus-like audio
 * packet every 20 ms (RFC 7587: 48 kHz RTP clock).
 *
 * <p>{@code pacingFactor}: a frame's packets leave at that multiple of the video bitrate, each
 * after the previous (Chromium's pacer sends at 2.5 x the target rate), so a frame takes
 * 1/fps / pacingFactor instead of arriving as one burst.
 */
public record VideoPacing(int videoBitrate, int fps, int audioBitrate, int maxPayload, long keyframeIntervalNanos,
                   double pacingFactor) {
    static final long AUDIO_INTERVAL_NANOS = 20_000_000L;
    static final int AUDIO_TICKS_PER_PACKET = 960;
    static final int VIDEO_CLOCK_RATE = 90_000;

    public VideoPacing {
        if (videoBitrate <= 0 || fps <= 0 || fps > 120 || audioBitrate < 0 || maxPayload < 100 || maxPayload > 1400
                || !(pacingFactor >= 1)) {
            throw new IllegalArgumentException("unusable stream shape: " + videoBitrate + " bit/s, " + fps + " fps, "
                    + audioBitrate + " bit/s audio, " + maxPayload + " bytes per packet, pacing x" + pacingFactor);
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

    /** Between two packets of one frame: the frame interval shared by its packets, shortened by the pacing factor. */
    long packetGapNanos() {
        return (long) (frameIntervalNanos() / pacingFactor / packetsPerFrame());
    }

    int audioPayloadBytes() {
        return Math.max(PayloadStamp.LENGTH, audioBitrate / 8 / 50);
    }

    /** Packets per second one viewer receives of one publisher. */
    double packetsPerSecond() {
        return packetsPerFrame() * (double) fps + (audioBitrate > 0 ? 50 : 0);
    }
}
