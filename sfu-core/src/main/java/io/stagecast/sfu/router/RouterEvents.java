package io.stagecast.sfu.router;

import java.util.List;

/**
 * What the media plane tells signaling about a room. Called on the media event loop: an
 * implementation hands the news to its own thread and returns at once, it never blocks.
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
}
