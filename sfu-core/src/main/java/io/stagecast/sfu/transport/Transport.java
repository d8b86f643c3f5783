package io.stagecast.sfu.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.socket.DatagramPacket;
import io.stagecast.sfu.buffer.PacketBuffer;
import io.stagecast.sfu.dtls.DtlsListener;
import io.stagecast.sfu.metrics.DropReason;
import io.stagecast.sfu.metrics.MediaMetrics;
import io.stagecast.sfu.rtcp.RtcpCompound;
import io.stagecast.sfu.rtcp.ReportBlock;
import io.stagecast.sfu.rtcp.RoundTripEstimator;
import io.stagecast.sfu.rtcp.RtcpWriters;
import io.stagecast.sfu.rtp.RtpPacket;
import io.stagecast.sfu.srtp.SrtpMasterKeys;
import io.stagecast.sfu.srtp.SrtpResult;
import io.stagecast.sfu.srtp.SrtpTransformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One peer's ICE + DTLS + SRTP association. Decrypted RTP and RTCP go up to one
 * {@link MediaListener} (the router side); what goes down is a small send API: a pooled buffer,
 * the transport-wide sequence, protect-and-send for RTP, RTX and RTCP, and the retransmission
 * budget. The transport knows nothing of producers or consumers.
 *
 * <p>Threading: a transport belongs to the media event loop. Everything below runs on it; the
 * public mutators that signaling calls ({@link #setRemoteDtls}, {@link #close}, ...) hop onto the
 * loop first. DTLS handshakes run on the node's handshake pool and come back through the loop.
 */
public final class Transport {
    private static final Logger log = LoggerFactory.getLogger(Transport.class);
    private static final int MAX_FEEDBACKS_PER_TICK = 4;

    private final String id;
    private final IceParameters ice;
    private final TransportContext context;
    private final TransportListener listener;

    private TransportState state = TransportState.NEW;
    /** The validated addresses (registered for lookups), the selected pair and consent. */
    private final IcePairSelection pairs;
    private final DtlsAssociation dtls;
    private SrtpTransformer srtp;
    private boolean publishAllowed;
    /** One end of a node-to-node relay: keyed by the control channel, kept alive by its own RTCP. */
    private volatile boolean relay;

    /** The router side: where decrypted media goes. Event loop only. */
    private MediaListener media = MediaListener.NONE;

    /** Sender SSRC of the RTCP we originate towards a publisher (RR, NACK, PLI, transport-cc). */
    private final int rtcpSenderSsrc = ThreadLocalRandom.current().nextInt() | 1;
    private final TransportWideCc transportCc = new TransportWideCc(rtcpSenderSsrc);

    /**
     * The round trip to this peer from its report blocks about the streams we send it: a property
     * of the path, like consent and transport-cc, so measured here for whoever sends.
     */
    private final RoundTripEstimator roundTrip = new RoundTripEstimator(ssrc -> media.sendsSsrc(ssrc));
    private final TransportSender sender;

    private final RtpPacket rtpView = new RtpPacket();
    private final RtcpCompound rtcpView = new RtcpCompound();

    Transport(String id, IceParameters ice, TransportContext context, TransportListener listener) {
        this.id = id;
        this.ice = ice;
        this.context = context;
        this.listener = listener;
        this.pairs = new IcePairSelection(System.nanoTime());
        this.dtls = new DtlsAssociation(context);
        this.sender = new TransportSender(this, context, pairs, transportCc, roundTrip, rtcpSenderSsrc);
        context.metrics().transportState(null, state);
    }

    public String id() {
        return id;
    }

    public IceParameters iceParameters() {
        return ice;
    }

    public TransportState state() {
        return state;
    }

    public boolean isConnected() {
        return state == TransportState.CONNECTED;
    }

    /** The selected pair's remote address: where everything we send goes; null before ICE. */
    public InetSocketAddress remoteAddress() {
        return pairs.selected();
    }

    public MediaMetrics metrics() {
        return context.metrics();
    }

    /** Runs a task on this transport's event loop (in order with packets and other tasks). */
    public void execute(Runnable task) {
        context.loop().execute(task);
    }

    public boolean inEventLoop() {
        return context.loop().inEventLoop();
    }

    /** The media event loop that owns this transport: everything of it runs there. */
    public io.netty.channel.EventLoop eventLoop() {
        return context.loop();
    }

    /** Which of the node's loops owns it (0 ..). */
    public int loopIndex() {
        return context.loopIndex();
    }

    /** The local UDP port of this transport's loop: the port its ICE candidates name. */
    public int localPort() {
        java.net.SocketAddress local = context.channel().localAddress();
        return local instanceof InetSocketAddress address ? address.getPort() : 0;
    }

    /** The local ICE-TCP port of this transport's loop (its passive TCP candidates name it), or -1 when off. */
    public int localTcpPort() {
        return context.tcpPort();
    }

    // ---- control, called by signaling from any thread ----

    /** The peer's DTLS role and fingerprint, from its SDP. DTLS starts once ICE is also up. */
    public void setRemoteDtls(RemoteDtlsParameters params) {
        execute(() -> {
            if (isFinished() || !dtls.setRemote(params)) {
                return;
            }
            if (pairs.selected() == null) {
                // The peer only now knows how to reach us: its time to connect starts here.
                pairs.restartWait(System.nanoTime());
            }
            log.debug("transport {} remote DTLS {}", id, params.ourRole());
            maybeStartDtls();
        });
    }

    /** Made by {@link MediaLoops#createRelayTransport}: before any other thread sees the transport. */
    void markRelay() {
        relay = true;
    }

    /** One end of a node-to-node relay (no ICE, no DTLS; its router does not allocate for it). */
    public boolean isRelay() {
        return relay;
    }

    /**
     * Connects a relay transport to the other node's end at {@code remote} with keys exchanged
     * through the cluster's control channel (the other end has {@link SrtpMasterKeys#mirrored()}):
     * what a nominated check and a DTLS handshake do for a browser. From then on only SRTP and
     * SRTCP authenticated with these keys and coming from {@code remote} reach the transport, and
     * consent is that traffic (each end sends an RTCP report at least every second, media or not).
     */
    public void connectRelay(InetSocketAddress remote, SrtpMasterKeys keys) {
        if (!relay) {
            throw new IllegalStateException("transport " + id + " is not a relay");
        }
        execute(() -> {
            onValidCheck(remote, null, true, 0, System.nanoTime());
            onSrtpKeys(keys);
        });
    }

    /** Whether RTP this peer sends may be forwarded at all (signaling's stage decision). */
    public void setPublishAllowed(boolean allowed) {
        execute(() -> publishAllowed = allowed);
    }

    public void close() {
        execute(() -> closeNow("closed by signaling"));
    }

    // ---- ICE ----

    /**
     * A valid binding request from {@code source} (already authenticated by the responder), with
     * its PRIORITY attribute, over UDP ({@code tcp} null) or on an ICE-TCP connection (RFC 6544).
     * {@link IcePairSelection} decides which pair is selected (RFC 8445 8.1.1: the highest-priority
     * nomination wins); this registers the UDP addresses it keeps (a TCP connection is its own
     * demux) and starts DTLS once the first pair is up.
     */
    void onValidCheck(InetSocketAddress source, IceTcpConnection tcp, boolean useCandidate, long priority,
                      long nowNanos) {
        assert LoopConfinement.owned(context.loop());
        if (isFinished()) {
            return;
        }
        if (tcp == null) {
            InetSocketAddress dropped = pairs.admit(source);
            if (dropped != null) {
                context.registry().removeAddress(this, dropped);
            }
            // Also when claimed again: a peer that reused the address for a newer transport took it over.
            context.registry().addAddress(this, source);
        } else {
            IceTcpConnection dropped = pairs.admitTcp(tcp);
            if (dropped != null) {
                dropped.close();
            }
        }
        InetSocketAddress before = pairs.selected();
        IceTcpConnection beforeTcp = pairs.selectedTcp();
        pairs.onValidCheck(source, tcp, useCandidate, priority, nowNanos);
        if (before == null) {
            log.debug("transport {} ICE bound to {}{}", id, source, tcp == null ? "" : " over TCP");
            setState(TransportState.CONNECTING);
            maybeStartDtls();
        } else if (!before.equals(pairs.selected()) || beforeTcp != pairs.selectedTcp()) {
            log.debug("transport {} moves from {} to {}{} (priority {})", id, before, source,
                    tcp == null ? "" : " over TCP", priority);
        }
    }

    /** An ICE-TCP connection of this transport closed (its loop). */
    void onTcpClosed(IceTcpConnection tcp) {
        pairs.onTcpClosed(tcp);
    }

    /** The addresses this transport accepts DTLS and SRTP from (event loop only). */
    List<InetSocketAddress> validatedAddresses() {
        return pairs.validated();
    }

    /**
     * A packet passed SRTP/SRTCP authentication. Proof of life for consent (RFC 7675) when it came
     * from the selected pair: see {@link IcePairSelection} for why this and not Binding indications.
     */
    private void onAuthenticated(boolean fromSelected, long nowNanos) {
        if (fromSelected) {
            pairs.onProofOfLife(nowNanos);
        }
    }

    // ---- DTLS ----

    /** A DTLS datagram from one of the validated addresses. */
    void onDtls(byte[] buf, int off, int len) {
        dtls.receive(buf, off, len);
    }

    private void maybeStartDtls() {
        if (isFinished()) {
            return;
        }
        int early = dtls.startIfReady(pairs.selected(), this::sendDtlsFromHandshake, new DtlsEvents());
        if (early >= 0) {
            log.debug("transport {} DTLS started as {} with {} early datagrams", id, dtls.ourRole(), early);
        }
    }

    /** Called from a handshake thread: the datagram goes out through the event loop. */
    private void sendDtlsFromHandshake(byte[] datagram) {
        execute(() -> {
            InetSocketAddress remote = pairs.selected();
            if (remote == null || isFinished()) {
                return;
            }
            IceTcpConnection tcp = pairs.selectedTcp();
            if (tcp != null) {
                tcp.send(datagram, 0, datagram.length);
                return;
            }
            ByteBuf out = context.channel().alloc().buffer(datagram.length);
            out.writeBytes(datagram);
            context.channel().writeAndFlush(new DatagramPacket(out, remote));
        });
    }

    private final class DtlsEvents implements DtlsListener {
        @Override
        public void onConnected(SrtpMasterKeys keys) {
            execute(() -> {
                context.metrics().dtlsHandshake(true);
                onSrtpKeys(keys);
            });
        }

        @Override
        public void onFailed(String reason, Throwable cause) {
            execute(() -> {
                if (isFinished()) {
                    return;
                }
                context.metrics().dtlsHandshake(false);
                log.info("transport {} DTLS failed: {}", id, reason);
                finish(TransportState.FAILED, "dtls failed: " + reason);
            });
        }

        @Override
        public void onClosed() {
            execute(() -> closeNow("dtls closed by peer"));
        }
    }

    /** DTLS-SRTP keys are agreed (RFC 5764 4.2): media may flow. Event loop only. */
    void onSrtpKeys(SrtpMasterKeys keys) {
        if (isFinished()) {
            return;
        }
        srtp = new SrtpTransformer(keys);
        sender.onSrtp(srtp);
        setState(TransportState.CONNECTED);
        log.info("transport {} connected to {} over {} ({})", id, pairs.selected(),
                pairs.selectedTcp() == null ? "UDP" : "TCP", keys.profile());
        media.onConnected(System.nanoTime());
        listener.onConnected(this);
    }

    // ---- media in ----

    /**
     * An SRTP or SRTCP packet from {@code source}, one of our validated addresses (over UDP, or on
     * {@code tcp}, one of our ICE-TCP connections), in the event loop's receive buffer.
     */
    void onSrtp(InetSocketAddress source, IceTcpConnection tcp, PacketBuffer pkt, long nowNanos) {
        assert LoopConfinement.owned(context.loop());
        if (srtp == null) {
            context.metrics().drop(DropReason.NOT_CONNECTED);
            return;
        }
        if (RtpPacket.isRtcp(pkt.getBuffer(), pkt.getOffset(), pkt.getLength())) {
            if (countFailure(srtp.unprotectRtcp(pkt))) {
                onAuthenticated(pairs.isSelected(source, tcp), nowNanos);
                onRtcp(pkt, nowNanos);
            }
            return;
        }
        if (!countFailure(srtp.unprotectRtp(pkt))) {
            return;
        }
        onAuthenticated(pairs.isSelected(source, tcp), nowNanos);
        onRtp(pkt, nowNanos);
    }

    /** A decrypted RTP packet from our bound remote: permission, transport-cc, then up. */
    void onRtp(PacketBuffer pkt, long nowNanos) {
        RtpPacket rtp = rtpView.wrap(pkt.getBuffer(), pkt.getOffset(), pkt.getLength());
        if (!rtp.isValid()) {
            context.metrics().drop(DropReason.MALFORMED);
            return;
        }
        if (!publishAllowed) {
            context.metrics().drop(DropReason.NOT_ALLOWED);
            return;
        }
        // Before the stream lookup: the sender's estimator counts every packet it stamped, padding
        // probes on an SSRC we do not forward included; one left out would read as a loss.
        transportCc.onReceived(rtp, nowNanos);
        media.onRtp(rtp, nowNanos);
    }

    private boolean countFailure(SrtpResult result) {
        switch (result) {
            case OK:
                return true;
            case AUTH_FAILED:
                context.metrics().drop(DropReason.SRTP_AUTH_FAILED);
                return false;
            case REPLAYED:
                context.metrics().drop(DropReason.REPLAY);
                return false;
            default:
                context.metrics().drop(DropReason.MALFORMED);
                return false;
        }
    }

    void onRtcp(PacketBuffer pkt, long nowNanos) {
        RtcpCompound rtcp = rtcpView.wrap(pkt.getBuffer(), pkt.getOffset(), pkt.getLength());
        while (rtcp.next()) {
            int type = rtcp.packetType();
            if (type == 200 || type == 201) { // SR, RR: report blocks about what we send give the round trip
                roundTrip.onReportBlocks(rtcp);
            }
            media.onRtcp(rtcp, nowNanos);
        }
        if (rtcp.isMalformed()) {
            context.metrics().drop(DropReason.MALFORMED);
        }
    }

    // ---- the router side (event loop only) ----

    /** The way down: what the router calls to send to this peer. Event loop only. */
    public TransportSender sender() {
        return sender;
    }

    /** Where decrypted RTP and RTCP go from now on; null stops delivery. Event loop only. */
    public void setMediaListener(MediaListener listener) {
        media = listener == null ? MediaListener.NONE : listener;
    }

    /**
     * transport-cc on the publish direction: we send feedback for the ids the peer stamps. The
     * publisher's send-side estimator reads nothing else (we send no REMB), so without this its
     * estimate collapses to its floor. Called for every producer that negotiated the extension;
     * BUNDLE gives them all one id, the first wins.
     */
    public void enableTransportCcFeedback(int extensionId) {
        if (relay) {
            // A relay's packets carry their publisher's transport-wide numbers (several publishers'
            // on one relay), and the relay estimates nothing: no feedback about them.
            return;
        }
        transportCc.enableFeedback(extensionId);
    }

    // ---- periodic work (event loop) ----

    /** Consent, RTCP reports and feedback; called by the node's ticker on the event loop. */
    void tick(long nowNanos, boolean reportsDue) {
        assert LoopConfinement.owned(context.loop());
        if (isFinished()) {
            return;
        }
        reportForwarded();
        // A transport not negotiated yet (a subscriber with nothing to receive so far) waits for
        // signaling; it is closed with its owner, not for silence it could not help.
        boolean negotiated = dtls.hasRemote() || pairs.selected() != null;
        // Consent (RFC 7675): what proves the peer at the selected address still wants our packets
        // (checks or authenticated SRTP/SRTCP, not indications: see IcePairSelection).
        if (negotiated && pairs.silentNanos(nowNanos) > context.consentTimeoutNanos()) {
            // RFC 7675 5.1: no consent for 30 s -> stop sending and free everything.
            closeNow(pairs.selected() == null ? "ICE never connected" : "consent expired");
            return;
        }
        if (srtp == null && dtls.timedOut(nowNanos)) {
            // A scheduled server session waits for a ClientHello without a thread (so without
            // BouncyCastle's own timeout): a peer that keeps consent but never starts DTLS ends here.
            context.metrics().dtlsHandshake(false);
            finish(TransportState.FAILED, "dtls failed: not connected within "
                    + context.dtlsHandshakeTimeout().toSeconds() + " s");
            return;
        }
        if (!isConnected()) {
            return;
        }
        sender.refill(nowNanos);
        sendTransportCcFeedback();
        media.onTick(nowNanos, reportsDue);
        if (relay && reportsDue) {
            sendRelayKeepAlive();
        }
    }

    /**
     * An empty receiver report each second (RFC 3550 6.4.2): the other end's proof of life while
     * no track flows either way (a room with nobody on stage yet), so consent does not end a relay
     * that is merely idle. 8 bytes a second per relay.
     */
    private void sendRelayKeepAlive() {
        byte[] out = sender.sendScratch();
        sender.sendRtcp(out, 0, RtcpWriters.writeReceiverReport(out, 0, rtcpSenderSsrc, NO_REPORT_BLOCKS, 0));
    }

    private static final ReportBlock[] NO_REPORT_BLOCKS = new ReportBlock[0];

    /**
     * One feedback per tick (20 ms) while packets arrived, as libwebrtc's receiver does at its
     * shortest interval; a backlog that does not fit one packet goes out in a few more.
     */
    private void sendTransportCcFeedback() {
        for (int i = 0; i < MAX_FEEDBACKS_PER_TICK && transportCc.hasPendingFeedback(); i++) {
            byte[] out = sender.sendScratch();
            int len = transportCc.buildFeedback(out, 0, PacketBuffer.MTU);
            if (len <= 0) {
                return;
            }
            sender.sendRtcp(out, 0, len);
        }
    }

    // ---- lifecycle ----

    private boolean isFinished() {
        return state == TransportState.CLOSED || state == TransportState.FAILED;
    }

    private void setState(TransportState next) {
        if (state != next) {
            context.metrics().transportState(state, next);
            state = next;
        }
    }

    private void closeNow(String reason) {
        finish(TransportState.CLOSED, reason);
    }

    private void reportForwarded() {
        sender.report();
    }

    private void finish(TransportState terminal, String reason) {
        assert LoopConfinement.owned(context.loop());
        if (isFinished()) {
            return;
        }
        sender.sendHeldFrames();
        reportForwarded();
        setState(terminal);
        log.info("transport {} {}: {}", id, terminal.name().toLowerCase(), reason);
        dtls.close();
        if (srtp != null) {
            srtp.close();
        }
        context.registry().unregister(this);
        for (IceTcpConnection tcp : List.copyOf(pairs.tcpConnections())) {
            tcp.close();
        }
        pairs.clearValidated();
        MediaListener last = media;
        media = MediaListener.NONE;
        last.onClosed();
        context.channel().flush();
        listener.onClosed(this, reason);
    }

    @Override
    public String toString() {
        return "Transport[" + id + ", " + state + ", " + pairs.selected() + "]";
    }
}
