package io.stagecast.sfu.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import io.stagecast.sfu.MediaConfig;
import io.stagecast.sfu.buffer.PacketBuffer;
import io.stagecast.sfu.dtls.DtlsCertificate;
import io.stagecast.sfu.dtls.DtlsHandshakeScheduler;
import io.stagecast.sfu.metrics.MediaMetrics;
import io.stagecast.sfu.srtp.SrtpCrypto;
import io.stagecast.sfu.stun.IceLiteResponder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The node's one UDP port: a Netty datagram channel (epoll with recvmmsg where available, NIO
 * otherwise) on a single media event loop that owns every transport, plus the periodic ticker
 * for consent and RTCP, and the scheduler of blocking DTLS handshakes.
 */
public final class MediaSocket {
    private static final Logger log = LoggerFactory.getLogger(MediaSocket.class);
    /** Datagrams read per recvmmsg call. */
    private static final int DATAGRAMS_PER_READ = 32;
    private static final long TICK_MS = 20;
    private static final long REPORT_INTERVAL_NANOS = 1_000_000_000L;

    private final EventLoopGroup group;
    private final Channel channel;
    private final EventLoop loop;
    private final TransportRegistry registry = new TransportRegistry();
    private final DtlsHandshakeScheduler handshakes;
    private final TransportContext context;
    private final List<InetAddress> announced;
    private final ScheduledFuture<?> ticker;
    private long lastReportNanos;

    private MediaSocket(MediaConfig config, DtlsCertificate certificate, MediaMetrics metrics) throws InterruptedException {
        SrtpCrypto.configure();
        boolean epoll = Epoll.isAvailable();
        DefaultThreadFactory threads = new DefaultThreadFactory("media-loop", true);
        group = new MultiThreadIoEventLoopGroup(1, threads,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        handshakes = new DtlsHandshakeScheduler(config.dtlsLimits());
        metrics.registerDtlsHandshakes(handshakes);
        IceLiteResponder responder = new IceLiteResponder(registry);
        Bootstrap bootstrap = new Bootstrap().group(group)
                .option(ChannelOption.SO_RCVBUF, 4 << 20)
                .option(ChannelOption.SO_SNDBUF, 4 << 20)
                .handler(new PacketDemux(registry, responder, config.remoteAllowed(), metrics));
        if (epoll) {
            bootstrap.channel(EpollDatagramChannel.class)
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, PacketBuffer.MTU)
                    .option(ChannelOption.RCVBUF_ALLOCATOR,
                            new FixedRecvByteBufAllocator(DATAGRAMS_PER_READ * PacketBuffer.MTU));
        } else {
            bootstrap.channel(NioDatagramChannel.class);
        }
        channel = bootstrap.bind(new InetSocketAddress(config.bindAddress(), config.port())).sync().channel();
        loop = channel.eventLoop();
        SocketWarmUp.run(channel);
        context = new TransportContext(channel, loop, registry, certificate, handshakes, metrics,
                config.consentTimeout().toNanos(), config.dtlsHandshakeTimeout(), new DatagramPool(channel, metrics));
        announced = config.announcedAddresses().isEmpty() ? localAddresses() : config.announcedAddresses();
        ticker = loop.scheduleAtFixedRate(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        log.info("media socket on {} ({}), announcing {}", channel.localAddress(), epoll ? "epoll" : "nio", announced);
    }

    public static MediaSocket bind(MediaConfig config, DtlsCertificate certificate, MediaMetrics metrics)
            throws InterruptedException {
        return new MediaSocket(config, certificate, metrics);
    }

    public Transport createTransport(TransportListener listener) {
        Transport transport = new Transport(UUID.randomUUID().toString(), IceParameters.random(), context,
                listener == null ? TransportListener.NONE : listener);
        registry.register(transport);
        return transport;
    }

    public EventLoop loop() {
        return loop;
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public List<InetAddress> announcedAddresses() {
        return announced;
    }

    public int transportCount() {
        return registry.size();
    }

    private void tick() {
        long now = System.nanoTime();
        boolean reportsDue = now - lastReportNanos >= REPORT_INTERVAL_NANOS;
        if (reportsDue) {
            lastReportNanos = now;
        }
        handshakes.tick(now);
        for (Transport transport : registry.all()) {
            try {
                transport.tick(now, reportsDue);
            } catch (RuntimeException e) {
                log.warn("tick of {} failed", transport, e);
            }
        }
        channel.flush();
    }

    public void close() {
        ticker.cancel(false);
        loop.execute(() -> {
            for (Transport transport : registry.all()) {
                transport.close();
            }
        });
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        handshakes.close();
    }

    /** An IPv6 address prints with its zone ("%eth0"), which has no place in an ICE candidate. */
    private static InetAddress withoutScope(InetAddress address) {
        if (address instanceof java.net.Inet6Address) {
            try {
                return InetAddress.getByAddress(address.getAddress());
            } catch (java.net.UnknownHostException e) {
                return address;
            }
        }
        return address;
    }

    private static List<InetAddress> localAddresses() {
        List<InetAddress> out = new ArrayList<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nif.getInetAddresses())) {
                    if (!address.isLinkLocalAddress()) {
                        out.add(withoutScope(address));
                    }
                }
            }
        } catch (SocketException e) {
            log.warn("cannot list network interfaces", e);
        }
        if (out.isEmpty()) {
            out.add(InetAddress.getLoopbackAddress());
        }
        return out;
    }
}
