package io.stagecast.sfu.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.stagecast.sfu.stun.CheckOutcome;
import io.stagecast.sfu.stun.IceCheck;
import io.stagecast.sfu.stun.IceLiteResponder;
import io.stagecast.sfu.stun.StunBindingClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;

/**
 * One ICE check sent to the node's own socket from a local one and answered, right after binding,
 * by a handler that sits in front of the demux for that moment only. Netty's epoll read and write
 * paths (recvmmsg, its datagram objects, the pooled allocator) load on their first datagram: on a
 * fresh node the first browser check sat ~80 ms in the kernel before it was read (measured in
 * FreshNodeLatencyTest), which is what this pays for ahead of time. The exchange uses a credential
 * of its own and touches no transport and no counter; other datagrams pass through untouched.
 */
final class SocketWarmUp extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(SocketWarmUp.class);
    private static final String UFRAG = "warm";
    private static final String PASSWORD = "socket-warm-up-password";
    private static final int ATTEMPTS = 3;
    private static final int WAIT_MILLIS = 1000;

    private final IceLiteResponder responder = new IceLiteResponder(u -> UFRAG.equals(u) ? PASSWORD : null);
    private final InetSocketAddress source;

    private SocketWarmUp(InetSocketAddress source) {
        this.source = source;
    }

    /** Blocks until the check was answered (or a few seconds passed); never throws. */
    static void run(Channel channel) {
        InetSocketAddress bound = (InetSocketAddress) channel.localAddress();
        InetAddress target = bound.getAddress().isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : bound.getAddress();
        try (DatagramSocket local = new DatagramSocket(new InetSocketAddress(target, 0))) {
            local.setSoTimeout(WAIT_MILLIS);
            SocketWarmUp handler = new SocketWarmUp((InetSocketAddress) local.getLocalSocketAddress());
            channel.pipeline().addFirst("socket-warm-up", handler);
            try {
                exchange(local, new InetSocketAddress(target, bound.getPort()));
            } finally {
                channel.pipeline().remove(handler);
            }
        } catch (IOException | RuntimeException e) {
            log.info("socket warm-up skipped: {}", e.toString());
        }
    }

    private static void exchange(DatagramSocket local, InetSocketAddress node) throws IOException {
        StunBindingClient client = new StunBindingClient(UFRAG + ":node", PASSWORD);
        byte[] in = new byte[1500];
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            byte[] request = client.request(false, true, 1, 1);
            local.send(new java.net.DatagramPacket(request, request.length, node));
            java.net.DatagramPacket answer = new java.net.DatagramPacket(in, in.length);
            try {
                local.receive(answer);
                if (client.isSuccessResponse(answer.getData(), 0, answer.getLength())) {
                    return;
                }
            } catch (SocketTimeoutException lost) {
                // try again
            }
        }
        log.info("socket warm-up: no answer from {}", node);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket datagram) || !source.equals(datagram.sender())) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            byte[] bytes = new byte[datagram.content().readableBytes()];
            datagram.content().getBytes(datagram.content().readerIndex(), bytes);
            IceCheck check = responder.handle(bytes, 0, bytes.length, source);
            if (check.outcome() == CheckOutcome.ACCEPTED) {
                ctx.writeAndFlush(new DatagramPacket(ctx.alloc().buffer(check.response().length)
                        .writeBytes(check.response()), source));
            }
        } finally {
            datagram.release();
        }
    }
}
