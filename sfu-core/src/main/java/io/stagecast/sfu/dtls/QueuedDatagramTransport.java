package io.stagecast.sfu.dtls;

import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.tls.DatagramTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The datagram pipe BouncyCastle's blocking DTLS code pulls from: inbound datagrams are copied by
 * the event loop into a bounded queue (never blocking it), and BC's thread takes them out with a
 * timeout; outbound ones go to the {@link DatagramSink}. DTLS is only the handshake and a few
 * alerts, so a copy per datagram is fine here, unlike on the SRTP path.
 */
final class QueuedDatagramTransport implements DatagramTransport {

    private static final Logger LOG = LoggerFactory.getLogger(QueuedDatagramTransport.class);

    /**
     * Largest datagram we accept. Peers send at most their path MTU (browsers ~1200), but OpenSSL
     * peers may fill a 1500-byte Ethernet frame; nothing legitimate comes near 2048.
     */
    static final int RECEIVE_LIMIT = 2048;
    /** A DTLS record header (RFC 6347 4.1) is 13 bytes; anything shorter cannot be DTLS. */
    private static final int RECORD_HEADER_LENGTH = 13;
    /** A few full flights; beyond that the peer is flooding us and datagrams are dropped. */
    private static final int QUEUE_CAPACITY = 64;
    /** Offered on abort so that a thread waiting in {@link #receive} wakes at once. */
    private static final byte[] WAKE_UP = new byte[0];

    private final ArrayBlockingQueue<byte[]> inbound = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final DatagramSink out;
    private final int sendLimit;
    private final AtomicLong droppedInbound = new AtomicLong();
    private final AtomicLong failedSends = new AtomicLong();
    /** Set by BC when it closes the connection: stop sending, accept nothing more. */
    private volatile boolean closed;
    /** Set by the session to stop a handshake: the next receive throws. */
    private volatile boolean aborted;
    /**
     * When the handshake last moved: a datagram from the peer, or our first datagram after one (a new
     * flight; retransmissions of it are not progress). A peer that stops answering leaves it behind.
     */
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile boolean sentSinceInbound;

    QueuedDatagramTransport(DatagramSink out, int sendLimit) {
        this.out = out;
        this.sendLimit = sendLimit;
    }

    /**
     * Event-loop side: copies one datagram in. Returns false (and counts a drop) for anything that
     * cannot be a DTLS record or does not fit, so callers never see an exception for bad input.
     */
    boolean offer(byte[] buf, int off, int len) {
        if (closed || aborted || buf == null || off < 0 || len < RECORD_HEADER_LENGTH || len > RECEIVE_LIMIT
                || off > buf.length - len) {
            droppedInbound.incrementAndGet();
            return false;
        }
        if (!inbound.offer(Arrays.copyOfRange(buf, off, off + len))) {
            droppedInbound.incrementAndGet();
            return false;
        }
        sentSinceInbound = false;
        lastProgressNanos = System.nanoTime();
        return true;
    }

    /** Counts a datagram the session would not queue. */
    void countDropped() {
        droppedInbound.incrementAndGet();
    }

    /** Forgets what was queued (a ClientHello the scheduler refused: the peer's retransmission asks again). */
    void clearInbound() {
        inbound.clear();
    }

    /** See the field: what the handshake scheduler measures a silent peer by. */
    long lastProgressNanos() {
        return lastProgressNanos;
    }

    boolean hasInbound() {
        return !inbound.isEmpty();
    }

    /** Wakes and fails a handshake blocked in {@link #receive}. */
    void abort() {
        aborted = true;
        inbound.clear();
        inbound.offer(WAKE_UP);
    }

    long droppedInbound() {
        return droppedInbound.get();
    }

    @Override
    public int getReceiveLimit() {
        return RECEIVE_LIMIT;
    }

    @Override
    public int getSendLimit() {
        return sendLimit;
    }

    /**
     * Returns the next datagram, or -1 when none came within {@code waitMillis}. BC documents 0 as
     * "forever"; we treat it as "don't wait", since no pool thread may block indefinitely.
     */
    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws InterruptedIOException {
        byte[] datagram;
        try {
            datagram = waitMillis > 0 ? inbound.poll(waitMillis, TimeUnit.MILLISECONDS) : inbound.poll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a DTLS datagram");
        }
        if (aborted) {
            throw new InterruptedIOException("DTLS session closed");
        }
        if (datagram == null || closed) {
            return -1;
        }
        if (datagram.length > len) {
            droppedInbound.incrementAndGet();
            return -1;
        }
        System.arraycopy(datagram, 0, buf, off, datagram.length);
        return datagram.length;
    }

    @Override
    public void send(byte[] buf, int off, int len) {
        // Still sends after abort(): BC's last act is a fatal alert that lets the peer stop early.
        if (closed) {
            return;
        }
        if (!sentSinceInbound) {
            sentSinceInbound = true;
            lastProgressNanos = System.nanoTime();
        }
        try {
            out.send(Arrays.copyOfRange(buf, off, off + len));
        } catch (RuntimeException e) {
            // UDP is lossy anyway: DTLS retransmits the flight; keep the handshake alive.
            if (failedSends.getAndIncrement() == 0) {
                LOG.warn("DatagramSink failed, DTLS datagram dropped", e);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        inbound.clear();
    }
}
