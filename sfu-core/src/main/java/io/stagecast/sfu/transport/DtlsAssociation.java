package io.stagecast.sfu.transport;

import io.stagecast.sfu.dtls.DatagramSink;
import io.stagecast.sfu.dtls.DtlsListener;
import io.stagecast.sfu.dtls.DtlsSession;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * One transport's DTLS (RFC 5764): the peer's role and fingerprint from signaling, the datagrams
 * that came before them (kept, a few), and the session, started once both the parameters and a
 * selected pair exist. Event loop only; the handshake itself runs on the node's handshake pool.
 */
final class DtlsAssociation {
    /** DTLS datagrams that arrive before signaling told us the peer's fingerprint. */
    private static final int MAX_EARLY_DTLS = 8;

    private final TransportContext context;
    private RemoteDtlsParameters remote;
    private DtlsSession session;
    private final ArrayDeque<byte[]> early = new ArrayDeque<>();
    private long startedNanos;

    DtlsAssociation(TransportContext context) {
        this.context = context;
    }

    /** The peer's parameters; false when they were set already (the first wins). */
    boolean setRemote(RemoteDtlsParameters params) {
        if (remote != null) {
            return false;
        }
        remote = params;
        return true;
    }

    boolean hasRemote() {
        return remote != null;
    }

    /** A DTLS datagram from one of the validated addresses. */
    void receive(byte[] buf, int off, int len) {
        if (session != null) {
            session.receive(buf, off, len);
        } else if (early.size() < MAX_EARLY_DTLS) {
            byte[] copy = new byte[len];
            System.arraycopy(buf, off, copy, 0, len);
            early.add(copy);
        }
    }

    /**
     * Starts the session if the parameters and the selected pair are both known; returns the early
     * datagrams replayed, or -1 when not started now.
     */
    int startIfReady(InetSocketAddress selected, DatagramSink sink, DtlsListener events) {
        if (session != null || remote == null || selected == null) {
            return -1;
        }
        // Scheduled: a server session takes a handshake thread only once the peer's ClientHello comes.
        session = new DtlsSession(context.certificate(), remote.ourRole(), remote.fingerprintAlgorithm(),
                remote.fingerprint(), sink, events, context.handshakes(), selected.getAddress(),
                context.dtlsHandshakeTimeout());
        startedNanos = System.nanoTime();
        session.start();
        int replayed = early.size();
        for (byte[] datagram; (datagram = early.poll()) != null; ) {
            session.receive(datagram, 0, datagram.length);
        }
        return replayed;
    }

    /** A started handshake that has not finished within the configured time. */
    boolean timedOut(long nowNanos) {
        return session != null && nowNanos - startedNanos > context.dtlsHandshakeTimeout().toNanos();
    }

    String ourRole() {
        return remote == null ? "?" : String.valueOf(remote.ourRole());
    }

    void close() {
        if (session != null) {
            session.close();
        }
        early.clear();
    }
}
