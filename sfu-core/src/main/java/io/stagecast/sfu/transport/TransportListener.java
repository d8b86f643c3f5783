package io.stagecast.sfu.transport;

/** Events a transport reports to whoever created it (signaling). Called on the media event loop. */
public interface TransportListener {
    default void onConnected(Transport transport) {
    }

    /** The transport is gone: consent expired, DTLS failed or closed, or {@link Transport#close()}. */
    default void onClosed(Transport transport, String reason) {
    }

    TransportListener NONE = new TransportListener() {
    };
}
