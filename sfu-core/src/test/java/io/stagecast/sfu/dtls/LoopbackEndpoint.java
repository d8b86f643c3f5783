package io.stagecast.sfu.dtls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * One side of a test link: a UDP socket on 127.0.0.1, a sink that sends to the other side, and a
 * pump thread that feeds each received datagram into a {@link DtlsSession}, as an event loop would.
 */
final class LoopbackEndpoint implements AutoCloseable {

    final DatagramSocket socket;
    final AtomicInteger datagramsSent = new AtomicInteger();
    private volatile InetSocketAddress remote;
    /** Outgoing datagrams for which this answers true are lost. */
    private volatile Predicate<byte[]> loss = datagram -> false;
    private Thread pump;

    LoopbackEndpoint() {
        try {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    void sendTo(InetSocketAddress address) {
        remote = address;
    }

    void loseOutgoing(Predicate<byte[]> rule) {
        loss = rule;
    }

    DatagramSink sink() {
        return datagram -> {
            if (loss.test(datagram) || socket.isClosed()) {
                return;
            }
            try {
                socket.send(new DatagramPacket(datagram, datagram.length, remote));
                datagramsSent.incrementAndGet();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    void pumpInto(DtlsSession session) {
        pump = new Thread(() -> {
            byte[] buf = new byte[4096];
            DatagramPacket packet = new DatagramPacket(buf, buf.length);
            while (!socket.isClosed()) {
                try {
                    packet.setLength(buf.length);
                    socket.receive(packet);
                    session.receive(buf, packet.getOffset(), packet.getLength());
                } catch (IOException e) {
                    return;
                }
            }
        }, "pump-" + address().getPort());
        pump.setDaemon(true);
        pump.start();
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        if (pump != null) {
            pump.join(1000);
        }
    }
}
