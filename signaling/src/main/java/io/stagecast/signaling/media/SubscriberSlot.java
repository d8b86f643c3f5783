package io.stagecast.signaling.media;

import io.stagecast.sfu.router.Producer;
import io.stagecast.sfu.router.MediaKind;

/**
 * One m-section of a subscriber's session: the SSRCs we send on it (ours, chosen once) and the
 * producer it currently carries, if any. A slot whose track left is inactive and never reused,
 * so the subscriber's mids stay stable.
 */
public final class SubscriberSlot {
    private final String mid;
    private final MediaKind kind;
    private final int ssrc;
    private final int rtxSsrc;
    private Producer producer;
    private String streamId;
    private String trackId;

    public SubscriberSlot(String mid, MediaKind kind, int ssrc, int rtxSsrc) {
        this.mid = mid;
        this.kind = kind;
        this.ssrc = ssrc;
        this.rtxSsrc = rtxSsrc;
    }

    public String mid() {
        return mid;
    }

    public MediaKind kind() {
        return kind;
    }

    public int ssrc() {
        return ssrc;
    }

    public int rtxSsrc() {
        return rtxSsrc;
    }

    public Producer producer() {
        return producer;
    }

    public String streamId() {
        return streamId;
    }

    public String trackId() {
        return trackId;
    }

    public boolean isActive() {
        return producer != null;
    }

    /**
     * @param streamId the publisher's participant id: the subscriber groups its tracks by it
     * @param trackId  what the subscriber sees as the track's id (says camera, microphone or screen)
     */
    public void assign(Producer producer, String streamId, String trackId) {
        this.producer = producer;
        this.streamId = streamId;
        this.trackId = trackId;
    }

    public void release() {
        this.producer = null;
    }
}
