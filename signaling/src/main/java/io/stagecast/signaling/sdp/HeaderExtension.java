package io.stagecast.signaling.sdp;

import java.util.Objects;

/**
 * a=extmap (RFC 8285 5): local id, optional direction (null when absent), extension URI and the
 * optional extension attributes (null when absent).
 */
public record HeaderExtension(int id, Direction direction, String uri, String attributes) {

    public HeaderExtension {
        Objects.requireNonNull(uri, "uri");
    }

    public HeaderExtension(int id, String uri) {
        this(id, null, uri, null);
    }

    String sdpValue() {
        StringBuilder b = new StringBuilder().append(id);
        if (direction != null) {
            b.append('/').append(direction.sdpName());
        }
        b.append(' ').append(uri);
        if (attributes != null) {
            b.append(' ').append(attributes);
        }
        return b.toString();
    }
}
