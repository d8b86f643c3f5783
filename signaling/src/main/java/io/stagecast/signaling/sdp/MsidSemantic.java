package io.stagecast.signaling.sdp;

import java.util.List;
import java.util.Objects;

/** Session-level a=msid-semantic (e.g. "WMS" and stream ids), still written by browsers. */
public record MsidSemantic(String semantic, List<String> ids) {

    public MsidSemantic {
        Objects.requireNonNull(semantic, "semantic");
        ids = List.copyOf(ids);
    }

    String sdpValue() {
        // Chromium writes a space after the colon; it and Firefox accept either form.
        return " " + semantic + (ids.isEmpty() ? "" : " " + String.join(" ", ids));
    }
}
