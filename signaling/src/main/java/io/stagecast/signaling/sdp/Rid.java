package io.stagecast.signaling.sdp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * a=rid (RFC 8851 10): an RTP stream id, whether it is sent or received, and its restrictions in
 * order ("pt" -> "96,97", "max-width" -> "1280", ...; a restriction without "=" maps to "").
 */
public record Rid(String id, Direction direction, Map<String, String> params) {

    /** The two directions a rid can have (RFC 8851 10: "send" / "recv"). */
    public enum Direction {
        SEND("send"),
        RECV("recv");

        private final String sdpName;

        Direction(String sdpName) {
            this.sdpName = sdpName;
        }

        public String sdpName() {
            return sdpName;
        }

        /** @return the direction with this SDP name, or null if there is none */
        public static Direction fromSdp(String name) {
            for (Direction d : values()) {
                if (d.sdpName.equals(name)) {
                    return d;
                }
            }
            return null;
        }
    }

    public Rid {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(direction, "direction");
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    public Rid(String id, Direction direction) {
        this(id, direction, Map.of());
    }

    /** The payload types this rid is restricted to ("pt="), empty when it allows all. */
    public List<Integer> payloadTypes() {
        String pt = params.get("pt");
        List<Integer> pts = new ArrayList<>();
        if (pt == null) {
            return pts;
        }
        for (String token : pt.split(",")) {
            int value = SdpNumbers.parseIntOrMinusOne(token.trim(), 0, 127);
            if (value >= 0) {
                pts.add(value);
            }
        }
        return pts;
    }

    String sdpValue() {
        StringBuilder b = new StringBuilder(id).append(' ').append(direction.sdpName());
        String separator = " ";
        for (Map.Entry<String, String> e : params.entrySet()) {
            b.append(separator).append(e.getKey());
            if (!e.getValue().isEmpty()) {
                b.append('=').append(e.getValue());
            }
            separator = ";";
        }
        return b.toString();
    }
}
