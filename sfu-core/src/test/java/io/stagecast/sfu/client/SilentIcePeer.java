package io.stagecast.sfu.client;

import io.stagecast.sfu.dtls.DtlsCertificate;
import io.stagecast.sfu.dtls.DtlsListener;
import io.stagecast.sfu.dtls.DtlsRole;
import io.stagecast.sfu.dtls.DtlsSession;
import io.stagecast.sfu.srtp.SrtpMasterKeys;
import io.stagecast.sfu.stun.StunBindingClient;
import io.stagecast.sfu.transport.Transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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

    /** The first flight of a BouncyCastle DTLS client: a ClientHello, as a browser's first DTLS datagram. */
    static byte[] clientHello() throws Exception {
        CompletableFuture<byte[]> first = new CompletableFuture<>();
        DtlsCertificate certificate = DtlsCertificate.generate();
        DtlsSession client = new DtlsSession(certificate, DtlsRole.CLIENT, "sha-256", certificate.fingerprintHex(),
                first::complete, new DtlsListener() {
                    @Override
                    public void onConnected(SrtpMasterKeys keys) {
                    }

                    @Override
                    public void onFailed(String reason, Throwable cause) {
                    }

                    @Override
                    public void onClosed() {
                    }
                }, task -> new Thread(task, "client-hello").start());
        client.start();
        try {
            return first.get(LoopbackNode.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            client.close();
        }
    }
}
