package io.stagecast.sfu.router;

import io.netty.buffer.ByteBuf;
import io.stagecast.sfu.buffer.PacketBuffer;
import io.stagecast.sfu.metrics.NackRefusal;
import io.stagecast.sfu.rtcp.NtpTime;
import io.stagecast.sfu.rtcp.RtcpCompound;
import io.stagecast.sfu.rtcp.RtcpReaders;
import io.stagecast.sfu.rtcp.RtcpWriters;
import io.stagecast.sfu.rtp.RtpExtensionUris;
import io.stagecast.sfu.rtp.RtpPacket;
import io.stagecast.sfu.rtp.RtxPackets;
import io.stagecast.sfu.rtp.SequenceNumbers;
import io.stagecast.sfu.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One subscriber's view of one producer: the SSRC, sequence numbers and timestamps it sees are
 * ours and stay continuous across simulcast layer switches; header extension ids and payload
 * types are rewritten to what the subscriber negotiated. Event-loop owned.
 */
public final class Consumer {
    private static final Logger log = LoggerFactory.getLogger(Consumer.class);
    /**
     * Sent packets remembered for mapping a subscriber's NACK back to a cached packet: as many as
     * the producer's cache holds, and as far back as SRTP can check a resend (ProtectedIndexLog).
     */
    private static final int HISTORY = 512;
    /** Sequence numbers of one NACK packet that are looked at (issue 8: 300 per packet, 100 packets/s). */
    static final int MAX_NACKED_PER_FEEDBACK = 128;
    /** RFC 4588 4: the original sequence number in front of the payload. */
    private static final int RTX_OVERHEAD = 2;
    private static final long NEVER = Long.MIN_VALUE;
    private static final byte[] CNAME = "stagecast".getBytes(StandardCharsets.US_ASCII);

    private final String id;
    private final Transport transport;
    private final Producer producer;
    private final ConsumerSpec spec;
    private final int[] payloadTypeMap = new int[128];
    private final byte[] extensionIdMap = new byte[256];
    private final int transportCcId;
    private final int absSendTimeId;
    private final int clockRate;
    private final RtpPacket outView = new RtpPacket();
    /** VP8/VP9 picture numbering continued across layer switches; null for other codecs. */
    private final PictureIdContinuity pictureIds;
    private final byte[] rtxScratch = new byte[PacketBuffer.CAPACITY];

    private int currentLayer = -1;
    private int targetLayer;
    private boolean started;
    private int seqOffset;
    private long tsOffset;
    private int lastSeqOut;
    private long lastTsOut;
    private long lastOutNanos;
    private int rtxSeq = ThreadLocalRandom.current().nextInt(1 << 15);
    private long packetsSent;
    private long octetsSent;
    private boolean paused;
    private boolean viewVisible = true;
    private int viewWidth;
    private int viewHeight;
    private boolean closed;

    private final int[] historySeqOut = new int[HISTORY];
    private final int[] historySeqIn = new int[HISTORY];
    private final int[] historyTsOut = new int[HISTORY];
    private final byte[] historyLayer = new byte[HISTORY];
    /** The transport-wide sequence number and abs-send-time each packet was first sent with, -1 if none. */
    private final int[] historyTransportSeq = new int[HISTORY];
    private final int[] historyAbsSendTime = new int[HISTORY];
    /** The picture ID shift each packet was sent with ({@link PictureIdContinuity#currentShift}). */
    private final int[] historyPictureShift = new int[HISTORY];
    /** When each was last retransmitted ({@link #NEVER} if not): one answer per round trip. */
    private final long[] historyResentNanos = new long[HISTORY];

