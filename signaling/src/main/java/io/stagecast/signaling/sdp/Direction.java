package io.stagecast.signaling.sdp;

/** Media direction attributes (RFC 8866 6.7), also used as the direction of an extmap (RFC 8285 6). */
public enum Direction {
    SENDRECV("sendrecv"),
    SENDONLY("sendonly"),
    RECVONLY("recvonly"),
    INACTIVE("inactive");

    private final String sdpName;

    Direction(String sdpName) {
        this.sdpName = sdpName;
    }

    public String sdpName() {
        return sdpName;
    }

    /** The direction seen from the other side: what one peer sends, the other receives. */
    public Direction reversed() {
        return switch (this) {
            case SENDONLY -> RECVONLY;
            case RECVONLY -> SENDONLY;
            default -> this;
        };
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
