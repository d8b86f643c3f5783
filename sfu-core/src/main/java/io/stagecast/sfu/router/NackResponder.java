package io.stagecast.sfu.router;

import io.stagecast.sfu.buffer.PacketBuffer;
import io.stagecast.sfu.metrics.NackRefusal;
import io.stagecast.sfu.rtcp.RtcpReaders;
import io.stagecast.sfu.rtp.RtpPacket;
import io.stagecast.sfu.rtp.RtxPackets;
import io.stagecast.sfu.transport.TransportSender;

/**
 * Answers one consumer's subscriber NACKs (RFC 4585 6.2.1) from the producer's cache, within the
 * rules of issue 8: at most {@value #MAX_NACKED_PER_FEEDBACK} sequence numbers looked at per NACK
 * packet, a packet resent at most once per round trip, all within the subscriber's
 * {@link RetransmissionBudget}. With RTX negotiated a resend is a new packet of the RTX stream
 * (RFC 4588) with a fresh transport-wide sequence; without, it is a byte-identical copy of the
 * first send (the same SRTP index must protect the same bytes, RFC 7714 15). Event loop only.
 */
final class NackResponder {
    /** Sequence numbers of one NACK packet that are looked at (issue 8: 300 per packet, 100 packets/s). */
    static final int MAX_NACKED_PER_FEEDBACK = 128;
    /** RFC 4588 4: the original sequence number in front of the payload. */
    static final int RTX_OVERHEAD = 2;

    /** What a NACK's sequence numbers are handed to, one by one ({@link #walk}). */
    interface Resender {
        void resend(int seq, long nowNanos);
    }

    private final Consumer consumer;
    private final byte[] rtxScratch = new byte[PacketBuffer.CAPACITY];
    /** Made once: a method reference per NACK would allocate. */
    private final Resender retransmitter = this::retransmit;

    NackResponder(Consumer consumer) {
        this.consumer = consumer;
    }

    /** The NACK packet at {@code off}: each FCI entry names a packet and up to 16 after it. */
    void onNack(byte[] b, int off, int len, long nowNanos) {
        walk(b, off, len, consumer.sender, retransmitter, nowNanos);
    }

    /**
     * Each sequence number the NACK packet at {@code off} names (an FCI entry's packet and up to
     * 16 after it) to {@code resender}, at most {@value #MAX_NACKED_PER_FEEDBACK}; the rest are
     * counted as refused over the cap on {@code transport}.
     */
    static void walk(byte[] b, int off, int len, TransportSender transport, Resender resender, long nowNanos) {
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
            resender.resend(pid, nowNanos);
            for (int bit = 0; bit < 16; bit++) {
                if ((blp & (1 << bit)) != 0) {
                    if (room > 0) {
                        room--;
                        resender.resend((pid + bit + 1) & 0xFFFF, nowNanos);
                    } else {
                        overCap++;
                    }
                }
            }
        }
        if (overCap > 0) {
            // A real receiver that lost more asks again for the rest after a round trip.
            transport.refuseNack(NackRefusal.OVER_CAP, overCap);
        }
    }

    private void retransmit(int seqOut, long nowNanos) {
        TransportSender transport = consumer.sender;
        ForwardedPackets history = consumer.history;
        int h = history.slotOf(seqOut);
        if (h < 0) {
            transport.refuseNack(NackRefusal.NOT_CACHED, 1);
            return;
        }
        int layer = history.layer(h);
        if (superseded(layer)) {
            transport.refuseNack(NackRefusal.SUPERSEDED, 1);
            return;
        }
        ProducerStream stream = consumer.producer.stream(layer);
        int seqIn = history.seqIn(h);
        byte[] cached = stream.cached(seqIn);
        if (cached == null) {
            transport.refuseNack(NackRefusal.NOT_CACHED, 1);
            return;
        }
        if (history.resentWithin(h, nowNanos, transport.resendIntervalNanos())) {
            transport.refuseNack(NackRefusal.RECENTLY_SENT, 1);
            return;
        }
        ConsumerSpec spec = consumer.spec;
        int len = stream.cachedLength(seqIn);
        if (!transport.tryRetransmit(spec.hasRtx() ? len + RTX_OVERHEAD : len)) {
            return;
        }
        history.markResent(h, nowNanos);
        int payloadType = consumer.rewriter.payloadType(cached[1]);
        long tsOut = history.tsOut(h);
        if (!spec.hasRtx()) {
            // Rebuild the first send exactly, with the transport-wide sequence and send time it carried.
            RtpPacket packet = consumer.rewriter.rewrite(transport.sendScratch(), 0, cached, 0,
                    len, seqOut, tsOut, payloadType);
            renumberPicture(packet, h);
            if (history.transportSeq(h) >= 0) {
                packet.setTransportSequenceNumber(consumer.transportCcId, history.transportSeq(h));
            }
            if (history.absSendTime(h) >= 0) {
                packet.setAbsSendTimeValue(consumer.absSendTimeId(), history.absSendTime(h));
            }
            consumer.countSent(packet.length());
            transport.resendRtp(packet);
            return;
        }
        // RFC 4588: rewrite as the subscriber saw it, then wrap it in an RTX packet, which is a new
        // packet of its own stream with a fresh transport-wide sequence number and send time.
        RtpPacket original = consumer.rewriter.rewrite(rtxScratch, 0, cached, 0, len, seqOut, tsOut, payloadType);
        renumberPicture(original, h);
        byte[] out = transport.sendScratch();
        int rtxLen = RtxPackets.toRtx(rtxScratch, 0, original.length(), out, 0, spec.rtxPayloadType(),
                spec.rtxSsrc(), consumer.nextRtxSequence());
        if (rtxLen < 0) {
            return;
        }
        RtpPacket rtx = consumer.rewriter.view().wrap(out, 0, rtxLen);
        consumer.link.stamp(rtx, consumer.transportCcId, -1, nowNanos);
        consumer.stampAbsSendTime(rtx, nowNanos);
        consumer.countSent(rtxLen);
        transport.resendRtp(rtx);
    }

    /**
     * A packet of a layer this subscriber left, or is leaving because its link collapsed: after a
     * 5 Mbit/s -> 400 kbit/s drop the viewer NACKs most of the large layer's last packets, and
     * answering them (up to the 96 KB retransmission burst) kept ~1 Mbit/s going into the
     * 400 kbit/s link for a second, behind which the small layer's keyframe waited
     * (ShapedViewerEndToEndTest's longest gap stepping down, up to 1.5 s).
     */
    private boolean superseded(int layer) {
        if (consumer.producer.streamCount() < 2) {
            return false;
        }
        int current = consumer.layers.current();
        return layer != current || (consumer.abandonCurrent && current != consumer.layers.target());
    }

    /** A resent packet carries the picture numbers its first send carried. */
    private void renumberPicture(RtpPacket packet, int h) {
        if (consumer.pictureIds != null) {
            consumer.pictureIds.rewrite(packet.buffer(), packet.payloadOffset(), packet.payloadLength(),
                    consumer.history.pictureShift(h), false);
        }
    }
}
