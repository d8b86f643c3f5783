package io.stagecast.signaling.sdp;

import java.util.Objects;

/**
 * One a=ssrc line (RFC 5576 4.1): the SSRC, the source attribute name ("cname", "msid") and its
 * value (null for a property attribute without a colon).
 */
public record SsrcAttribute(long ssrc, String name, String value) {

    public SsrcAttribute {
        Objects.requireNonNull(name, "name");
    }

    String sdpValue() {
        return value == null ? ssrc + " " + name : ssrc + " " + name + ":" + value;
    }
}
