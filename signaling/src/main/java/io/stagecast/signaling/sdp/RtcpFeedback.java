package io.stagecast.signaling.sdp;

import java.util.Objects;

/**
 * One a=rtcp-fb value for a codec (RFC 4585 4.2): type ("nack", "ccm", "transport-cc",
 * "goog-remb") and optional subtype ("pli", "fir"; null when absent).
 */
public record RtcpFeedback(String type, String subtype) {

    public RtcpFeedback {
        Objects.requireNonNull(type, "type");
    }

    public static RtcpFeedback of(String type) {
        return new RtcpFeedback(type, null);
    }

    public static RtcpFeedback of(String type, String subtype) {
        return new RtcpFeedback(type, subtype);
    }

    String sdpValue() {
        return subtype == null ? type : type + " " + subtype;
    }
}
