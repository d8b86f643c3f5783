package io.stagecast.signaling.sdp;

import java.util.Objects;

/**
 * An attribute this package does not type, kept verbatim so it survives a parse/write round
 * trip: name, and the value after the first colon (null for a property attribute with no colon).
 */
public record Attribute(String name, String value) {

    public Attribute {
        Objects.requireNonNull(name, "name");
    }

    String sdpLine() {
        return value == null ? "a=" + name : "a=" + name + ":" + value;
    }
}
