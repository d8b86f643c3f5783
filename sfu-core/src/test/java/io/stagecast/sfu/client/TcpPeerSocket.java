package io.stagecast.sfu.client;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;

/**
 * An ICE-TCP client for a {@link SyntheticPeer}: a plain socket to a node's passive TCP candidate,
 * every datagram of the peer sent as one RFC 4571 frame (a 16-bit length, then the bytes), and a
 * thread that reads frames and hands them to the peer. Written apart from the node's framing code,
 * so a mistake there shows here.
 */
final class TcpPeerSocket implements PeerSocket, AutoCloseable {
    private final Socket socket;
    private final InetSocketAddress server;
    private final DataOutputStream out;
    private volatile SyntheticPeer peer;
    private volatile boolean closedByNode;

    TcpPeerSocket(InetSocketAddress server) throws IOException {
        this.server = server;
        socket = new Socket(server.getAddress(), server.getPort());
        socket.setTcpNoDelay(true);
        out = new DataOutputStream(socket.getOutputStream());
        Thread reader = new Thread(this::readLoop, "tcp-peer-" + socket.getLocalPort());
        reader.setDaemon(true);
        reader.start();
    }

    InetSocketAddress serverAddress() {
        return server;
    }

    void attach(SyntheticPeer peer) {
        this.peer = peer;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    @Override
    public synchronized boolean send(ByteBuffer datagram, InetSocketAddress to) {
        try {
            int len = datagram.remaining();
            byte[] b = new byte[2 + len];
            b[0] = (byte) (len >>> 8);
            b[1] = (byte) len;
            datagram.get(b, 2, len);
            out.write(b);
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Bytes as they are, no framing added: for malformed input. */
    synchronized void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    private void readLoop() {
        try (DataInputStream in = new DataInputStream(socket.getInputStream())) {
            byte[] buf = new byte[65536];
            while (true) {
                int len = in.readUnsignedShort();
                in.readFully(buf, 0, len);
                SyntheticPeer p = peer;
                if (p != null) {
                    p.receive(buf, len, server, System.nanoTime());
                }
            }
        } catch (EOFException e) {
            closedByNode = true;
        } catch (IOException e) {
            closedByNode = !socket.isClosed();
        }
    }

    /** The node closed the connection (our reader saw its end). */
    boolean closedByNode() {
        return closedByNode;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
