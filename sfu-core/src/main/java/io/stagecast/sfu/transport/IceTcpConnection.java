package io.stagecast.sfu.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.DecoderException;
import io.stagecast.sfu.buffer.PacketBuffer;
import io.stagecast.sfu.metrics.DropReason;
import io.stagecast.sfu.metrics.MediaMetrics;
import io.stagecast.sfu.metrics.TcpRefusal;
import io.stagecast.sfu.stun.CheckOutcome;
import io.stagecast.sfu.stun.IceCheck;
import io.stagecast.sfu.stun.StunPackets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * One ICE-TCP connection (RFC 6544): the frames of RFC 4571 are the datagrams of the UDP path,
 * dispatched the same way (RFC 7983 7). The first check that passes binds the connection to its
 * transport for good; from then on it is one of that transport's pairs, selected or not, and
 * when selected everything the transport sends goes out here, framed.
 *
 * <p>Runs on the loop of its listener, which owns the transport too: no hand-off either way. A
 * write is queued and flushed once after the loop's current work, not per packet.
 */
final class IceTcpConnection extends SimpleChannelInboundHandler<ByteBuf> {
    private static final Logger log = LoggerFactory.getLogger(IceTcpConnection.class);

    private final IceTcpListener listener;
    private final SocketChannel channel;
    private final InetSocketAddress remote;
    private final Runnable flushTask = this::flushNow;
    /** The transport the first valid check named; null before it. */
    private Transport transport;
    private boolean flushPending;
    private long readPackets;
    private long readBytes;

    IceTcpConnection(IceTcpListener listener, SocketChannel channel, InetSocketAddress remote) {
        super(true);
        this.listener = listener;
        this.channel = channel;
        this.remote = remote;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
        MediaMetrics metrics = listener.metrics();
        int len = frame.readableBytes();
        readPackets++;
        readBytes += len;
        if (len < 1) {
            metrics.drop(DropReason.MALFORMED);
            return;
        }
        PacketBuffer packet = listener.receiveBuffer();
        ReceivedPacket kind = ReceivedPacket.load(frame, len, packet);
        byte[] buf = packet.getBuffer();
        long now = System.nanoTime();
        if (kind == ReceivedPacket.STUN) {
            onStun(buf, len, now);
            return;
        }
        if (transport == null) {
            metrics.drop(DropReason.UNKNOWN_SOURCE);
            return;
        }
        if (kind == ReceivedPacket.DTLS) {
            transport.onDtls(buf, 0, len);
        } else if (kind == ReceivedPacket.SRTP) {
            transport.onSrtp(remote, this, packet, now);
        } else {
            metrics.drop(DropReason.MALFORMED);
        }
    }

    private void onStun(byte[] buf, int len, long now) {
        MediaMetrics metrics = listener.metrics();
        if (StunPackets.isBindingIndication(buf, 0, len)) {
            metrics.drop(DropReason.KEEPALIVE); // see PacketDemux: no proof of consent
            return;
        }
        IceCheck check = listener.responder().handle(buf, 0, len, remote);
        if (check.outcome() != CheckOutcome.ACCEPTED) {
            metrics.drop(check.outcome() == CheckOutcome.MALFORMED ? DropReason.MALFORMED : DropReason.STUN_REJECTED);
            return;
        }
        Transport named = listener.registry().byUfrag(check.localUfrag());
        if (named == null || (transport != null && named != transport)) {
            // One connection is one pair of one transport: a check for another is refused.
            metrics.drop(DropReason.STUN_REJECTED);
            return;
        }
        transport = named;
        named.onValidCheck(remote, this, check.useCandidate(), check.priority(), now);
        writeFrame(check.response(), 0, check.response().length);
    }

    /**
     * Sends one packet (already protected, or a STUN or DTLS message), framed; dropped and counted
     * when the connection's send queue is full (see {@link IceTcpListener#SEND_QUEUE_HIGH_BYTES}).
     * Loop only.
     */
    void send(byte[] b, int off, int len) {
        if (!channel.isActive()) {
            return;
        }
        if (!channel.isWritable()) {
            // What waits may be only what this loop wrote since its last flush (a read of many
            // frames forwards them all before the flush): hand it to the kernel first.
            channel.flush();
            if (!channel.isWritable()) {
                listener.metrics().drop(DropReason.TCP_CONGESTED);
                return;
            }
        }
        writeFrame(b, off, len);
    }

    private void writeFrame(byte[] b, int off, int len) {
        ByteBuf out = channel.alloc().directBuffer(2 + len);
        out.writeShort(len);
        out.writeBytes(b, off, len);
        channel.write(out, channel.voidPromise());
        if (!flushPending) {
            flushPending = true;
            channel.eventLoop().execute(flushTask);
        }
    }

    private void flushNow() {
        flushPending = false;
        channel.flush();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        listener.metrics().received(readPackets, readBytes);
        readPackets = 0;
        readBytes = 0;
    }

    /** Closes a connection no check bound to a live transport (scheduled by the listener). */
    void closeIfNoCheck() {
        if (channel.isActive() && (transport == null || transport.state() == TransportState.CLOSED
                || transport.state() == TransportState.FAILED)) {
            listener.metrics().tcpRefused(TcpRefusal.NO_CHECK);
            channel.close();
        }
    }

    void close() {
        channel.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (transport != null) {
            transport.onTcpClosed(this);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException) {
            // A frame longer than any datagram we take: the stream cannot be resynchronised.
            listener.metrics().tcpRefused(TcpRefusal.BAD_FRAME);
        } else if (!(cause instanceof IOException)) {
            listener.metrics().drop(DropReason.MALFORMED);
            log.warn("ICE-TCP packet handling failed", cause);
        }
        ctx.close();
    }

    @Override
    public String toString() {
        return "IceTcpConnection[" + remote + "]";
    }
}
