package io.stagecast.sfu.dtls;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.stagecast.sfu.srtp.SrtpMasterKeys;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One DTLS 1.2 association with use_srtp (RFC 5764) per media transport.
 *
 * <p>Threads. BouncyCastle's handshake blocks, so it runs as one task on {@code handshakeExecutor}
 * (a bounded pool, never the event loop), pulling the datagrams {@link #receive} queued. Once
 * connected no thread is held: each arriving datagram schedules a short drain task on the same
 * executor that feeds the queue through BC's record layer, which re-sends our last flight when the
 * peer retransmits its own (RFC 6347 4.2.4) and notices close_notify and fatal alerts. Drain tasks
 * are serialized by a work counter, so BC's record layer is only ever used by one thread at a time.
 *
 * <p>With a plain executor each handshake in progress occupies one of its threads for up to the
 * handshake timeout (what tests and the synthetic peer use). A node uses a
 * {@link DtlsHandshakeScheduler} instead: a server session then asks for a thread only once the
 * peer's ClientHello arrived, and a handshake whose peer falls silent is ended after a few seconds
 * (see that class for why).
 */
public final class DtlsSession {

    private static final Logger LOG = LoggerFactory.getLogger(DtlsSession.class);

    /**
     * How long one drain waits for BC's record layer to give up on an empty queue. BC's receive
     * loops until its wait has expired, so the wait is the cost of each drain: keep it short.
     */
    private static final int DRAIN_WAIT_MILLIS = 1;

    private enum Phase { NEW, HANDSHAKING, CONNECTED, CLOSED }

    private final DtlsCertificate certificate;
    private final DtlsRole role;
    private final String remoteFingerprintAlgorithm;
    private final String remoteFingerprintHex;
    private final DtlsListener listener;
    private final Executor executor;
    /** Null: the handshake runs on {@link #executor} as soon as {@link #start} is called. */
    private final DtlsHandshakeScheduler scheduler;
    private final InetAddress peerAddress;
    private final ScheduledHandshake scheduled = new Scheduled();
    private final DtlsOptions options;
    private final QueuedDatagramTransport transport;
    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.NEW);
    /** Drain requests not yet served; the thread that raises it from 0 runs the drain. */
    private final AtomicInteger pendingDrains = new AtomicInteger();
    private final Runnable drainTask = this::drain;
    private volatile CertificateFingerprint expected;
    /** Set once the handshake was handed to the scheduler (a server: when the ClientHello came). */
    private volatile boolean submitted;
    /** Why the scheduler ended the handshake; the failure then says so instead of "interrupted". */
    private volatile String stallReason;

    /** Set by the handshake thread before the phase becomes CONNECTED, then only read. */
    private volatile DTLSTransport connection;
    private volatile DtlsSrtpPeer peer;
    private volatile long handshakeMillis = -1;

    // Touched only by drain tasks, which are serialized through pendingDrains.
    private final byte[] applicationData = new byte[QueuedDatagramTransport.RECEIVE_LIMIT];
    private boolean connectionClosed;

    /** As below, with a handshake timeout other than the default 20 s (configuration). */
    public DtlsSession(DtlsCertificate cert, DtlsRole role, String remoteFingerprintAlgorithm,
                       String remoteFingerprintHex, DatagramSink out, DtlsListener listener,
                       Executor handshakeExecutor, java.time.Duration handshakeTimeout) {
        this(cert, role, remoteFingerprintAlgorithm, remoteFingerprintHex, out, listener, handshakeExecutor,
                DtlsOptions.DEFAULT.withHandshakeTimeoutMillis((int) Math.min(Integer.MAX_VALUE, handshakeTimeout.toMillis())));
    }

    public DtlsSession(DtlsCertificate cert, DtlsRole role, String remoteFingerprintAlgorithm,
                       String remoteFingerprintHex, DatagramSink out, DtlsListener listener,
                       Executor handshakeExecutor) {
        this(cert, role, remoteFingerprintAlgorithm, remoteFingerprintHex, out, listener, handshakeExecutor,
                DtlsOptions.DEFAULT);
    }

    DtlsSession(DtlsCertificate cert, DtlsRole role, String remoteFingerprintAlgorithm,
                String remoteFingerprintHex, DatagramSink out, DtlsListener listener,
                Executor handshakeExecutor, DtlsOptions options) {
        this(cert, role, remoteFingerprintAlgorithm, remoteFingerprintHex, out, listener,
                Objects.requireNonNull(handshakeExecutor, "handshakeExecutor"), null, null, options);
    }

    /**
     * A node's session: the handshake runs when {@code scheduler} admits it (a server once the
     * peer's ClientHello arrived), counted against {@code peerAddress}; records of a connected
     * session are read on the scheduler's record pool.
     */
    public DtlsSession(DtlsCertificate cert, DtlsRole role, String remoteFingerprintAlgorithm,
                       String remoteFingerprintHex, DatagramSink out, DtlsListener listener,
                       DtlsHandshakeScheduler scheduler, InetAddress peerAddress, java.time.Duration handshakeTimeout) {
        this(cert, role, remoteFingerprintAlgorithm, remoteFingerprintHex, out, listener,
                Objects.requireNonNull(scheduler, "scheduler").drainExecutor(), scheduler,
                Objects.requireNonNull(peerAddress, "peerAddress"),
                DtlsOptions.DEFAULT.withHandshakeTimeoutMillis((int) Math.min(Integer.MAX_VALUE, handshakeTimeout.toMillis())));
    }

    private DtlsSession(DtlsCertificate cert, DtlsRole role, String remoteFingerprintAlgorithm,
                        String remoteFingerprintHex, DatagramSink out, DtlsListener listener,
                        Executor executor, DtlsHandshakeScheduler scheduler, InetAddress peerAddress,
                        DtlsOptions options) {
        this.certificate = Objects.requireNonNull(cert, "cert");
        this.role = Objects.requireNonNull(role, "role");
        this.remoteFingerprintAlgorithm = remoteFingerprintAlgorithm;
        this.remoteFingerprintHex = remoteFingerprintHex;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.executor = executor;
        this.scheduler = scheduler;
        this.peerAddress = peerAddress;
        this.options = Objects.requireNonNull(options, "options");
        this.transport = new QueuedDatagramTransport(Objects.requireNonNull(out, "out"), options.mtu());
    }

    /**
     * Schedules the handshake; a client sends its ClientHello at once (with a scheduler: once it is
     * admitted; a refusal fails the session). A remote fingerprint that cannot be used (unknown hash
     * function, malformed hex) fails the session here, through {@link DtlsListener#onFailed}. Later
     * calls do nothing. With a scheduler, call it before {@link #receive}.
     */
    public void start() {
        if (!phase.compareAndSet(Phase.NEW, Phase.HANDSHAKING)) {
            return;
        }
        try {
            expected = CertificateFingerprint.parse(remoteFingerprintAlgorithm, remoteFingerprintHex);
        } catch (IllegalArgumentException e) {
            fail("unusable remote fingerprint: " + e.getMessage(), e);
            return;
        }
        if (scheduler == null) {
            try {
                executor.execute(() -> handshake(expected));
            } catch (RejectedExecutionException e) {
                fail("handshake executor rejected the DTLS handshake", e);
            }
        } else if (role == DtlsRole.CLIENT) {
            submitted = true;
            DtlsHandshakeScheduler.Refusal refusal = scheduler.submit(scheduled);
            if (refusal != null) {
                fail("handshake refused (" + refusal.tag + ")", null);
            }
        }
        // A scheduled server waits for the peer's ClientHello in receive().
    }

    /**
     * Takes one DTLS datagram from the event loop: copies it into a bounded queue and returns at
     * once. Never throws; datagrams that cannot be DTLS, or that find the queue full or the session
     * closed, are dropped and counted ({@link #droppedDatagrams()}). A scheduled server that has not
     * seen a ClientHello yet drops anything else, and asks for a thread with the ClientHello; if
     * that is refused, the ClientHello is dropped too and the peer's retransmission asks again.
     */
    public void receive(byte[] buf, int off, int len) {
        if (scheduler != null && role == DtlsRole.SERVER && !submitted) {
            receiveFirst(buf, off, len);
            return;
        }
        if (!transport.offer(buf, off, len)) {
            return;
        }
        // Checked after the offer: if the handshake completes in between, its own drain sees it.
        if (phase.get() == Phase.CONNECTED) {
            scheduleDrain();
        }
    }

    /**
     * Ends the session: a connected one sends close_notify (from the executor), a handshake in
     * progress is aborted. No listener call follows. Idempotent.
     */
    public void close() {
        Phase before = phase.getAndSet(Phase.CLOSED);
        if (before == Phase.CONNECTED) {
            scheduleDrain();
        } else if (before != Phase.CLOSED) {
            transport.abort();
            if (scheduler != null && submitted) {
                scheduler.withdraw(scheduled);
            }
        }
    }

    private void receiveFirst(byte[] buf, int off, int len) {
        if (phase.get() != Phase.HANDSHAKING || !ClientHelloSniffer.isClientHello(buf, off, len)) {
            transport.countDropped();
            return;
        }
        if (!transport.offer(buf, off, len)) {
            return;
        }
        submitted = true;
        if (scheduler.submit(scheduled) != null) {
            submitted = false;
            transport.clearInbound();
        }
    }

    public boolean isConnected() {
        return phase.get() == Phase.CONNECTED;
    }

    /** Datagrams refused by {@link #receive}: malformed, oversized, queue full or closed. */
    public long droppedDatagrams() {
        return transport.droppedInbound();
    }

    /** Milliseconds the handshake took, or -1 before it completed. */
    public long handshakeMillis() {
        return handshakeMillis;
    }

    private void handshake(CertificateFingerprint expected) {
        long startNanos = System.nanoTime();
        DtlsSrtpPeer handshakePeer = new DtlsSrtpPeer(expected);
        DTLSTransport established;
        try {
            if (role == DtlsRole.SERVER) {
                DtlsSrtpServer server = new DtlsSrtpServer(certificate, handshakePeer, options.handshakeTimeoutMillis());
                established = new DTLSServerProtocol().accept(server, transport);
            } else {
                DtlsSrtpClient client = new DtlsSrtpClient(certificate, handshakePeer, options.srtpProfiles(),
                        options.handshakeTimeoutMillis());
                established = new DTLSClientProtocol().connect(client, transport);
            }
        } catch (IOException | RuntimeException e) {
            String stalled = stallReason;
            fail(stalled != null ? stalled : describe(e), e);
            return;
        }
        handshakeMillis = (System.nanoTime() - startNanos) / 1_000_000;
        peer = handshakePeer;
        connection = established;
        if (!phase.compareAndSet(Phase.HANDSHAKING, Phase.CONNECTED)) {
            // close() came while BC was finishing; no drain can run yet, so closing here is safe.
            closeQuietly(established);
            return;
        }
        SrtpMasterKeys keys = handshakePeer.keys();
        LOG.debug("DTLS {} connected in {} ms, {}", role, handshakeMillis, keys.profile());
        try {
            listener.onConnected(keys);
        } catch (RuntimeException e) {
            LOG.warn("DtlsListener.onConnected threw", e);
        }
        scheduleDrain();
    }

    private void fail(String reason, Throwable cause) {
        Phase before = phase.get();
        if (before == Phase.CLOSED || !phase.compareAndSet(before, Phase.CLOSED)) {
            LOG.debug("DTLS {} handshake ended after close(): {}", role, reason);
            return;
        }
        transport.close();
        LOG.debug("DTLS {} handshake failed: {}", role, reason);
        try {
            listener.onFailed(reason, cause);
        } catch (RuntimeException e) {
            LOG.warn("DtlsListener.onFailed threw", e);
        }
    }

    private void scheduleDrain() {
        if (pendingDrains.getAndIncrement() == 0) {
            try {
                executor.execute(drainTask);
            } catch (RejectedExecutionException e) {
                // The executor is shutting down with the node; there is no one left to serve.
                LOG.debug("DTLS drain rejected", e);
            }
        }
    }

    private void drain() {
        int missed = 1;
        do {
            serviceConnection();
            missed = pendingDrains.addAndGet(-missed);
        } while (missed != 0);
    }

    private void serviceConnection() {
        if (connectionClosed) {
            return;
        }
        try {
            while (phase.get() == Phase.CONNECTED && transport.hasInbound()) {
                // Application data (we have no data channels) is read and ignored.
                connection.receive(applicationData, 0, applicationData.length, DRAIN_WAIT_MILLIS);
                if (peer.closeNotifyReceived()) {
                    endedByPeer("peer sent close_notify", null);
                    return;
                }
            }
        } catch (TlsFatalAlertReceived e) {
            endedByPeer("peer sent fatal alert " + AlertDescription.getText(e.getAlertDescription()), e);
            return;
        } catch (IOException | RuntimeException e) {
            endedByPeer("DTLS record layer failed: " + describe(e), e);
            return;
        }
        if (phase.get() == Phase.CLOSED) {
            connectionClosed = true;
            closeQuietly(connection);
            transport.close();
        }
    }

    private void endedByPeer(String reason, Throwable cause) {
        connectionClosed = true;
        closeQuietly(connection);
        transport.close();
        if (!phase.compareAndSet(Phase.CONNECTED, Phase.CLOSED)) {
            return;
        }
        LOG.debug("DTLS {} closed: {}", role, reason, cause);
        try {
            listener.onClosed();
        } catch (RuntimeException e) {
            LOG.warn("DtlsListener.onClosed threw", e);
        }
    }

    /** Sends close_notify unless BC already closed or failed the connection (RFC 5246 7.2.1). */
    private static void closeQuietly(DTLSTransport dtls) {
        try {
            dtls.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("closing DTLS transport failed", e);
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message != null ? message : e.getClass().getSimpleName();
    }

    /** This session as the scheduler sees it. */
    private final class Scheduled implements ScheduledHandshake {
        @Override
        public InetAddress peer() {
            return peerAddress;
        }

        @Override
        public long lastProgressNanos() {
            return transport.lastProgressNanos();
        }

        @Override
        public void run() {
            if (phase.get() == Phase.HANDSHAKING) {
                handshake(expected);
            }
        }

        @Override
        public boolean stall(String reason) {
            if (stallReason != null || phase.get() != Phase.HANDSHAKING) {
                return false;
            }
            stallReason = reason;
            transport.abort();
            return true;
        }

        @Override
        public void expire(String reason) {
            fail(reason, null);
        }

        @Override
        public boolean isOver() {
            return phase.get() != Phase.HANDSHAKING;
        }
    }
}
