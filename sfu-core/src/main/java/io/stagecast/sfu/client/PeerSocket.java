package io.stagecast.sfu.client;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A UDP socket that someone other than the {@link SyntheticPeer} owns and reads, e.g. one of many
 * channels of a load generator served by a few shared event-loop threads. The owner hands every
 * datagram it reads to {@link SyntheticPeer#receive}; the peer sends through this.
 */
public interface PeerSocket {
    /** Where the peer's datagrams come from (its ICE host candidate). */
    InetSocketAddress localAddress();

    /**
     * Sends the datagram's remaining bytes now or copies them before returning: the peer reuses
     * the buffer at once. Any thread.
     *
     * @return false when the datagram could not be handed to the socket (closed, full)
     */
    boolean send(ByteBuffer datagram, InetSocketAddress to);

    /** Called once when the peer closes, after its close_notify went out. */
    void close();
}