    Consumer(String id, Transport transport, Producer producer, ConsumerSpec spec) {
        this.id = id;
        this.transport = transport;
        this.producer = producer;
        this.spec = spec;
        this.clockRate = producer.spec().codec().clockRate();
        this.transportCcId = spec.extensionId(RtpExtensionUris.TRANSPORT_CC);
        this.absSendTimeId = spec.extensionId(RtpExtensionUris.ABS_SEND_TIME);
        PictureIdContinuity numbering = new PictureIdContinuity(producer.spec().codec().videoCodec());
        this.pictureIds = numbering.applies() ? numbering : null;
        Arrays.fill(payloadTypeMap, -1);
        payloadTypeMap[producer.spec().codec().payloadType()] = spec.payloadType();
        for (Map.Entry<String, Integer> ext : producer.spec().headerExtensions().entrySet()) {
            int theirs = spec.extensionId(ext.getKey());
            if (ext.getValue() > 0 && ext.getValue() < 256) {
                extensionIdMap[ext.getValue()] = (byte) theirs; // 0: not negotiated -> padded away
            }
        }
        Arrays.fill(historySeqOut, -1);
        Arrays.fill(historyResentNanos, NEVER);
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

    public Producer producer() {
        return producer;
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
     * wider than the tile, and no video to a hidden one. CONTRACT STUB (issue 9): stored, not yet used.
     */
    public void setViewport(boolean visible, int widthPx, int heightPx) {
        transport.execute(() -> {
            viewVisible = visible;
            viewWidth = Math.max(0, widthPx);
            viewHeight = Math.max(0, heightPx);
        });
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
        if (producer.isClosed()) {
            closed = true;
            return;
        }
        transport.addConsumer(this);
        producer.addConsumer(this);
    }

    private void closeNow() {
        if (closed) {
            return;
        }
        closed = true;
        producer.removeConsumer(this);
        transport.removeConsumer(this);
    }

    void setTargetLayer(int layer) {
        targetLayer = layer;
    }

    /** The subscriber can receive now: a video consumer that has not started needs a keyframe. */
    public void onTransportConnected(long nowNanos) {
        if (!closed && !started && producer.kind() == MediaKind.VIDEO) {
            producer.requestKeyframe(targetLayer, nowNanos);
        }
    }

    void forward(ProducerStream stream, RtpPacket rtp, boolean keyframe, long nowNanos) {
        if (paused || !transport.isConnected()) {
            return;
        }
        int layer = stream.layer();
        if (layer != currentLayer) {
            if (layer != targetLayer) {
                return;
            }
            if (producer.kind() == MediaKind.VIDEO && !keyframe) {
                // A decoder can only start (or change layer) on a keyframe: wait for one.
                stream.requestKeyframe(nowNanos);
                return;
            }
            if (log.isDebugEnabled()) {
                log.debug("consumer {} starts layer {} at its keyframe (was {})", id, layer, currentLayer);
            }
            switchTo(layer, rtp, nowNanos);
            if (pictureIds != null) {
                pictureIds.onSourceChange(rtp.buffer(), rtp.payloadOffset(), rtp.payloadLength());
            }
        }
        int payloadType = payloadTypeMap[rtp.payloadType()];
        if (payloadType < 0) {
            return; // a payload type the subscriber never agreed to (e.g. RED, comfort noise)
        }
        int seqOut = (rtp.sequenceNumber() + seqOffset) & 0xFFFF;
        long tsOut = (rtp.timestamp() + tsOffset) & 0xFFFFFFFFL;
        int h = seqOut & (HISTORY - 1);
        historySeqOut[h] = seqOut;
        historySeqIn[h] = rtp.sequenceNumber();
        historyTsOut[h] = (int) tsOut;
        historyLayer[h] = (byte) layer;
        historyResentNanos[h] = NEVER;
        ByteBuf out = transport.allocateSendBuffer();
        RtpPacket packet = rewrite(out, rtp.buffer(), rtp.offset(), rtp.length(), seqOut, tsOut, payloadType);
        if (pictureIds != null) {
            int shift = pictureIds.currentShift();
            historyPictureShift[h] = shift;
            pictureIds.rewrite(packet.buffer(), packet.payloadOffset(), packet.payloadLength(), shift,
                    SequenceNumbers.isNewer(seqOut, lastSeqOut));
        }
        // What we stamp is remembered: a resend without RTX must repeat these bytes exactly.
        historyTransportSeq[h] = transport.stampTransportSequence(packet, transportCcId);
        historyAbsSendTime[h] = stampAbsSendTime(packet);
        packetsSent++;
        octetsSent += packet.payloadLength();
        transport.sendRtp(out, packet);
        if (SequenceNumbers.isNewer(seqOut, lastSeqOut)) {
            lastSeqOut = seqOut;
            lastTsOut = tsOut;
            lastOutNanos = nowNanos;
        }
    }

    /**
     * Continues the numbering of the consumer this one replaces on the same SSRCs (a WHEP slot
     * that shows another track now): the subscriber sees one stream going on, not a jump back
     * that its SRTP replay window would drop (RFC 3711 3.3.2) until the sequence caught up.
     * Event loop, before the first packet.
     */
    void continueAfter(Consumer previous) {
        if (previous == null || !previous.started) {
            return;
        }
        started = true;
        lastSeqOut = previous.lastSeqOut;
        lastTsOut = previous.lastTsOut;
        lastOutNanos = previous.lastOutNanos;
        rtxSeq = previous.rtxSeq;
        if (pictureIds != null && previous.pictureIds != null) {
            pictureIds.continueAfter(previous.pictureIds);
        }
    }

    /** Keeps the subscriber's sequence and timestamp continuous when the source stream changes. */
    private void switchTo(int layer, RtpPacket rtp, long nowNanos) {
        if (!started) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            seqOffset = random.nextInt(1 << 15) - rtp.sequenceNumber();
            tsOffset = (random.nextInt() & 0xFFFFFFFFL) - rtp.timestamp();
            started = true;
            lastSeqOut = (rtp.sequenceNumber() + seqOffset - 1) & 0xFFFF;
        } else {
            seqOffset = lastSeqOut + 1 - rtp.sequenceNumber();
            long elapsedTicks = Math.max(1, (nowNanos - lastOutNanos) * clockRate / 1_000_000_000L);
            tsOffset = lastTsOut + elapsedTicks - rtp.timestamp();
        }
        currentLayer = layer;
    }

    /** Copies a packet into {@code out} as this subscriber sees it: our SSRC, numbering, types and ids. */
    private RtpPacket rewrite(ByteBuf out, byte[] src, int off, int len, int seqOut, long tsOut, int payloadType) {
        return rewrite(out.array(), out.arrayOffset() + out.readerIndex(), src, off, len, seqOut, tsOut, payloadType);
    }

    private RtpPacket rewrite(byte[] array, int base, byte[] src, int off, int len, int seqOut, long tsOut, int payloadType) {
        System.arraycopy(src, off, array, base, len);
        RtpPacket packet = outView.wrap(array, base, len);
        packet.setSsrc(spec.ssrc());
        packet.setSequenceNumber(seqOut);
        packet.setTimestamp(tsOut);
        packet.setPayloadType(payloadType);
        packet.remapExtensionIds(extensionIdMap);
        return packet;
    }

    /** A resent packet carries the picture numbers its first send carried. */
    private void renumberPicture(RtpPacket packet, int h) {
        if (pictureIds != null) {
            pictureIds.rewrite(packet.buffer(), packet.payloadOffset(), packet.payloadLength(),
                    historyPictureShift[h], false);
        }
    }

    /** Our send time in the abs-send-time element; returns the 24-bit value written, -1 if none. */
    private int stampAbsSendTime(RtpPacket packet) {
        if (absSendTimeId <= 0) {
            return -1;
        }
        int value = RtpPacket.absSendTimeOf(System.nanoTime());
        return packet.setAbsSendTimeValue(absSendTimeId, value) ? value : -1;
    }

    /** NACK, PLI or FIR from the subscriber (RFC 4585, RFC 5104). */
    public void onFeedback(RtcpCompound rtcp, long nowNanos) {
        if (closed) {
            return;
        }
        if (rtcp.packetType() == 206 && (rtcp.fmt() == 1 || rtcp.fmt() == 4)) {
            producer.requestKeyframe(currentLayer >= 0 ? currentLayer : targetLayer, nowNanos);
        } else if (rtcp.packetType() == 205 && rtcp.fmt() == 1) {
            onNack(rtcp.buffer(), rtcp.packetOffset(), rtcp.packetLength(), nowNanos);
        }
    }

    /**
     * RFC 4585 6.2.1: each FCI entry names a packet and up to 16 after it. At most
     * {@value #MAX_NACKED_PER_FEEDBACK} sequence numbers of one NACK packet are looked at; a real
     * receiver that lost more asks again for the rest after a round trip.
     */
    private void onNack(byte[] b, int off, int len, long nowNanos) {
        int entries = RtcpReaders.nackCount(b, off, len);
        int room = MAX_NACKED_PER_FEEDBACK;
        int overCap = 0;
        for (int i = 0; i < entries; i++) {
            int pid = RtcpReaders.nackPid(b, off, i);
            int blp = RtcpReaders.nackBlp(b, off, i) & 0xFFFF;
            if (room <= 0) {
                overCap += 1 + Integer.bitCount(blp);
                continue;
            }
            room--;
            retransmit(pid, nowNanos);
            for (int bit = 0; bit < 16; bit++) {
                if ((blp & (1 << bit)) != 0) {
                    if (room > 0) {
                        room--;
                        retransmit((pid + bit + 1) & 0xFFFF, nowNanos);
                    } else {
                        overCap++;
                    }
                }
            }
        }
        if (overCap > 0) {
            transport.refuseNack(NackRefusal.OVER_CAP, overCap);
        }
    }

    private void retransmit(int seqOut, long nowNanos) {
        int h = seqOut & (HISTORY - 1);
        if (historySeqOut[h] != seqOut) {
            transport.refuseNack(NackRefusal.NOT_CACHED, 1);
            return;
        }
        ProducerStream stream = producer.stream(historyLayer[h]);
        int seqIn = historySeqIn[h];
        byte[] cached = stream.cached(seqIn);
        if (cached == null) {
            transport.refuseNack(NackRefusal.NOT_CACHED, 1);
            return;
        }
        long resent = historyResentNanos[h];
        if (resent != NEVER && nowNanos - resent < transport.resendIntervalNanos()) {
            transport.refuseNack(NackRefusal.RECENTLY_SENT, 1);
            return;
        }
        int len = stream.cachedLength(seqIn);
        if (!transport.tryRetransmit(spec.hasRtx() ? len + RTX_OVERHEAD : len)) {
            return;
        }
        historyResentNanos[h] = nowNanos == NEVER ? nowNanos + 1 : nowNanos;
        int payloadType = payloadTypeMap[cached[1] & 0x7F];
        long tsOut = historyTsOut[h] & 0xFFFFFFFFL;
        if (!spec.hasRtx()) {
            // The same index must protect the same bytes (RFC 7714 15): rebuild the first send exactly,
            // with the transport-wide sequence number and send time it carried.
            ByteBuf out = transport.allocateSendBuffer();
            RtpPacket packet = rewrite(out, cached, 0, len, seqOut, tsOut, payloadType);
            renumberPicture(packet, h);
            if (historyTransportSeq[h] >= 0) {
                packet.setTransportSequenceNumber(transportCcId, historyTransportSeq[h]);
            }
            if (historyAbsSendTime[h] >= 0) {
                packet.setAbsSendTimeValue(absSendTimeId, historyAbsSendTime[h]);
            }
            transport.resendRtp(out, packet);
            return;
        }
        // RFC 4588: rewrite as the subscriber saw it, then wrap it in an RTX packet, which is a new
        // packet of its own stream with a fresh transport-wide sequence number and send time.
        RtpPacket original = rewrite(rtxScratch, 0, cached, 0, len, seqOut, tsOut, payloadType);
        renumberPicture(original, h);
        ByteBuf out = transport.allocateSendBuffer();
        int base = out.arrayOffset() + out.readerIndex();
        int rtxLen = RtxPackets.toRtx(rtxScratch, 0, original.length(), out.array(), base, spec.rtxPayloadType(),
                spec.rtxSsrc(), rtxSeq);
        if (rtxLen < 0) {
            out.release();
            return;
        }
        rtxSeq = (rtxSeq + 1) & 0xFFFF;
        RtpPacket rtx = outView.wrap(out.array(), base, rtxLen);
        transport.stampTransportSequence(rtx, transportCcId);
        stampAbsSendTime(rtx);
        transport.resendRtp(out, rtx);
    }

    /** RFC 3550 6.4.1, so the subscriber can sync audio and video and measure RTT. */
    public void sendSenderReport(long nowNanos) {
        if (closed || !started || !transport.isConnected()) {
            return;
        }
        long rtpNow = (lastTsOut + (nowNanos - lastOutNanos) * clockRate / 1_000_000_000L) & 0xFFFFFFFFL;
        ByteBuf out = transport.allocateSendBuffer();
        byte[] array = out.array();
        int base = out.arrayOffset() + out.readerIndex();
        int len = RtcpWriters.writeSenderReport(array, base, spec.ssrc(), NtpTime.fromUnixMillis(System.currentTimeMillis()),
                rtpNow, packetsSent, octetsSent);
        len += RtcpWriters.writeSdesCname(array, base + len, spec.ssrc(), CNAME);
        transport.sendRtcp(out, len);
    }
}
