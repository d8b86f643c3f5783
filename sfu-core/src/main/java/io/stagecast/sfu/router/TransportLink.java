package io.stagecast.sfu.router;

import io.stagecast.sfu.metrics.DropReason;
import io.stagecast.sfu.rtcp.RtcpCompound;
import io.stagecast.sfu.rtp.RtpPacket;
import io.stagecast.sfu.transport.MediaListener;
import io.stagecast.sfu.transport.Transport;

/**
 * One transport as a router sees it, and the only thing its transport calls: packets go to its
 * publishing side ({@link PublisherLink}), RTCP is dispatched by type to the side it is about
 * (an SR to the publisher's streams; RR, NACK, PLI, FIR, REMB and transport-cc feedback to the
 * subscribing side, {@link SubscriberLink}). Either side exists once a producer or consumer uses
 * the transport. Event loop only.
 */
final class TransportLink implements MediaListener {
    private final Router router;
    private final RouterShard shard;
    private final Transport transport;
    private PublisherLink publisher;
    private SubscriberLink subscriber;

    TransportLink(Router router, RouterShard shard, Transport transport) {
        this.router = router;
        this.shard = shard;
        this.transport = transport;
    }

    PublisherLink publisher() {
        if (publisher == null) {
            publisher = new PublisherLink(transport);
        }
        return publisher;
    }

    SubscriberLink subscriber() {
        if (subscriber == null) {
            subscriber = new SubscriberLink(router, transport);
        }
        return subscriber;
    }

    /** The subscribing side, or null when nothing is consumed on this transport. */
    SubscriberLink subscriberOrNull() {
        return subscriber;
    }

    PublisherLink publisherOrNull() {
        return publisher;
    }

    @Override
    public void onRtp(RtpPacket rtp, long nowNanos) {
        if (publisher == null) {
            transport.metrics().drop(DropReason.UNKNOWN_SSRC);
            return;
        }
        publisher.onRtp(rtp, nowNanos);
    }

    @Override
    public void onRtcp(RtcpCompound rtcp, long nowNanos) {
        switch (rtcp.packetType()) {
            case 200: // SR: about the publisher's stream; its report blocks may be about ours
                if (publisher != null) {
                    publisher.onSenderReport(rtcp, nowNanos);
                }
                if (subscriber != null) {
                    subscriber.onReportBlocks(rtcp, nowNanos);
                }
                break;
            case 201: // RR: a subscriber's report on what we send
                if (subscriber != null) {
                    subscriber.onReportBlocks(rtcp, nowNanos);
                }
                break;
            case RtcpCompound.PT_RTPFB:
            case RtcpCompound.PT_PSFB:
                if (subscriber != null) {
                    subscriber.onFeedback(rtcp, nowNanos);
                }
                break;
            default:
                break; // SDES, BYE, XR: nothing we act on yet
        }
    }

    @Override
    public void onConnected(long nowNanos) {
        if (subscriber != null) {
            subscriber.onConnected(nowNanos);
        }
    }

    @Override
    public void onTick(long nowNanos, boolean reportsDue) {
        if (publisher != null) {
            publisher.tick(nowNanos, reportsDue);
        }
        if (subscriber != null) {
            subscriber.tick(nowNanos, reportsDue);
        }
        shard.tick(nowNanos);
    }

    @Override
    public boolean sendsSsrc(int ssrc) {
        return subscriber != null && subscriber.sendsSsrc(ssrc);
    }

    @Override
    public void onClosed() {
        close();
    }

    void close() {
        shard.unlink(transport, this);
        if (publisher != null) {
            publisher.close();
        }
        if (subscriber != null) {
            subscriber.close();
        }
    }
}
