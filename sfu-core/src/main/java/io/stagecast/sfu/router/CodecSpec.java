package io.stagecast.sfu.router;

import io.stagecast.sfu.rtp.VideoCodec;

import java.util.List;

/**
 * The one codec a producer sends (the SFU never transcodes, so a track has exactly one), with its
 * retransmission payload type when RTX is used.
 *
 * @param fmtp          the a=fmtp parameters, passed on unchanged to subscribers
 * @param rtxPayloadType -1 when there is no RTX
 * @param rtcpFeedback  a=rtcp-fb values, e.g. "nack", "nack pli", "ccm fir", "transport-cc"
 */
public record CodecSpec(String name, int payloadType, int clockRate, int channels, String fmtp,
                        int rtxPayloadType, List<String> rtcpFeedback) {

    public CodecSpec {
        rtcpFeedback = List.copyOf(rtcpFeedback);
        fmtp = fmtp == null ? "" : fmtp;
    }

    /** The video codec for keyframe detection, or null for audio and unknown codecs. */
    public VideoCodec videoCodec() {
        return switch (name.toUpperCase()) {
            case "VP8" -> VideoCodec.VP8;
            case "VP9" -> VideoCodec.VP9;
            case "H264" -> VideoCodec.H264;
            case "AV1", "AV1X" -> VideoCodec.AV1;
            default -> null;
        };
    }
}
