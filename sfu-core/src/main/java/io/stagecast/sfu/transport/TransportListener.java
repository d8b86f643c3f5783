package io.stagecast.sfu.transport;

/**
 * Events a transport reports to whoever created it (signaling). Called on the transport's own
 * media event loop (several transports' events may arrive on several loops at once): an
 * implementation only queues the news for its own thread and returns. It never blocks and never
 * takes a lock that a thread calling into the media plane may hold (a room's), so a room busy
 * writing SDP never stalls the packets of the loop.
 */
public interface TransportListener {
    default void onConnected(Transport transport) {
    }

    /** The transport is gone: consent expired, DTLS failed or closed, or {@link Transport#close()}. */
    default void onClosed(Transport transport, String reason) {
    }

    TransportListener NONE = new TransportListener() {
    };
}
