package io.stagecast.sfu.router;

import java.util.List;

/**
 * What the media plane tells signaling about a room. Called on a media event loop (with several
 * loops, possibly on several at once, each call on the loop that owns what it is about): an
 * implementation stores the news or hands it to its own thread and returns at once. It never
 * blocks and never takes a lock that a thread calling into the media plane may hold (a room's).
 */
public interface RouterEvents {
    RouterEvents NONE = new RouterEvents() {
    };

    /** The room's dominant speaker changed: the audio producer now speaking, null when nobody is. */
    default void onDominantSpeaker(Producer audio) {
    }

    /**
     * Which simulcast layers of {@code producer} some viewer needs, indexed like its
     * {@link ProducerSpec#streams()} (the rids in SDP order). A layer no viewer needs may be
     * switched off at the publisher (RTCRtpEncodingParameters.active = false); one that is needed
     * must be on. Called when the set changes.
     */
    default void onLayerDemand(Producer producer, List<Boolean> needed) {
    }

    /**
     * {@code producer} learnt the SSRC of one of its streams from the mid/rid header extensions of
     * its first packet (the offer named none: Chromium's simulcast), so its
     * {@link Producer#relaySpec()} changed. Once per stream, on the publisher's loop.
     */
    default void onStreamLearned(Producer producer) {
    }

    /**
     * An audio producer's latest voice activity: {@code lastVoiceNanos} is what
     * {@link Producer#lastVoiceNanos()} returns now ({@link System#nanoTime()} of the last packet
     * whose RFC 6464 level was voice). Called on the producer's own media loop, only when the
     * value changed since the last call for this producer, and at most about every 200 ms per
     * producer (signaling reads it once a second for "silent the longest", so finer is wasted);
     * never per packet. The receiver keeps the value: signaling never reads the loop-owned field.
     */
    default void onVoiceActivity(Producer producer, long lastVoiceNanos) {
    }
}
