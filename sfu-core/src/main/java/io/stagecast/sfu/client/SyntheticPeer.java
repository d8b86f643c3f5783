package io.stagecast.sfu.client;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.stagecast.sfu.buffer.PacketBuffer;
import io.stagecast.sfu.dtls.DtlsCertificate;
import io.stagecast.sfu.dtls.DtlsListener;
import io.stagecast.sfu.dtls.DtlsRole;
import io.stagecast.sfu.dtls.DtlsSession;
import io.stagecast.sfu.rtcp.RtcpCompound;
import io.stagecast.sfu.rtp.RtpPacket;
import io.stagecast.sfu.srtp.SrtpMasterKeys;
import io.stagecast.sfu.srtp.SrtpResult;
import io.stagecast.sfu.srtp.SrtpTransformer;
import io.stagecast.sfu.stun.StunBindingClient;
import io.stagecast.sfu.transport.IceParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A synthetic WebRTC endpoint that talks to a stagecast node the way a browser does, over its own
 * UDP socket: ICE as the controlling agent against the node's ICE-lite (RFC 8445), consent
 * freshness (RFC 7675), DTLS-SRTP (RFC 5764) in either role, then SRTP and SRTCP both ways. For
 * integration tests and the load generator; it sends no media by itself.
 *
 * <p>Threads. One daemon receive thread per peer reads the socket and owns the receive side
 * (STUN answers, DTLS records handed to the session, SRTP unprotect, counters). Checks run on a
 * timer shared by all peers, DTLS handshakes on a shared, bounded pool. {@link #sendRtp},
 * {@link #sendRtcp} and {@link #close} form the send side: call them from one thread at a time
 * (they reuse one buffer and one SRTP transformer, without locks).
 *
 * <p>With a {@link PeerSocket} the peer has no socket and no thread of its own: the socket's owner
 * reads it and hands each datagram to {@link #receive}, one thread at a time per peer. A load
 * generator serves thousands of peers that way from a few threads. Peers may share one
 * {@link DtlsCertificate}: generating a key pair per peer costs milliseconds of CPU.
 */
public final class SyntheticPeer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SyntheticPeer.class);

    /** How often a check is repeated while no answer came (RFC 8445 14.2 paces at 50 ms for one pair). */
    private static final long CHECK_RETRY_MILLIS = 50;
    private static final long CONNECT_TIMEOUT_MILLIS = 10_000;
    /** Time for the close_notify of {@link #close} to leave before the socket closes. */
    private static final long CLOSE_LINGER_MILLIS = 100;
    /** RFC 8445 5.1.2.1: a check carries the priority a peer-reflexive candidate would get (type 110). */
    private static final long PEER_REFLEXIVE_PRIORITY = (110L << 24) | (65535L << 8) | 255;
    private static final int RTP_HEADER_LENGTH = 12;
    private static final int RECEIVE_BUFFER_BYTES = 1 << 20;

    private static final ScheduledThreadPoolExecutor TIMER = newTimer();
    /** A handshake holds a thread until it ends, so this caps concurrent handshakes at its size. */
    private static final ThreadPoolExecutor DTLS_THREADS = new ThreadPoolExecutor(0, 1024, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), new DefaultThreadFactory("synthetic-peer-dtls", true));

    private final DtlsRole role;
    private final InetAddress bindAddress;
    private final long consentIntervalMillis;
    private final DtlsCertificate certificate;
    /** Null: the peer owns {@link #channel} and its receive thread. */
    private final PeerSocket external;
    private final IceParameters ice = IceParameters.random();
    private final long tieBreaker = ThreadLocalRandom.current().nextLong();
    private final CompletableFuture<Void> connected = new CompletableFuture<>();

    private volatile DatagramChannel channel;
    private volatile InetSocketAddress server;
    private volatile DtlsSession dtls;
    private volatile boolean iceConnected;
    /** Checks carry USE-CANDIDATE until answered: at first, and again after moving (RFC 8445 8.1.1). */
    private volatile boolean nominating;
    private volatile boolean consentStopped;
    private volatile boolean closed;
    private volatile boolean dtlsClosedByPeer;
    private volatile ReceivedRtpListener rtpListener = (packet, nanos) -> { };
    /** Sees each datagram from the node as it came off the wire (still protected), or null. */
    private volatile ReceivedDatagramListener datagramListener;
    /** Sees each authenticated RTCP compound, decrypted, or null. */
    private volatile ReceivedDatagramListener rtcpListener;

    /** StunBindingClient is not thread-safe: the timer builds requests, the receive thread checks answers. */
    private final Object stunLock = new Object();
    private StunBindingClient stun;

    // Send side (one thread at a time, see the class comment).
    private volatile SrtpTransformer sendSrtp;
    private final byte[] sendArray = new byte[PacketBuffer.CAPACITY];
    private final PacketBuffer sendView = new PacketBuffer(sendArray);
    private final ByteBuffer sendBuffer = ByteBuffer.wrap(sendArray);

    // Receive side (receive thread only).
    private volatile SrtpTransformer receiveSrtp;
    private final ByteBuffer receiveBuffer = ByteBuffer.allocate(PacketBuffer.CAPACITY);
    private final PacketBuffer receiveView = new PacketBuffer(receiveBuffer.array());
    private final RtpPacket rtpView = new RtpPacket();
    private final RtcpCompound rtcpView = new RtcpCompound();
    private final Map<Integer, ReceivedStream> streams = new ConcurrentHashMap<>();
    private ReceivedStream lastStream;

    // Counters: each written by one thread only (the receive thread, or the send side).
    private volatile long rtpReceived;
    private volatile long rtcpReceived;
    private volatile long authFailures;
    private volatile long replays;
    private volatile long undecodable;
    private volatile long mediaBeforeKeys;
    private volatile long stunResponses;
    private volatile long keyframeRequests;
    private volatile long nacks;
    private volatile long senderReports;
    private volatile long receiverReports;
    private volatile long sendFailures;

    /** A peer on 127.0.0.1 with a certificate of its own that sends consent checks every 2 s. */
    public SyntheticPeer(DtlsRole ourDtlsRole) {
        this(ourDtlsRole, DtlsCertificate.generate());
    }

    /** A peer on 127.0.0.1 that sends consent checks every 2 s and presents {@code certificate}. */
    public SyntheticPeer(DtlsRole ourDtlsRole, DtlsCertificate certificate) {
        this(ourDtlsRole, certificate, InetAddress.getLoopbackAddress(), Duration.ofSeconds(2));
    }

    /**
     * @param ourDtlsRole     CLIENT is what a browser does when it answers the node's actpass with
     *                        active; SERVER makes the node the DTLS client
     * @param bindAddress     local address of the peer's socket
     * @param consentInterval pause between consent checks once connected (browsers: 4-6 s at
     *                        random against a 30 s timeout, RFC 7675 5.1)
     */
    public SyntheticPeer(DtlsRole ourDtlsRole, InetAddress bindAddress, Duration consentInterval) {
        this(ourDtlsRole, DtlsCertificate.generate(), bindAddress, consentInterval);
    }

    private SyntheticPeer(DtlsRole ourDtlsRole, DtlsCertificate certificate, InetAddress bindAddress,
                          Duration consentInterval) {
        this.role = ourDtlsRole;
        this.certificate = certificate;
        this.bindAddress = bindAddress;
        this.consentIntervalMillis = positiveMillis(consentInterval);
        this.external = null;
        this.channel = openChannel();
        Thread receiver = new Thread(this::receiveLoop, "synthetic-peer-" + localAddress().getPort());
        receiver.setDaemon(true);
        receiver.start();
    }

    /**
     * A peer on a socket someone else owns and reads (see the class comment): it starts no thread
     * and hands {@link #receive} nothing by itself. {@link #moveToNewPort} is not available.
     */
    public SyntheticPeer(DtlsRole ourDtlsRole, DtlsCertificate certificate, PeerSocket socket,
                         Duration consentInterval) {
        this.role = ourDtlsRole;
        this.certificate = certificate;
        this.bindAddress = socket.localAddress().getAddress();
        this.consentIntervalMillis = positiveMillis(consentInterval);
        this.external = socket;
        this.channel = null;
    }

    private static long positiveMillis(Duration consentInterval) {
        if (consentInterval.toMillis() <= 0) {
            throw new IllegalArgumentException("consent interval must be positive: " + consentInterval);
        }
        return consentInterval.toMillis();
    }

    // ---- what the peer's SDP would say ----

    /** The a=fingerprint value of this peer's certificate, e.g. "sha-256 AB:CD:...". */
    public String fingerprint() {
        return certificate.sdpFingerprint();
    }

    /** The fingerprint's hex alone, as {@code RemoteDtlsParameters} takes it. */
    public String fingerprintHex() {
        return certificate.fingerprintHex();
    }

    public String iceUfrag() {
        return ice.ufrag();
    }

    public String icePwd() {
        return ice.password();
    }

    public DtlsRole dtlsRole() {
        return role;
    }

    /** Where the peer's datagrams currently come from. */
    public InetSocketAddress localAddress() {
        if (external != null) {
            return external.localAddress();
        }
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- connecting ----

    /**
     * Sends Binding requests with USE-CANDIDATE, signed with the server's password, until one is
     * answered; then runs the DTLS handshake, checking the server's certificate against
     * {@code serverFingerprint} ("sha-256 XX:..."), and keeps sending consent checks. The future
     * completes once SRTP keys are installed, or fails on a DTLS failure or after 10 s.
     *
     * @throws IllegalStateException when called twice
     */
    public CompletableFuture<Void> connect(InetSocketAddress serverAddress, String serverUfrag, String serverPwd,
                                           String serverFingerprint) {
        String[] fingerprint = serverFingerprint.trim().split("\\s+", 2);
        if (fingerprint.length != 2) {
            throw new IllegalArgumentException("expected \"<hash function> <hex>\", got: " + serverFingerprint);
        }
        synchronized (stunLock) {
            if (stun != null) {
                throw new IllegalStateException("connect() was already called");
            }
            stun = new StunBindingClient(serverUfrag + ":" + ice.ufrag(), serverPwd);
        }
        server = serverAddress;
        // Created now so that a ClientHello arriving right after ICE (we as SERVER) is queued.
        dtls = new DtlsSession(certificate, role, fingerprint[0], fingerprint[1], this::sendDtls, new DtlsEvents(),
                DTLS_THREADS);
        nominating = true;
        connected.orTimeout(CONNECT_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        TIMER.execute(this::checkTick);
        return connected.copy();
    }

    /** Connected: ICE answered, DTLS done, SRTP keys installed, and not closed. */
    public boolean isConnected() {
        return sendSrtp != null && !closed;
    }

    /** Stops sending consent checks: the node must expire the transport (RFC 7675 5.1). */
    public void stopConsent() {
        consentStopped = true;
    }

    /**
     * Continues from a new local port, as a browser whose network changed: the old socket closes,
     * and checks with USE-CANDIDATE go out from the new one until the node answers, so that it
     * moves the transport there (RFC 8445 7.3.1.5). SRTP continues with the same keys.
     */
    public void moveToNewPort() {
        if (external != null) {
            throw new UnsupportedOperationException("the socket of this peer belongs to its owner");
        }
        DatagramChannel old = channel;
        channel = openChannel(); // before closing the old one: the receive loop then picks it up
        nominating = true;
        closeQuietly(old);
        if (server != null && !consentStopped) {
            TIMER.execute(() -> sendCheck(true));
        }
    }

    private void checkTick() {
        if (closed || connected.isCompletedExceptionally()) {
            return;
        }
        if (!consentStopped) {
            sendCheck(nominating);
        }
        long delay = iceConnected && !nominating ? consentIntervalMillis : CHECK_RETRY_MILLIS;
        TIMER.schedule(this::checkTick, delay, TimeUnit.MILLISECONDS);
    }

    private void sendCheck(boolean useCandidate) {
        byte[] request;
        synchronized (stunLock) {
            request = stun.request(useCandidate, true, tieBreaker, PEER_REFLEXIVE_PRIORITY);
        }
        sendDatagram(ByteBuffer.wrap(request));
    }

    /** DTLS records from the handshake pool; also the close_notify after {@link #close}. */
    private void sendDtls(byte[] datagram) {
        sendDatagram(ByteBuffer.wrap(datagram));
    }

    private final class DtlsEvents implements DtlsListener {
        @Override
        public void onConnected(SrtpMasterKeys keys) {
            // Two transformers with the same keys: each direction is then owned by one thread.
            receiveSrtp = new SrtpTransformer(keys);
            sendSrtp = new SrtpTransformer(keys);
            log.debug("peer {} connected ({})", localAddress(), keys.profile());
            connected.complete(null);
        }

        @Override
        public void onFailed(String reason, Throwable cause) {
            connected.completeExceptionally(new IOException("DTLS failed: " + reason, cause));
        }

        @Override
        public void onClosed() {
            dtlsClosedByPeer = true;
        }
    }

    // ---- sending media ----

    /**
     * Builds an RTP packet with a plain 12-byte header, protects it and sends it.
     *
     * @return false when not connected (yet) or closed, or the packet could not be protected or sent
     */
    public boolean sendRtp(int ssrc, int payloadType, int seq, long timestamp, boolean marker, byte[] payload) {
        int length = RTP_HEADER_LENGTH + payload.length;
        if (length > PacketBuffer.MTU) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes does not fit one packet");
        }
        byte[] b = sendArray;
        b[0] = (byte) 0x80;
        b[1] = (byte) ((marker ? 0x80 : 0) | (payloadType & 0x7F));
        b[2] = (byte) (seq >>> 8);
        b[3] = (byte) seq;
        b[4] = (byte) (timestamp >>> 24);
        b[5] = (byte) (timestamp >>> 16);
        b[6] = (byte) (timestamp >>> 8);
        b[7] = (byte) timestamp;
        b[8] = (byte) (ssrc >>> 24);
        b[9] = (byte) (ssrc >>> 16);
        b[10] = (byte) (ssrc >>> 8);
        b[11] = (byte) ssrc;
        System.arraycopy(payload, 0, b, RTP_HEADER_LENGTH, payload.length);
        return protectAndSend(length, false);
    }

    /** Protects and sends a complete RTP packet the caller built (header extensions, padding...). */
    public boolean sendRtpPacket(byte[] packet, int off, int len) {
        System.arraycopy(packet, off, sendArray, 0, checkedLength(len));
        return protectAndSend(len, false);
    }

    /** Protects a (compound) RTCP packet as SRTCP and sends it. */
    public boolean sendRtcp(byte[] rtcp, int len) {
        System.arraycopy(rtcp, 0, sendArray, 0, checkedLength(len));
        return protectAndSend(len, true);
    }

    /**
     * Sends bytes unchanged from the peer's socket, to test how the node takes malformed input
     * from an address it trusts. Any thread.
     */
    public boolean sendRaw(byte[] datagram, int off, int len) {
        return sendDatagram(ByteBuffer.wrap(datagram, off, len));
    }

    private static int checkedLength(int len) {
        if (len < 0 || len > PacketBuffer.MTU) {
            throw new IllegalArgumentException("packet length " + len + " outside 0.." + PacketBuffer.MTU);
        }
        return len;
    }

    private boolean protectAndSend(int length, boolean rtcp) {
        SrtpTransformer srtp = sendSrtp;
        if (srtp == null || closed) {
            return false;
        }
        sendView.wrap(sendArray, 0, length);
        SrtpResult result = rtcp ? srtp.protectRtcp(sendView) : srtp.protectRtp(sendView);
        if (result != SrtpResult.OK) {
            sendFailures++;
            return false;
        }
        sendBuffer.clear().limit(sendView.getLength());
        return sendDatagram(sendBuffer);
    }

    /** Sends to the node from the current socket; a datagram caught by a move or close is lost, as on a network. */
    private boolean sendDatagram(ByteBuffer datagram) {
        InetSocketAddress to = server;
        if (to == null) {
            return false;
        }
        if (external != null) {
            return external.send(datagram, to);
        }
        try {
            channel.send(datagram, to);
            return true;
        } catch (ClosedChannelException e) {
            return false;
        } catch (IOException e) {
            log.debug("peer {} send failed: {}", to, e.toString());
            return false;
        }
    }

    // ---- receiving ----

    /** Sees every authenticated RTP packet, on the receive thread. */
    public void setRtpListener(ReceivedRtpListener listener) {
        this.rtpListener = listener == null ? (packet, nanos) -> { } : listener;
    }

    /**
     * Handles one datagram that the {@link PeerSocket}'s owner read: STUN answers, DTLS records,
     * SRTP/SRTCP (unprotected in place, so {@code datagram} is changed). Datagrams from anyone but
     * the node are ignored. One thread at a time per peer; without a PeerSocket the peer's own
     * thread does this.
     *
     * @param datagram the datagram from index 0, with room for {@code len} bytes
     */
    public void receive(byte[] datagram, int len, InetSocketAddress from, long nowNanos) {
        if (closed || len <= 0 || from == null || !from.equals(server)) {
            return;
        }
        try {
            onDatagram(datagram, len, nowNanos);
        } catch (RuntimeException e) {
            undecodable++;
            log.warn("peer failed to handle a datagram", e);
        }
    }

    private void receiveLoop() {
        while (!closed) {
            DatagramChannel current = channel;
            receiveBuffer.clear();
            SocketAddress from;
            try {
                from = current.receive(receiveBuffer);
            } catch (ClosedChannelException e) {
                if (current == channel && !closed) {
                    break; // closed underneath us, not by a move: nothing left to read
                }
                continue;
            } catch (IOException e) {
                log.debug("peer receive failed: {}", e.toString());
                continue;
            }
            if (from == null || !from.equals(server) || receiveBuffer.position() == 0) {
                continue; // only the node talks to us
            }
            try {
                onDatagram(receiveBuffer.array(), receiveBuffer.position(), System.nanoTime());
            } catch (RuntimeException e) {
                // A listener's bug or a surprise in a parser must not end the peer's reception.
                undecodable++;
                log.warn("peer failed to handle a datagram", e);
            }
        }
        SrtpTransformer srtp = receiveSrtp;
        if (srtp != null) {
            srtp.close();
        }
    }

    /**
     * Sees every datagram from the node before anything is done with it: the bytes as they were on
     * the wire, SRTP still protected (for checks on what was sent, e.g. that a resend is
     * byte-identical). Receive thread; the array is reused after the call.
     */
    public void setDatagramListener(ReceivedDatagramListener listener) {
        this.datagramListener = listener;
    }

    /** Sees every authenticated RTCP compound from the node, decrypted. Receive thread. */
    public void setRtcpListener(ReceivedDatagramListener listener) {
        this.rtcpListener = listener;
    }

    /** RFC 7983 7 demultiplexing by the first byte, as the node does it. */
    private void onDatagram(byte[] buf, int len, long nowNanos) {
        ReceivedDatagramListener tap = datagramListener;
        if (tap != null) {
            tap.onDatagram(buf, len);
        }
        int first = buf[0] & 0xFF;
        if (first <= 3) {
            onStun(buf, len);
        } else if (first >= 20 && first <= 63) {
            DtlsSession session = dtls;
            if (session != null) {
                session.receive(buf, 0, len);
            }
        } else if (first >= 128 && first <= 191) {
            onSrtp(buf, len, nowNanos);
        } else {
            undecodable++;
        }
    }

    private void onStun(byte[] buf, int len) {
        boolean answered;
        synchronized (stunLock) {
            answered = stun != null && stun.isSuccessResponse(buf, 0, len);
        }
        if (!answered) {
            undecodable++;
            return;
        }
        stunResponses++;
        nominating = false;
        if (!iceConnected) {
            iceConnected = true;
            dtls.start(); // a DTLS client sends its ClientHello now
        }
    }

    private void onSrtp(byte[] buf, int len, long nowNanos) {
        SrtpTransformer srtp = receiveSrtp;
        if (srtp == null) {
            mediaBeforeKeys++;
            return;
        }
        receiveView.wrap(buf, 0, len);
        if (RtpPacket.isRtcp(buf, 0, len)) {
            if (accepted(srtp.unprotectRtcp(receiveView))) {
                rtcpReceived++;
                readRtcp(buf, receiveView.getLength());
                ReceivedDatagramListener rtcpTap = rtcpListener;
                if (rtcpTap != null) {
                    rtcpTap.onDatagram(buf, receiveView.getLength());
                }
            }
            return;
        }
        if (!accepted(srtp.unprotectRtp(receiveView))) {
            return;
        }
        RtpPacket rtp = rtpView.wrap(buf, 0, receiveView.getLength());
        if (!rtp.isValid()) {
            undecodable++;
            return;
        }
        rtpReceived++;
        streamOf(rtp.ssrc()).onPacket(rtp);
        rtpListener.onRtp(rtp, nowNanos);
    }

    private boolean accepted(SrtpResult result) {
        switch (result) {
            case OK:
                return true;
            case AUTH_FAILED:
                authFailures++;
                return false;
            case REPLAYED:
                replays++;
                return false;
            default:
                undecodable++;
                return false;
        }
    }

    private void readRtcp(byte[] buf, int len) {
        RtcpCompound rtcp = rtcpView.wrap(buf, 0, len);
        while (rtcp.next()) {
            int type = rtcp.packetType();
            if (type == RtcpCompound.PT_SR) {
                senderReports++;
            } else if (type == RtcpCompound.PT_RR) {
                receiverReports++;
            } else if (type == RtcpCompound.PT_RTPFB && rtcp.fmt() == 1) {
                nacks++;
            } else if (type == RtcpCompound.PT_PSFB && (rtcp.fmt() == 1 || rtcp.fmt() == 4)) {
                keyframeRequests++;
            }
        }
    }

    private ReceivedStream streamOf(int ssrc) {
        ReceivedStream stream = lastStream;
        if (stream == null || stream.ssrc() != ssrc) {
            stream = streams.computeIfAbsent(ssrc, ReceivedStream::new);
            lastStream = stream;
        }
        return stream;
    }

    // ---- what the peer saw ----

    /** RTP packets that authenticated and parsed. */
    public long rtpReceived() {
        return rtpReceived;
    }

    /** SRTCP packets (compounds) that authenticated. */
    public long rtcpReceived() {
        return rtcpReceived;
    }

    /** SRTP or SRTCP packets whose authentication tag did not verify. */
    public long authFailures() {
        return authFailures;
    }

    public long replays() {
        return replays;
    }

    /** Datagrams we could not make sense of: not STUN/DTLS/RTP, unsolicited STUN, malformed SRTP. */
    public long undecodable() {
        return undecodable;
    }

    /** SRTP that arrived before our DTLS handshake finished. */
    public long mediaBeforeKeys() {
        return mediaBeforeKeys;
    }

    /** Answered ICE checks (connectivity and consent). */
    public long stunResponses() {
        return stunResponses;
    }

    /** PLI and FIR the node sent us (as a publisher). */
    public long keyframeRequestsReceived() {
        return keyframeRequests;
    }

    /** Generic NACKs the node sent us (as a publisher). */
    public long nacksReceived() {
        return nacks;
    }

    public long senderReportsReceived() {
        return senderReports;
    }

    public long receiverReportsReceived() {
        return receiverReports;
    }

    /** Packets handed to a send method that could not be protected. */
    public long sendFailures() {
        return sendFailures;
    }

    /** The node ended DTLS (close_notify or a fatal alert) after we connected. */
    public boolean dtlsClosedByPeer() {
        return dtlsClosedByPeer;
    }

    public List<Integer> receivedSsrcs() {
        return new ArrayList<>(streams.keySet());
    }

    /** What arrived on {@code ssrc}, or null when nothing did. */
    public ReceivedStream stream(int ssrc) {
        return streams.get(ssrc);
    }

    /** The last sequence number received on {@code ssrc}, -1 when none. */
    public int lastReceivedSeq(int ssrc) {
        ReceivedStream stream = streams.get(ssrc);
        return stream == null ? -1 : stream.lastSequenceNumber();
    }

    // ---- lifecycle ----

    /**
     * Ends the peer: DTLS close_notify (so the node can free the transport at once), then the
     * socket closes shortly after. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        connected.completeExceptionally(new IOException("peer closed"));
        DtlsSession session = dtls;
        if (session != null) {
            session.close();
        }
        SrtpTransformer srtp = sendSrtp;
        sendSrtp = null;
        if (srtp != null) {
            srtp.close();
        }
        if (external != null) {
            SrtpTransformer receiving = receiveSrtp;
            TIMER.schedule(() -> {
                external.close();
                if (receiving != null) {
                    receiving.close();
                }
            }, CLOSE_LINGER_MILLIS, TimeUnit.MILLISECONDS);
            return;
        }
        DatagramChannel last = channel;
        TIMER.schedule(() -> closeQuietly(last), CLOSE_LINGER_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public String toString() {
        return "SyntheticPeer[" + localAddress() + " -> " + server + ", " + role
                + (isConnected() ? ", connected" : "") + "]";
    }

    private DatagramChannel openChannel() {
        try {
            DatagramChannel opened = DatagramChannel.open(StandardProtocolFamily.INET);
            opened.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER_BYTES);
            opened.bind(new InetSocketAddress(bindAddress, 0));
            return opened;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a UDP socket on " + bindAddress, e);
        }
    }

    private static void closeQuietly(DatagramChannel toClose) {
        try {
            toClose.close();
        } catch (IOException e) {
            log.debug("closing a peer socket failed", e);
        }
    }

    private static ScheduledThreadPoolExecutor newTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                new DefaultThreadFactory("synthetic-peer-timer", true));
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
