package io.stagecast.sfu.router;

import io.stagecast.sfu.metrics.KeyframeReason;
import io.stagecast.sfu.rtcp.NtpTime;
import io.stagecast.sfu.rtcp.RtcpCompound;
import io.stagecast.sfu.rtcp.RtcpWriters;
import io.stagecast.sfu.rtp.RtpExtensionUris;
import io.stagecast.sfu.rtp.RtpPacket;
import io.stagecast.sfu.rtp.SequenceNumbers;
import io.stagecast.sfu.transport.Transport;
import io.stagecast.sfu.transport.TransportSender;
import io.stagecast.sfu.transport.TransportState;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One subscriber's view of one producer: the SSRC, sequence numbers and timestamps it sees are
 * ours ({@link SequenceRewriter}) and stay continuous across source changes and drops; header
 * extension ids and payload types are those it negotiated ({@link PacketRewriter}); its NACKs are
 * answered from the producer's cache ({@link NackResponder}). How packets are chosen is the
 * subclass: {@link SimpleConsumer} (one stream) or {@link SimulcastConsumer} (one of several
 * layers). Owned by the subscriber transport's loop; signaling's calls hop onto it.
 */
public abstract class Consumer {
    private static final byte[] CNAME = "stagecast".getBytes(StandardCharsets.US_ASCII);

    private final String id;
    final Transport transport;
    /** The subscriber transport's way down (send, stamp, retransmission budget). */
    final TransportSender sender;
    final Router router;
    /**
     * What this consumer forwards from: the producer itself when it lives on this subscriber's
     * loop, else that loop's replica of it (set when attached; the origin until then).
     */
    Producer producer;
    final ConsumerSpec spec;
    final PacketRewriter rewriter;
    final SequenceRewriter sequence;
    /** VP8/VP9 picture numbering continued across layer switches and drops; null for other codecs. */
    final PictureIdContinuity pictureIds;
    final ForwardedPackets history = new ForwardedPackets();
    final NackResponder nacks;
    final LayerSelector layers;
    final int transportCcId;
    private final int absSendTimeId;
    private final int clockRate;
    /** Video: its packets may be held per frame for one GSO send ({@code TransportSender.sendRtp}). */
    private final boolean video;
    /** The subscriber's home in the router; set when attached. */
    SubscriberLink link;
    /** This track as the subscriber's allocation sees it (inputs refreshed, outputs read, per run). */
    final io.stagecast.sfu.bwe.TrackDemand demand = new io.stagecast.sfu.bwe.TrackDemand();
    /** Set by the allocation: stop the current layer at once while the target's keyframe is awaited. */
    boolean abandonCurrent;
    /** The stream index the allocation would give if every layer flowed, -1 none (pausing at the source). */
    int desiredStream = -1;
    /** Measured over the last allocation period, for the subscriber's report. */
    long sentBps;
    long keyframeAsks;

    private int rtxSeq = ThreadLocalRandom.current().nextInt(1 << 15);
    private long packetsSent;
    private long octetsSent;
    /** Bytes sent since the subscriber last read them (bitrate for the allocation and reports). */
    private long bytesSinceRead;
    private boolean paused;
    private boolean viewVisible = true;
    private boolean viewportKnown;
    /** While not 0: the first viewport is awaited until then ({@link #expectViewport}). */
    private long viewportDueNanos;
    private int viewWidth;
    private int viewHeight;
    private boolean closed;

    Consumer(String id, Router router, Transport transport, Producer producer, ConsumerSpec spec) {
        this.id = id;
        this.router = router;
        this.transport = transport;
        this.sender = transport.sender();
        this.producer = producer;
        this.spec = spec;
        this.clockRate = producer.spec().codec().clockRate();
        this.transportCcId = spec.extensionId(RtpExtensionUris.TRANSPORT_CC);
        this.absSendTimeId = spec.extensionId(RtpExtensionUris.ABS_SEND_TIME);
        PictureIdContinuity numbering = new PictureIdContinuity(producer.spec().codec().videoCodec());
        this.pictureIds = numbering.applies() ? numbering : null;
        this.rewriter = new PacketRewriter(producer.spec(), spec);
        this.sequence = new SequenceRewriter(clockRate);
        this.nacks = new NackResponder(this);
        this.layers = new LayerSelector(producer.kind() == MediaKind.VIDEO);
        this.video = producer.kind() == MediaKind.VIDEO;
    }

