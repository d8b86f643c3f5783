package io.stagecast.sfu.client;






import io.stagecast.sfu.stun.StunBindingClient;
import io.stagecast.sfu.transport.Transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;



/**
 * What an attacker with a valid token does to hold a node's resources: one authenticated ICE check
 * for a transport, optionally one DTLS ClientHello, then silence. A plain UDP socket, no thread.
 */
final class SilentIcePeer implements AutoCloseable {
    private final DatagramSocket socket;
    private final InetSocketAddress node;

    SilentIcePeer(InetAddress bindAddress, InetSocketAddress node) {
        try {
            this.socket = new DatagramSocket(new InetSocketAddress(bindAddress, 0));
            this.socket.setSoTimeout((int) LoopbackNode.PATIENCE.toMillis());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.node = node;
    }

    InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** One nominating check for {@code transport}; returns once the node answered it. */
    void checkOnce(Transport transport) throws IOException {
        StunBindingClient stun = new StunBindingClient(transport.iceParameters().ufrag() + ":silent",
                transport.iceParameters().password());
        byte[] request = stun.request(true, true, 1, 1L << 24);
        byte[] in = new byte[1500];
        for (int attempt = 0; attempt < 20; attempt++) {
            socket.send(new DatagramPacket(request, request.length, node));
            DatagramPacket answer = new DatagramPacket(in, in.length);
            try {
                socket.setSoTimeout(500);
                socket.receive(answer);
                if (stun.isSuccessResponse(answer.getData(), 0, answer.getLength())) {
                    return;
                }
            } catch (SocketTimeoutException lost) {
                // send again
            }
        }
        throw new IOException("the node did not answer the check of " + transport);
    }

    void send(byte[] datagram) throws IOException {
        socket.send(new DatagramPacket(datagram, datagram.length, node));
    }

    @Override
    public void close() {
        socket.close();
    }

    /** The first flight of a DTLS client: a ClientHello, as a browser's first DTLS datagram. */
    static byte[] clientHello() throws Exception {
        return DtlsClientHello.make(LoopbackNode.PATIENCE);
    }
}
