package io.stagecast.signaling.sdp;

import java.util.List;
import java.util.Objects;

/**
 * a=ssrc-group (RFC 5576 4.2): semantics ("FID" pairs a media SSRC with its RTX SSRC, RFC 4588
 * 8.1; "SIM" lists simulcast layers) and the SSRCs in order.
 */
public record SsrcGroup(String semantics, List<Long> ssrcs) {

    public static final String FID = "FID";
    public static final String SIM = "SIM";

    public SsrcGroup {
        Objects.requireNonNull(semantics, "semantics");
        ssrcs = List.copyOf(ssrcs);
    }

    String sdpValue() {
        StringBuilder b = new StringBuilder(semantics);
        for (Long ssrc : ssrcs) {
            b.append(' ').append(ssrc);
        }
        return b.toString();
    }
}
