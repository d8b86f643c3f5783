package io.stagecast.sfu.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.stagecast.sfu.buffer.PacketBuffer;
import io.stagecast.sfu.metrics.DropReason;
import io.stagecast.sfu.metrics.MediaMetrics;
import io.stagecast.sfu.stun.CheckOutcome;
import io.stagecast.sfu.stun.IceCheck;
import io.stagecast.sfu.stun.IceLiteResponder;
import io.stagecast.sfu.stun.StunPackets;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.Predicate;

/**
 * The top of the packet path: one datagram in, copied into this loop's receive buffer and
 * dispatched by its first byte ({@link ReceivedPacket}, RFC 7983 7): STUN, DTLS, RTP/RTCP;
 * anything else is dropped and counted.
 */
final class PacketDemux extends SimpleChannelInboundHandler<DatagramPacket> {
    private final TransportRegistry registry;
    private final IceLiteResponder responder;
    private final Predicate<InetAddress> remoteAllowed;
    private final MediaMetrics metrics;
    private final PacketBuffer receiveBuffer = new PacketBuffer();
    /** Summed per read batch and reported in {@link #channelReadComplete}: no shared counter per packet. */
    private long batchPackets;
    private long batchBytes;
    /** All datagrams read, published once per batch for this loop's gauge. */
    private volatile long packetsReceived;

    PacketDemux(TransportRegistry registry, IceLiteResponder responder, Predicate<InetAddress> remoteAllowed,
                MediaMetrics metrics) {
        super(true);
        this.registry = registry;
        this.responder = responder;
        this.remoteAllowed = remoteAllowed;
        this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket datagram) {
        ByteBuf content = datagram.content();
        int len = content.readableBytes();
        InetSocketAddress source = datagram.sender();
        batchPackets++;
        batchBytes += len;
        if (len < 1 || len > PacketBuffer.MTU) {
            metrics.drop(DropReason.MALFORMED);
            return;
        }
        ReceivedPacket kind = ReceivedPacket.load(content, len, receiveBuffer);
        byte[] buf = receiveBuffer.getBuffer();
        long now = System.nanoTime();
        if (kind == ReceivedPacket.STUN) {
            onStun(ctx, buf, len, source, now);
            return;
        }
        Transport transport = registry.byAddress(source);
        if (transport == null) {
            metrics.drop(DropReason.UNKNOWN_SOURCE);
            return;
        }
        // Any validated address of the transport may send DTLS and SRTP; we send to the selected one.
        if (kind == ReceivedPacket.DTLS) {
            transport.onDtls(buf, 0, len);
        } else if (kind == ReceivedPacket.SRTP) {
            transport.onSrtp(source, null, receiveBuffer, now);
        } else {
            metrics.drop(DropReason.MALFORMED);
        }
    }

    private void onStun(ChannelHandlerContext ctx, byte[] buf, int len, InetSocketAddress source, long now) {
        if (!remoteAllowed.test(source.getAddress())) {
            // Never answer outside the configured networks: no packet of ours goes there.
            metrics.drop(DropReason.REMOTE_NOT_ALLOWED);
            return;
        }
        if (StunPackets.isBindingIndication(buf, 0, len)) {
            // RFC 8445 11 keepalives (libnice sends them after nomination): nothing to answer, and
            // no proof of consent either (unauthenticated; see Transport.tick). Counted apart so
            // that stun_rejected keeps meaning failed authentication.
            metrics.drop(DropReason.KEEPALIVE);
            return;
        }
        IceCheck check = responder.handle(buf, 0, len, source);
        if (check.outcome() != CheckOutcome.ACCEPTED) {
            metrics.drop(check.outcome() == CheckOutcome.MALFORMED ? DropReason.MALFORMED : DropReason.STUN_REJECTED);
            return;
        }
        Transport transport = registry.byUfrag(check.localUfrag());
        if (transport == null) {
            metrics.drop(DropReason.STUN_REJECTED);
            return;
        }
        // The priority decides which nominated pair is selected (RFC 8445 8.1.1): see onValidCheck.
        transport.onValidCheck(source, null, check.useCandidate(), check.priority(), now);
        ctx.write(new DatagramPacket(ctx.alloc().buffer(check.response().length).writeBytes(check.response()), source));
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        metrics.received(batchPackets, batchBytes);
        packetsReceived += batchPackets; // one writer: this loop
        batchPackets = 0;
        batchBytes = 0;
        // One flush per read batch: with epoll this becomes sendmmsg of everything forwarded.
        ctx.flush();
    }

    long packetsReceived() {
        return packetsReceived;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A bug in one packet's handling must not take the socket down.
        metrics.drop(DropReason.MALFORMED);
        org.slf4j.LoggerFactory.getLogger(PacketDemux.class).warn("packet handling failed", cause);
    }
}
