package io.stagecast.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.stagecast.sfu.buffer.PacketBuffer;
import io.stagecast.sfu.client.PeerSocket;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The few threads that read every viewer's socket: a Netty event-loop group (epoll with recvmmsg
 * where available, as the node's own media socket) on which each viewer registers a UDP channel
 * of its own. The node tells viewers apart by their address, so each needs its own port; epoll
 * then batches across sockets and recvmmsg within one.
 */
public final class ReceiveLoops implements AutoCloseable {
    private final EventLoopGroup group;
    private final boolean epoll = Epoll.isAvailable();
    private final int datagramsPerRead;
    private final InetAddress bindAddress;

    /**
     * @param datagramsPerRead datagrams per recvmmsg call (one viewer gets ~230 packets/s, rarely
     *                         more than a few at once); 1: plain recvmsg into a one-datagram buffer
     * @param bindAddress      local address of every viewer socket (loopback, or the wildcard for a remote node)
     */
    public ReceiveLoops(int threads, int datagramsPerRead, InetAddress bindAddress) {
        if (datagramsPerRead < 1) {
            throw new IllegalArgumentException("datagrams per read must be positive: " + datagramsPerRead);
        }
        this.datagramsPerRead = datagramsPerRead;
        this.bindAddress = bindAddress;
        group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("viewer-receive", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    /** A UDP socket on the bind address whose datagrams go to {@code handler} on one of the loops. */
    PeerSocket open(ChannelHandler handler) throws InterruptedException {
        Bootstrap bootstrap = new Bootstrap().group(group).handler(handler);
        if (epoll && datagramsPerRead > 1) {
            bootstrap.channel(EpollDatagramChannel.class)
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, PacketBuffer.MTU)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(datagramsPerRead * PacketBuffer.MTU));
        } else if (epoll) {
            bootstrap.channel(EpollDatagramChannel.class)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(PacketBuffer.CAPACITY));
        } else {
            bootstrap.channel(NioDatagramChannel.class);
        }
        Channel channel = bootstrap.bind(new InetSocketAddress(bindAddress, 0)).sync().channel();
        return new ChannelSocket(channel);
    }

    boolean usesEpoll() {
        return epoll;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    /** A viewer sends only STUN checks, DTLS records and the odd RTCP: copied, then written from the loop. */
    private static final class ChannelSocket implements PeerSocket {
        private final Channel channel;
        private final InetSocketAddress local;

        ChannelSocket(Channel channel) {
            this.channel = channel;
            this.local = (InetSocketAddress) channel.localAddress();
        }

        @Override
        public InetSocketAddress localAddress() {
            return local;
        }

        @Override
        public boolean send(ByteBuffer datagram, InetSocketAddress to) {
            if (!channel.isActive()) {
                return false;
            }
            channel.writeAndFlush(new DatagramPacket(Unpooled.copiedBuffer(datagram), to), channel.voidPromise());
            return true;
        }

        @Override
        public void close() {
            channel.close();
        }
    }
}
