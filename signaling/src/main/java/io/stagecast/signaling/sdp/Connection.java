package io.stagecast.signaling.sdp;

import java.util.Objects;

/** A c= line (RFC 8866 5.7): network type "IN", address type "IP4"/"IP6", and the address. */
public record Connection(String netType, String addressType, String address) {

    public Connection {
        Objects.requireNonNull(netType, "netType");
        Objects.requireNonNull(addressType, "addressType");
        Objects.requireNonNull(address, "address");
    }

    public static Connection ip4(String address) {
        return new Connection("IN", "IP4", address);
    }

    String sdpValue() {
        return netType + " " + addressType + " " + address;
    }
}
