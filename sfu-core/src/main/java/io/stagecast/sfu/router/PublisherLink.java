package io.stagecast.sfu.router;

import io.stagecast.sfu.metrics.KeyframeReason;
import io.stagecast.sfu.metrics.DropReason;
import io.stagecast.sfu.rtcp.RtcpCompound;
import io.stagecast.sfu.rtcp.RtcpReaders;
import io.stagecast.sfu.rtcp.RtcpWriters;
import io.stagecast.sfu.rtp.RtpExtensionUris;
import io.stagecast.sfu.rtp.RtpPacket;
import io.stagecast.sfu.transport.Transport;

import java.util.ArrayList;
import java.util.List;

/**
 * The publishing side of one transport in a router: the {@link RtpStreamTable} that maps its
 * packets to producer streams, its sender reports, and our RTCP towards it (NACKs, receiver
 * reports and PLIs, written by the streams on each tick). Event loop only.
 */
final class PublisherLink {
    private final Transport transport;
    private final RtpStreamTable streams = new RtpStreamTable();
    private final List<Producer> producers = new ArrayList<>();
    /** PLIs sent since the last tick, by {@link KeyframeReason#ordinal()}: reported per tick. */
    private final long[] keyframeRequests = new long[KeyframeReason.values().length];

    PublisherLink(Transport transport) {
        this.transport = transport;
    }

    void add(Producer producer) {
        producers.add(producer);
        for (int i = 0; i < producer.streamCount(); i++) {
            streams.add(producer.stream(i));
        }
        // draft-holmer-rmcat-transport-wide-cc-extensions-01: a peer that stamps transport-wide
        // sequence numbers estimates its bandwidth from our feedback on them.
        transport.enableTransportCcFeedback(producer.spec().extensionId(RtpExtensionUris.TRANSPORT_CC));
    }

    void remove(Producer producer) {
        producers.remove(producer);
        for (int i = 0; i < producer.streamCount(); i++) {
            streams.remove(producer.stream(i));
        }
    }

    List<Producer> producers() {
        return producers;
    }

    void onRtp(RtpPacket rtp, long nowNanos) {
        ProducerStream stream = streams.find(rtp);
        if (stream == null) {
            transport.metrics().drop(DropReason.UNKNOWN_SSRC);
            return;
        }
        stream.onRtp(rtp, nowNanos);
    }

    /** An SR from the publisher: kept for our receiver reports' LSR/DLSR (RFC 3550 6.4.1). */
    void onSenderReport(RtcpCompound rtcp, long nowNanos) {
        if (!RtcpReaders.isSenderReport(rtcp.buffer(), rtcp.packetOffset(), rtcp.contentLength())) {
            return; // shorter than its sender info and report blocks (found by PacketPathFuzzTarget)
        }
        ProducerStream stream = streams.bySsrc(rtcp.senderSsrc());
        if (stream != null) {
            stream.onSenderReport(rtcp, nowNanos);
        }
    }

    /** Asks the publisher for a keyframe on {@code mediaSsrc} (RFC 4585 6.3.1). */
    void sendPli(int mediaSsrc, KeyframeReason reason) {
        if (!transport.isConnected()) {
            return;
        }
        byte[] out = transport.sender().sendScratch();
        int len = RtcpWriters.writePli(out, 0, transport.sender().rtcpSenderSsrc(), mediaSsrc);
        transport.sender().sendRtcp(out, 0, len);
        keyframeRequests[reason.ordinal()]++;
    }

    void tick(long nowNanos, boolean reportsDue) {
        for (int i = 0; i < producers.size(); i++) {
            producers.get(i).tick(transport, nowNanos, reportsDue);
        }
        transport.metrics().keyframeRequests(keyframeRequests);
    }

    void close() {
        for (Producer producer : new ArrayList<>(producers)) {
            producer.closeNow();
        }
        streams.clear();
        transport.metrics().keyframeRequests(keyframeRequests);
    }
}
