package io.stagecast.signaling.sdp;

import java.util.List;
import java.util.Objects;

/** a=group (RFC 5888 5), e.g. semantics "BUNDLE" (RFC 8843) with the bundled mids in order. */
public record Group(String semantics, List<String> mids) {

    public Group {
        Objects.requireNonNull(semantics, "semantics");
        mids = List.copyOf(mids);
    }

    String sdpValue() {
        return mids.isEmpty() ? semantics : semantics + " " + String.join(" ", mids);
    }
}
