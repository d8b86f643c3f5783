package io.stagecast.signaling.media;

import io.stagecast.sfu.router.MediaKind;
import io.stagecast.sfu.rtp.RtpExtensionUris;
import io.stagecast.signaling.sdp.Codec;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the SFU forwards, and the numbering it uses in its own offers to subscribers.
 *
 * <p>One fixed payload type per codec in every subscriber offer: within a BUNDLE group a payload
 * type must mean one codec (RFC 8843 9.1), and publishers may number theirs differently.
 */
final class SupportedCodecs {
    /** Video codecs in our order of preference: VP8 first because every subscriber decodes it. */
    static final List<String> VIDEO_PREFERENCE = List.of("VP8", "VP9", "H264", "AV1");

    /** Canonical payload type (and RTX payload type) of each codec in our offers. */
    static final Map<String, int[]> OFFER_PAYLOAD_TYPES = Map.of(
            "OPUS", new int[]{111, -1},
            "VP8", new int[]{96, 97},
            "VP9", new int[]{98, 99},
            "H264", new int[]{102, 103},
            "AV1", new int[]{45, 46});

    /** Header extensions we accept from publishers (others are refused in the answer). */
    static final Set<String> PUBLISH_EXTENSIONS = Set.of(
            RtpExtensionUris.MID, RtpExtensionUris.RID, RtpExtensionUris.AUDIO_LEVEL,
            RtpExtensionUris.ABS_SEND_TIME, RtpExtensionUris.TRANSPORT_CC, RtpExtensionUris.VIDEO_ORIENTATION);

    /**
     * Extensions in our offers to subscribers, with the ids we give them. No mid: subscribers
     * demultiplex by the a=ssrc we announce, so the publisher's mid value is padded away.
     */
    static final Map<String, Integer> SUBSCRIBE_EXTENSIONS = Map.of(
            RtpExtensionUris.AUDIO_LEVEL, 1,
            RtpExtensionUris.ABS_SEND_TIME, 2,
            RtpExtensionUris.TRANSPORT_CC, 3,
            RtpExtensionUris.VIDEO_ORIENTATION, 4);

    private SupportedCodecs() {
    }

    static boolean isSupported(MediaKind kind, Codec codec) {
        String name = codec.getName().toUpperCase();
        return kind == MediaKind.AUDIO ? name.equals("OPUS") : VIDEO_PREFERENCE.contains(name);
    }

    static boolean appliesTo(String uri, MediaKind kind) {
        if (uri.equals(RtpExtensionUris.AUDIO_LEVEL)) {
            return kind == MediaKind.AUDIO;
        }
        if (uri.equals(RtpExtensionUris.VIDEO_ORIENTATION) || uri.equals(RtpExtensionUris.RID)) {
            return kind == MediaKind.VIDEO;
        }
        return true;
    }
}
