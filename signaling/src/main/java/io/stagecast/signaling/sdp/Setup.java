package io.stagecast.signaling.sdp;

/** The DTLS role attribute a=setup (RFC 4145 4, as used by RFC 8842 5). */
public enum Setup {
    ACTPASS("actpass"),
    ACTIVE("active"),
    PASSIVE("passive"),
    HOLDCONN("holdconn");

    private final String sdpName;

    Setup(String sdpName) {
        this.sdpName = sdpName;
    }

    public String sdpName() {
        return sdpName;
    }

    /** @return the role with this SDP name, or null if there is none */
    public static Setup fromSdp(String name) {
        for (Setup s : values()) {
            if (s.sdpName.equals(name)) {
                return s;
            }
        }
        return null;
    }
}
