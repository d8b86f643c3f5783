package io.stagecast.sfu.router;

import io.stagecast.sfu.metrics.KeyframeReason;
import io.stagecast.sfu.metrics.NackRefusal;
import io.stagecast.sfu.rtcp.RtcpCompound;
import io.stagecast.sfu.rtcp.RtcpReaders;
import io.stagecast.sfu.rtp.RtpPacket;
import io.stagecast.sfu.transport.Transport;

/**
 * The origin's end of a track relayed to another node: every stream of the producer (each
 * simulcast layer) leaves as the publisher sent it, same SSRCs, sequence numbers, timestamps,
 * payload types and header extensions, so the other node's producer of it ({@code
 * Router.createProducer} on its relay transport, with {@link Producer#relaySpec}) sees what a publisher
 * would send and its viewers get their own allocation there. The relay carries the layers the
 * other node's viewers need ({@link #setRelayedStreams}: every layer until it says, the lowest
 * always); that demand counts here as a viewer's would ({@link LayerDemand}), so a layer wanted
 * only there is not paused at the publisher. A layer the other node asks for again gets a
 * keyframe request at once (its viewers switch up on one). Otherwise nothing is chosen here: its
 * transport gets no allocation and no probing ({@link SubscriberLink}).
 *
 * <p>Feedback from the other node: its NACKs name our publisher's sequence numbers and are
 * answered from the producer's cache with the packet as first sent (byte for byte: the same SRTP
 * index protects the same bytes, RFC 7714 15), within the transport's retransmission budget;
 * its keyframe requests (already one per producer and interval there) go to the publisher.
 * Event loop of the relay transport only; allocates nothing per packet.
 */
final class RelayConsumer extends Consumer implements NackResponder.Resender {
    private long relayed;
    /** The streams relayed (bit i: stream i); every one (bits 0-30) until the other node says. */
    private int wanted = -1 >>> 1;
    /** The stream the NACK being answered is about (set for {@link NackResponder#walk}). */
    private ProducerStream nacked;

    RelayConsumer(String id, Router router, Transport transport, Producer producer) {
        super(id, router, transport, producer, relayConsumerSpec(producer.spec()));
    }

    private static ConsumerSpec relayConsumerSpec(ProducerSpec spec) {
        return new ConsumerSpec(spec.streams().get(0).ssrc(), 0, spec.codec().payloadType(), -1,
                spec.headerExtensions());
    }

    @Override
    boolean relaysSsrc(int ssrc) {
        return layerOf(ssrc) >= 0;
    }

    @Override
    int neededStreams() {
        return wanted;
    }

    /** The lowest stream is relayed whatever the mask says: a viewer arriving there starts at once. */
    @Override
    public void setRelayedStreams(int streams) {
        transport.execute(() -> {
            int now = (streams | 1) & (-1 >>> 1);
            int added = now & ~wanted;
            wanted = now;
            if (added != 0 && producer.kind() == MediaKind.VIDEO && !isClosed()) {
                long nowNanos = System.nanoTime();
                for (int layer = 0; layer < producer.streamCount() && layer < 31; layer++) {
                    if ((added & (1 << layer)) != 0) {
                        producer.requestKeyframe(layer, nowNanos, KeyframeReason.SUBSCRIBER);
                    }
                }
            }
        });
    }

    @Override
    void select(ProducerStream stream, RtpPacket rtp, boolean keyframe, long nowNanos) {
        if (stream.layer() < 31 && (wanted & (1 << stream.layer())) == 0) {
            return;
        }
        byte[] out = sender.sendScratch();
        int len = rtp.length();
        System.arraycopy(rtp.buffer(), rtp.offset(), out, 0, len);
        RtpPacket packet = rewriter.view().wrap(out, 0, len);
        countSent(len);
        sender.sendRtp(packet, producer.kind() == MediaKind.VIDEO);
        relayed++;
    }

    /** Packets relayed so far, retransmissions not included: once per packet of any layer. */
    @Override
    public long packetsSent() {
        return relayed;
    }

    /** The other node starts: its viewers' decoders need a keyframe on each layer. */
    @Override
    void onTransportConnected(long nowNanos) {
        if (producer.kind() == MediaKind.VIDEO) {
            for (int layer = 0; layer < producer.streamCount(); layer++) {
                producer.requestKeyframe(layer, nowNanos, KeyframeReason.START);
            }
        }
    }

    @Override
    void onFeedback(RtcpCompound rtcp, long nowNanos) {
        if (isClosed()) {
            return;
        }
        byte[] b = rtcp.buffer();
        int off = rtcp.packetOffset();
        int layer = layerOf(rtcp.packetType() == RtcpCompound.PT_PSFB && rtcp.fmt() == RtcpReaders.FMT_FIR
                ? RtcpReaders.firstFirSsrc(b, off, rtcp.packetLength()) : rtcp.mediaSsrc());
        if (layer < 0) {
            return;
        }
        if (rtcp.packetType() == RtcpCompound.PT_PSFB && (rtcp.fmt() == RtcpReaders.FMT_PLI
                || rtcp.fmt() == RtcpReaders.FMT_FIR)) {
            keyframeAsks++;
            producer.requestKeyframe(layer, nowNanos, KeyframeReason.SUBSCRIBER);
        } else if (rtcp.packetType() == RtcpCompound.PT_RTPFB && rtcp.fmt() == RtcpReaders.FMT_NACK) {
            nacked = producer.stream(layer);
            NackResponder.walk(b, off, rtcp.packetLength(), sender, this, nowNanos);
        }
    }

    /**
     * The layer sending {@code ssrc} (its SSRC as given, or as the origin producer learnt it: a
     * replica on this loop may have been seeded before), -1 when none of ours.
     */
    private int layerOf(int ssrc) {
        Producer origin = producer.origin();
        for (int i = 0; i < origin.streamCount(); i++) {
            int s = origin.stream(i).ssrc();
            if (s == ssrc && s != 0) {
                return i;
            }
        }
        return -1;
    }

    /** One NACKed packet, as the publisher sent it (and as we relayed it first). */
    @Override
    public void resend(int seq, long nowNanos) {
        ProducerStream stream = nacked;
        byte[] cached = stream.cached(seq);
        if (cached == null) {
            sender.refuseNack(NackRefusal.NOT_CACHED, 1);
            return;
        }
        int len = stream.cachedLength(seq);
        if (!sender.tryRetransmit(len)) {
            return;
        }
        byte[] out = sender.sendScratch();
        System.arraycopy(cached, 0, out, 0, len);
        countSent(len);
        sender.resendRtp(rewriter.view().wrap(out, 0, len));
    }
}
