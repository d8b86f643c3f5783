package io.stagecast.sfu.transport;

import io.stagecast.sfu.buffer.PacketBuffer;
import io.stagecast.sfu.metrics.DropReason;
import io.stagecast.sfu.metrics.NackRefusal;
import io.stagecast.sfu.rtcp.RoundTripEstimator;
import io.stagecast.sfu.rtp.RtpPacket;
import io.stagecast.sfu.srtp.SrtpResult;
import io.stagecast.sfu.srtp.SrtpTransformer;

import java.net.InetSocketAddress;

/**
 * The way down through one transport: what the router calls to send. The loop's scratch array to
 * build a packet in, the transport-wide sequence (draft-holmer-rmcat-transport-wide-cc-extensions-01: the subscriber's
 * estimate measures our path), protect-and-queue for media, retransmissions, padding and RTCP,
 * and the subscriber's retransmission budget. Counts are summed here and reported per tick.
 * Event loop only; nothing is allocated per packet (the datagram comes from the loop's
 * {@link DatagramPool}).
 */
public final class TransportSender {
    private final Transport transport;
    private final TransportContext context;
    private final IcePairSelection pairs;
    private final TransportWideCc transportCc;
    private final RoundTripEstimator roundTrip;
    private final RetransmissionControl retransmissions;
    private final int rtcpSenderSsrc;
    private final PacketBuffer sendView = new PacketBuffer();
    /** This subscriber's video held per frame for UDP GSO; null when the loop has GSO off. */
    private final FrameRuns frameRuns;
    private SrtpTransformer srtp;
    /** Forwarded since the last tick, reported then: no shared counter touched per sent packet. */
    private long forwardedPackets;
    private long forwardedBytes;
    /**
     * Media bytes sent since they were last added to the retransmission budget: added when the
     * budget is asked or refilled, not per packet (the budget's fields are one more cache line per
     * subscriber packet; adding a sum once gives the same capped total, as nothing is taken between).
     */
    private long unbudgetedBytes;

    TransportSender(Transport transport, TransportContext context, IcePairSelection pairs, TransportWideCc transportCc,
                    RoundTripEstimator roundTrip, int rtcpSenderSsrc) {
        this.transport = transport;
        this.context = context;
        this.pairs = pairs;
        this.transportCc = transportCc;
        this.roundTrip = roundTrip;
        this.retransmissions = new RetransmissionControl(roundTrip);
        this.rtcpSenderSsrc = rtcpSenderSsrc;
        this.frameRuns = context.frameRuns() == null ? null
                : new FrameRuns(context.frameRuns(), context.datagrams());
    }

    void onSrtp(SrtpTransformer transformer) {
        srtp = transformer;
    }

    public boolean isConnected() {
        return transport.isConnected();
    }

    /**
     * This loop's scratch array, {@link PacketBuffer#CAPACITY} long: the caller builds one packet
     * in it (from offset 0) and sends it before anything else is sent on this loop. SRTP protects
     * it there, in place, and the send copies it once into a pooled direct datagram.
     */
    public byte[] sendScratch() {
        return context.datagrams().scratch();
    }

    /**
     * Writes the next transport-wide sequence number into {@code packet}'s transport-cc element and
     * returns it, or -1 when the packet has no such element (then no number is used up: a skipped
     * one would read as a loss in the subscriber's feedback).
     */
    public int stampTransportSequence(RtpPacket packet, int transportCcId) {
        return transportCc.stamp(packet, transportCcId);
    }

    /**
     * Protects and queues an RTP packet sent for the first time, built by the caller (typically in
     * {@link #sendScratch}, with {@link PacketBuffer#TAIL_ROOM} spare after it for the SRTP
     * trailer) and already stamped. A quarter of its size adds to this subscriber's
     * retransmission budget.
     */
    public void sendRtp(RtpPacket packet) {
        sendRtp(packet, false);
    }

    /**
     * The same; with {@code frameOfVideo} (a video packet sent for the first time) and GSO on, the
     * packet may wait for the rest of its frame to leave with it in one send ({@link FrameRuns}:
     * the frame's last packet never waits). The transport-wide number and send time were stamped
     * before, in sending order, as without GSO.
     */
    public void sendRtp(RtpPacket packet, boolean frameOfVideo) {
        unbudgetedBytes += packet.length();
        int sent = protectAndQueue(packet, frameOfVideo && frameRuns != null);
        if (sent > 0) {
            forwardedPackets++;
            forwardedBytes += sent;
        }
    }

    /**
     * Protects and queues a retransmission: an RTX packet, or a byte-identical copy of what was
     * sent (see {@link io.stagecast.sfu.srtp.SrtpTransformer}: anything else under a used index is
     * refused). The caller took its size from {@link #tryRetransmit} first.
     */
    public void resendRtp(RtpPacket packet) {
        int sent = protectAndQueue(packet, false);
        if (sent > 0) {
            retransmissions.onRetransmitted(sent);
        }
    }

