package io.stagecast.sfu.dtls;

/**
 * Where a session's outgoing DTLS datagrams go. Called from handshake and executor threads, never
 * from the event loop that owns the socket: an implementation hands the datagram over to that loop
 * (and must not block). The array is the sink's to keep.
 */
@FunctionalInterface
public interface DatagramSink {
    void send(byte[] datagram);
}
