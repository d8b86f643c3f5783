package io.stagecast.sfu.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.stagecast.sfu.MediaConfig;
import io.stagecast.sfu.PortUnavailableException;
import io.stagecast.sfu.buffer.PacketBuffer;
import io.stagecast.sfu.metrics.MediaMetrics;
import io.stagecast.sfu.metrics.TcpRefusal;
import io.stagecast.sfu.stun.IceLiteResponder;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * One media loop's ICE-TCP port (RFC 6544 passive candidates): peers whose network drops UDP
 * connect here and send the same STUN, DTLS and SRTP, each packet framed with a 2-byte length
 * (RFC 4571). The server channel and every connection it accepts live on this loop, so a
 * connection reaches the transports of this loop (its registry) without a hand-off, as the UDP
 * socket does; the candidate of a transport names its own loop's TCP port.
 *
 * <p>Caps: {@link #MAX_CONNECTIONS} per loop (more are closed at accept); a connection that has
 * not passed a check within {@link #CHECK_TIMEOUT_SECONDS} is closed; a frame longer than a
 * datagram we accept closes its connection; what one connection may queue to send is bounded by
 * {@link #SEND_QUEUE_HIGH_BYTES} (above it packets are dropped, counted, as a congested UDP path
 * would lose them). Each is counted in {@code stagecast_ice_tcp_refused_total} or the drops.
 */
final class IceTcpListener {
    /** Connections one loop holds at most: far more than its transports need (a browser opens one or two per transport). */
    static final int MAX_CONNECTIONS = 1024;
    /** A connection must pass a STUN check this soon after it opened (RFC 6544 leaves it to us). */
    static final long CHECK_TIMEOUT_SECONDS = 10;
    /**
     * Media waiting in Netty's outbound buffer of one connection, above which new packets are
     * dropped: 128 KiB is ~0.4 s at 2.5 Mbit/s. TCP retransmits what it lost by itself; an older
     * queue would only add latency that real-time media cannot use.
     */
    static final int SEND_QUEUE_HIGH_BYTES = 128 * 1024;
    static final int SEND_QUEUE_LOW_BYTES = 64 * 1024;

    private final Channel server;
    private final TransportRegistry registry;
    private final IceLiteResponder responder;
    private final MediaMetrics metrics;
    private final MediaConfig config;
    /** The receive buffer the loop's connections share: they all run on this one thread. */
    private final PacketBuffer receiveBuffer = new PacketBuffer();
    /** Open connections (this loop only). */
    private int connections;

    IceTcpListener(MediaConfig config, int index, EventLoop loop, int port, TransportRegistry registry,
                   IceLiteResponder responder, MediaMetrics metrics) throws InterruptedException {
        this.config = config;
        this.registry = registry;
        this.responder = responder;
        this.metrics = metrics;
        ServerBootstrap bootstrap = new ServerBootstrap().group(loop, loop)
                .channel(Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 256)
                // Nagle would hold a small packet (audio, RTCP) for the ACK of the previous one.
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(SEND_QUEUE_LOW_BYTES, SEND_QUEUE_HIGH_BYTES))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        accept(channel);
                    }
                });
        InetSocketAddress local = new InetSocketAddress(config.bindAddress(), port);
        ChannelFuture bound = bootstrap.bind(local).await();
        if (!bound.isSuccess()) {
            throw new PortUnavailableException("TCP", local, "ICE-TCP of media event loop " + index, bound.cause());
        }
        server = bound.channel();
    }

    private void accept(SocketChannel channel) {
        InetSocketAddress remote = channel.remoteAddress();
        if (remote == null || !config.remoteAllowed().test(remote.getAddress())) {
            metrics.tcpRefused(TcpRefusal.REMOTE_NOT_ALLOWED);
            channel.close();
            return;
        }
        if (connections >= MAX_CONNECTIONS) {
            metrics.tcpRefused(TcpRefusal.CAP);
            channel.close();
            return;
        }
        connections++;
        metrics.tcpConnections(1);
        channel.closeFuture().addListener(f -> {
            connections--;
            metrics.tcpConnections(-1);
        });
        IceTcpConnection connection = new IceTcpConnection(this, channel, remote);
        channel.pipeline()
                // RFC 4571 2: a 16-bit length, then the packet; we take no packet larger than a datagram.
                .addLast(new LengthFieldBasedFrameDecoder(PacketBuffer.MTU, 0, 2, 0, 2))
                .addLast(connection);
        channel.eventLoop().schedule(connection::closeIfNoCheck, CHECK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    TransportRegistry registry() {
        return registry;
    }

    IceLiteResponder responder() {
        return responder;
    }

    MediaMetrics metrics() {
        return metrics;
    }

    PacketBuffer receiveBuffer() {
        return receiveBuffer;
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    void close() {
        server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}