    public String id() {
        return id;
    }

    public int ssrc() {
        return spec.ssrc();
    }

    public int rtxSsrc() {
        return spec.hasRtx() ? spec.rtxSsrc() : 0;
    }

    /**
     * Whether this consumer sends {@code ssrc} besides {@link #ssrc()} and RTX: a relay sends its
     * publisher's SSRCs, learnt after it was attached. Looked up only for feedback no SSRC of the
     * subscriber's map names, on a relay's transport.
     */
    boolean relaysSsrc(int ssrc) {
        return false;
    }

    /**
     * Streams (bit i: the producer's stream i) this consumer needs whatever a viewer's allocation
     * here would choose: a relay's, the layers the other node's viewers need. None by default.
     */
    int neededStreams() {
        return 0;
    }

    /**
     * A relay's: which of the producer's streams to carry (bit i: stream i), as the other node's
     * viewers need them; from any thread (applied on the transport's loop). Only a relay
     * consumer ({@link Router#createRelayConsumer}) has a choice.
     */
    public void setRelayedStreams(int streams) {
        throw new UnsupportedOperationException("only a relay to another node chooses its streams");
    }

    /** The producer as signaling knows it (the origin, whichever loop this consumer is on). */
    public Producer producer() {
        return producer.origin();
    }

    public Transport transport() {
        return transport;
    }

    public long packetsSent() {
        return packetsSent;
    }

    public void setPaused(boolean pause) {
        transport.execute(() -> paused = pause);
    }

    /**
     * What the viewer shows of this track: whether its tile is visible, and its size in device
     * pixels (CSS pixels x devicePixelRatio; 0 when unknown). The allocation never sends a layer
     * wider than the tile, and no video to a hidden one.
     */
    public void setViewport(boolean visible, int widthPx, int heightPx) {
        transport.execute(() -> {
            viewportDueNanos = 0;
            viewportKnown = true;
            viewVisible = visible;
            viewWidth = Math.max(0, widthPx);
            viewHeight = Math.max(0, heightPx);
            if (link != null) {
                link.allocateSoon();
            }
        });
    }

    /**
     * The viewer will say what it shows of this track (a web app tile reports itself once the
     * track arrives): until it does, or for at most {@code maxWaitMillis}, the allocation treats
     * the tile as smaller than any layer, so the first frames come on the lowest layer and a
     * 320-px tile never receives a 1280-px keyframe it did not need. A viewer that never reports
     * is served by bandwidth alone after the wait.
     */
    public void expectViewport(long maxWaitMillis) {
        long due = System.nanoTime() + Math.max(1, maxWaitMillis) * 1_000_000L;
        transport.execute(() -> {
            if (!viewportKnown) {
                viewportDueNanos = due;
                if (link != null) {
                    link.allocateSoon();
                }
            }
        });
    }

    /** Whether the allocation still waits for the viewer's first viewport ({@link #expectViewport}). */
    boolean viewportPending(long nowNanos) {
        return viewportDueNanos != 0 && nowNanos - viewportDueNanos < 0;
    }

    public void close() {
        if (transport.inEventLoop()) {
            closeNow();
        } else {
            transport.execute(this::closeNow);
        }
    }

    // ---- event loop ----

    void attach() {
        if (producer.isClosed() || transport.state() == TransportState.CLOSED || transport.state() == TransportState.FAILED) {
            closed = true;
            return;
        }
        RouterShard shard = router.shardOf(transport.eventLoop());
        link = shard.linkOf(transport).subscriber();
        producer = shard.instanceOf(producer, false);
        link.add(this);
        producer.addConsumer(this);
    }