    /**
     * Protects and queues a padding-only probe packet (bandwidth probing): stamped by the caller,
     * neither media nor a retransmission, so it adds nothing to the retransmission budget.
     */
    public void sendPadding(RtpPacket packet) {
        protectAndQueue(packet, false);
    }

    /** @return the protected length queued, or -1 */
    private int protectAndQueue(RtpPacket packet, boolean gather) {
        assert LoopConfinement.owned(context.loop());
        InetSocketAddress remote = pairs.selected();
        if (srtp == null || remote == null) {
            return -1;
        }
        PacketBuffer view = sendView.wrap(packet.buffer(), packet.offset(), packet.length());
        SrtpResult result = srtp.protectRtp(view);
        if (result != SrtpResult.OK) {
            if (result == SrtpResult.INDEX_REUSED) {
                context.metrics().drop(DropReason.SRTP_INDEX_REUSED);
            }
            return -1;
        }
        IceTcpConnection tcp = pairs.selectedTcp();
        if (tcp != null) {
            tcp.send(view.getBuffer(), view.getOffset(), view.getLength());
        } else if (gather) {
            frameRuns.send(view.getBuffer(), view.getOffset(), view.getLength(), remote);
        } else {
            queue(view, remote);
        }
        return view.getLength();
    }

    /**
     * Protects and queues an RTCP packet of {@code length} bytes at {@code b[off]}, built by the
     * caller (typically in {@link #sendScratch}) with {@link PacketBuffer#TAIL_ROOM} spare after
     * it for the SRTCP trailer.
     */
    public void sendRtcp(byte[] b, int off, int length) {
        assert LoopConfinement.owned(context.loop());
        InetSocketAddress remote = pairs.selected();
        if (!isConnected() || srtp == null || remote == null) {
            return;
        }
        PacketBuffer view = sendView.wrap(b, off, length);
        if (srtp.protectRtcp(view) != SrtpResult.OK) {
            return;
        }
        context.metrics().rtcpSent();
        IceTcpConnection tcp = pairs.selectedTcp();
        if (tcp != null) {
            tcp.send(view.getBuffer(), view.getOffset(), view.getLength());
        } else {
            queue(view, remote);
        }
    }

    /** The one copy of a protected packet: into a pooled direct datagram, which the write hands to sendmmsg as it is. */
    private void queue(PacketBuffer protectedPacket, InetSocketAddress remote) {
        context.datagrams().send(protectedPacket.getBuffer(), protectedPacket.getOffset(), protectedPacket.getLength(),
                remote);
    }

    /**
     * Sends what this loop's socket has queued (every transport of a loop shares its socket). The
     * loop flushes after each read batch and each tick by itself; work that runs as a task in
     * between (packets relayed from another loop) flushes here, or its datagrams would wait for
     * the next tick, up to 20 ms.
     */
    public void flush() {
        context.channel().flush();
    }

    /** Sends the video this transport holds for GSO (it closes). */
    void sendHeldFrames() {
        if (frameRuns != null) {
            frameRuns.sendAll();
        }
    }

    /** Sender SSRC of the RTCP we originate towards this peer (RR, NACK, PLI, transport-cc). */
    public int rtcpSenderSsrc() {
        return rtcpSenderSsrc;
    }

    // ---- retransmissions (NACK answers, RFC 4585 6.2.1) ----

    /** Takes {@code bytes} from this subscriber's retransmission budget; false, counted, when it is spent. */
    public boolean tryRetransmit(int bytes) {
        creditBudget();
        return retransmissions.tryRetransmit(bytes);
    }

    private void creditBudget() {
        if (unbudgetedBytes > 0) {
            retransmissions.onSent(unbudgetedBytes);
            unbudgetedBytes = 0;
        }
    }

    /** Counts NACKed sequence numbers not answered; reported to the metrics once per tick. */
    public void refuseNack(NackRefusal reason, int count) {
        retransmissions.refuse(reason, count);
    }

    /** How long a packet retransmitted to this subscriber is not sent again (see {@link RetransmissionControl}). */
    public long resendIntervalNanos() {
        return retransmissions.resendIntervalNanos();
    }

    /** Smoothed round trip to this peer from its reports' LSR/DLSR, -1 before the first. */
    public long rttNanos() {
        return roundTrip.rttNanos();
    }

    // ---- per tick ----

    void refill(long nowNanos) {
        creditBudget();
        retransmissions.refill(nowNanos);
    }

    void report() {
        context.metrics().forwarded(forwardedPackets, forwardedBytes);
        forwardedPackets = 0;
        forwardedBytes = 0;
        retransmissions.reportTo(context.metrics());
    }
}