    void closeNow() {
        if (closed) {
            return;
        }
        closed = true;
        producer.removeConsumer(this);
        if (link != null) {
            link.remove(this);
        }
    }

    boolean isClosed() {
        return closed;
    }

    boolean isPaused() {
        return paused;
    }

    boolean viewVisible() {
        return viewVisible;
    }

    int viewWidth() {
        return viewWidth;
    }

    int viewHeight() {
        return viewHeight;
    }

    /** The layer the producer's own choice or the allocation wants (stream index; -1: no video). */
    void setTargetLayer(int layer) {
        layers.setTarget(layer);
    }

    /** The subscriber can receive now: a video consumer that has not started needs a keyframe. */
    void onTransportConnected(long nowNanos) {
        if (!closed && !sequence.started() && producer.kind() == MediaKind.VIDEO && layers.target() >= 0) {
            producer.requestKeyframe(layers.target(), nowNanos, KeyframeReason.START);
        }
    }

    /** A packet of {@code stream} to forward or not: the subclass's way of forwarding. */
    final void forward(ProducerStream stream, RtpPacket rtp, boolean keyframe, long nowNanos) {
        assert io.stagecast.sfu.transport.LoopConfinement.owned(transport.eventLoop());
        if (paused || !transport.isConnected()) {
            return;
        }
        select(stream, rtp, keyframe, nowNanos);
    }

    abstract void select(ProducerStream stream, RtpPacket rtp, boolean keyframe, long nowNanos);

    /** Continues the numbering of the consumer this one replaces on the same SSRCs (WHEP slot). */
    void continueAfter(Consumer previous) {
        if (previous == null) {
            return;
        }
        sequence.continueAfter(previous.sequence);
        rtxSeq = previous.rtxSeq;
        if (pictureIds != null && previous.pictureIds != null) {
            pictureIds.continueAfter(previous.pictureIds);
        }
    }

    /** {@code rtp} (a keyframe's first packet) starts a new source: numbering follows ours. */
    final void startSource(RtpPacket rtp, long nowNanos) {
        sequence.startSource(rtp.sequenceNumber(), rtp.timestamp(), nowNanos);
        if (pictureIds != null) {
            pictureIds.onSourceChange(rtp.buffer(), rtp.payloadOffset(), rtp.payloadLength());
        }
    }

    /** Leaves {@code rtp} of the current source out without a gap (a frame of a dropped temporal layer). */
    final void drop(RtpPacket rtp) {
        sequence.drop(rtp.sequenceNumber());
        if (pictureIds != null) {
            pictureIds.onDropped(rtp.buffer(), rtp.payloadOffset(), rtp.payloadLength());
        }
    }

    /** A packet of the current layer: sent, unless its temporal layer is above what the viewer gets. */
    final void forwardFrame(ProducerStream stream, RtpPacket rtp, long nowNanos) {
        int tid = stream.packetTemporalId();
        if (tid >= 0 && !layers.forwardsTemporal(tid, stream.packetStartsFrame(), stream.packetLayerSync())) {
            // Whole frames of a higher temporal layer: nothing the viewer decodes references them.
            drop(rtp);
            return;
        }
        send(stream, rtp, nowNanos);
    }

    /** Rewrites {@code rtp} of the current source for this subscriber and sends it. */
    final void send(ProducerStream stream, RtpPacket rtp, long nowNanos) {
        int payloadType = rewriter.payloadType(rtp.payloadType());
        if (payloadType < 0) {
            sequence.drop(rtp.sequenceNumber()); // a payload type the subscriber never agreed to
            return;
        }
        int seqOut = sequence.sequenceOut(rtp.sequenceNumber());
        long tsOut = sequence.timestampOut(rtp.timestamp());
        int h = history.record(seqOut, rtp.sequenceNumber(), tsOut, stream.layer());
        RtpPacket packet = rewriter.rewrite(sender.sendScratch(), 0, rtp.buffer(),
                rtp.offset(), rtp.length(), seqOut, tsOut, payloadType);
        boolean newest = SequenceNumbers.isNewer(seqOut, sequence.lastSequenceOut());
        if (pictureIds != null) {
            int shift = pictureIds.currentShift();
            history.setPictureShift(h, shift);
            pictureIds.rewrite(packet.buffer(), packet.payloadOffset(), packet.payloadLength(), shift, newest);
        }
        // What we stamp is remembered: a resend without RTX must repeat these bytes exactly.
        history.setTransportSeq(h, link.stamp(packet, transportCcId, -1, nowNanos));
        history.setAbsSendTime(h, stampAbsSendTime(packet, nowNanos));
        packetsSent++;
        octetsSent += packet.payloadLength();
        bytesSinceRead += packet.length();
        sender.sendRtp(packet, video);
        sequence.onSent(seqOut, tsOut, nowNanos);
    }

    /**
     * Our send time in the abs-send-time element; returns the 24-bit value written, -1 if none.
     * The time is the batch's {@code nowNanos}, the one the transport-wide stamp gives the
     * estimator: a clock read per subscriber packet was 1.6% of the egress benchmark's profile,
     * and the forwarding of one packet to every subscriber takes well under the element's
     * resolution of a receiver's packet group (5 ms, gcc-02 5.2).
     */
    final int stampAbsSendTime(RtpPacket packet, long nowNanos) {
        if (absSendTimeId <= 0) {
            return -1;
        }
        int value = RtpPacket.absSendTimeOf(nowNanos);
        return packet.setAbsSendTimeValue(absSendTimeId, value) ? value : -1;
    }

    int absSendTimeId() {
        return absSendTimeId;
    }

    /** The next sequence number of our RTX stream (retransmissions and padding share it, RFC 4588). */
    final int nextRtxSequence() {
        int seq = rtxSeq;
        rtxSeq = (rtxSeq + 1) & 0xFFFF;
        return seq;
    }

    /** Counts bytes sent on this consumer's SSRCs that are not media (RTX, padding). */
    final void countSent(int bytes) {
        bytesSinceRead += bytes;
    }

    /** Bytes sent since the last call (the subscriber reads it per allocation period). */
    final long takeBytesSent() {
        long n = bytesSinceRead;
        bytesSinceRead = 0;
        return n;
    }

    /** NACK, PLI or FIR from the subscriber (RFC 4585, RFC 5104). */
    void onFeedback(RtcpCompound rtcp, long nowNanos) {
        if (closed) {
            return;
        }
        if (rtcp.packetType() == 206 && (rtcp.fmt() == 1 || rtcp.fmt() == 4)) {
            int layer = layers.current() >= 0 ? layers.current() : layers.target();
            keyframeAsks++;
            producer.requestKeyframe(layer, nowNanos, KeyframeReason.SUBSCRIBER);
        } else if (rtcp.packetType() == 205 && rtcp.fmt() == 1) {
            nacks.onNack(rtcp.buffer(), rtcp.packetOffset(), rtcp.packetLength(), nowNanos);
        }
    }

    /** RFC 3550 6.4.1, so the subscriber can sync audio and video and measure RTT. */
    void sendSenderReport(long nowNanos) {
        if (closed || !sequence.started() || !transport.isConnected()) {
            return;
        }
        long rtpNow = (sequence.lastTimestampOut() + (nowNanos - sequence.lastOutNanos()) * clockRate / 1_000_000_000L)
                & 0xFFFFFFFFL;
        byte[] array = sender.sendScratch();
        int base = 0;
        int len = RtcpWriters.writeSenderReport(array, base, spec.ssrc(), NtpTime.fromUnixMillis(System.currentTimeMillis()),
                rtpNow, packetsSent, octetsSent);
        len += RtcpWriters.writeSdesCname(array, base + len, spec.ssrc(), CNAME);
        sender.sendRtcp(array, base, len);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + id + ", producer " + producer.id() + "]";
    }
}
