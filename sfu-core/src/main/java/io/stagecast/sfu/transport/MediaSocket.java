package io.stagecast.sfu.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.ScheduledFuture;
import io.stagecast.sfu.MediaConfig;
import io.stagecast.sfu.buffer.PacketBuffer;
import io.stagecast.sfu.dtls.DtlsCertificate;
import io.stagecast.sfu.dtls.DtlsHandshakeScheduler;
import io.stagecast.sfu.metrics.MediaMetrics;
import io.stagecast.sfu.stun.IceLiteResponder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * One media event loop's UDP socket: a Netty datagram channel (epoll with recvmmsg where
 * available, NIO otherwise) bound on that loop, the registry of the transports the loop owns, and
 * the loop's periodic ticker for consent and RTCP. A transport created here is touched only on
 * this loop, and its ICE candidate names this socket's port, so every datagram of its peer
 * arrives here (see {@link MediaLoops} for why one port per loop).
 */
public final class MediaSocket {
    private static final Logger log = LoggerFactory.getLogger(MediaSocket.class);
    /** Datagrams read per recvmmsg call. */
    private static final int DATAGRAMS_PER_READ = 32;
    private static final long TICK_MS = 20;
    private static final long REPORT_INTERVAL_NANOS = 1_000_000_000L;

    private final int index;
    private final Channel channel;
    private final EventLoop loop;
    private final TransportRegistry registry = new TransportRegistry();
    private final DtlsHandshakeScheduler handshakes;
    private final PacketDemux demux;
    private final TransportContext context;
    /** The loop's UDP GSO runs, null when GSO is off. */
    private final FrameRunPool frameRuns;
    private final ScheduledFuture<?> ticker;
    /** The loop's ICE-TCP port, null when the node offers no TCP candidates. */
    private final IceTcpListener tcp;
    private long lastReportNanos;
    private final long threadId;
    /** A relay's own socket (one transport, no ICE-TCP, not one of the node's loops' sockets). */
    private final boolean relay;
    /** The last {@link #busyFraction} reading. */
    private long busyCpu = -1;
    private long busyWall;

    MediaSocket(MediaConfig config, int index, EventLoop loop, int port, int tcpPort, DtlsCertificate certificate,
                DtlsHandshakeScheduler handshakes, MediaMetrics metrics) throws InterruptedException {
        this(config, index, loop, port, tcpPort, certificate, handshakes, metrics, false);
    }

    /**
     * With {@code relay}: the socket of one node-to-node relay transport, on an ephemeral port of
     * loop {@code index}'s thread (see {@link MediaLoops#createRelayTransport}).
     */
    MediaSocket(MediaConfig config, int index, EventLoop loop, int port, int tcpPort, DtlsCertificate certificate,
                DtlsHandshakeScheduler handshakes, MediaMetrics metrics, boolean relay) throws InterruptedException {
        this.index = index;
        this.relay = relay;
        this.loop = loop;
        this.handshakes = handshakes;
        boolean epoll = Epoll.isAvailable();
        IceLiteResponder responder = new IceLiteResponder(registry);
        demux = new PacketDemux(registry, responder, config.remoteAllowed(), metrics);
        Bootstrap bootstrap = new Bootstrap().group(loop)
                .option(ChannelOption.SO_RCVBUF, 4 << 20)
                .option(ChannelOption.SO_SNDBUF, 4 << 20)
                .handler(demux);
        if (epoll) {
            bootstrap.channel(EpollDatagramChannel.class)
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, PacketBuffer.MTU)
                    .option(ChannelOption.RCVBUF_ALLOCATOR,
                            new FixedRecvByteBufAllocator(DATAGRAMS_PER_READ * PacketBuffer.MTU));
        } else {
            bootstrap.channel(NioDatagramChannel.class);
        }
        InetSocketAddress local = new InetSocketAddress(config.bindAddress(), port);
        io.netty.channel.ChannelFuture bound = bootstrap.bind(local).await();
        if (!bound.isSuccess()) {
            throw new io.stagecast.sfu.PortUnavailableException("UDP", local, "media event loop " + index, bound.cause());
        }
        channel = bound.channel();
        if (!relay) {
            SocketWarmUp.run(channel);
        }
        try {
            threadId = loop.submit(() -> Thread.currentThread().getId()).get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("media loop " + index + " did not start", e);
        }
        DatagramPool datagrams = new DatagramPool(channel, metrics);
        // GSO only on the epoll channel of a kernel with UDP_SEGMENT: Netty refuses a segmented
        // packet elsewhere, so an operator's "on" on another machine is off, with a line in the log.
        boolean gso = config.gso() && epoll && MediaConfig.gsoSupported();
        if (config.gso() && !gso && index == 0 && !relay) {
            log.warn("media.gso is on but this machine cannot send UDP GSO (epoll with UDP_SEGMENT): off");
        }
        frameRuns = gso ? new FrameRunPool(channel, metrics, datagrams) : null;
        try {
            tcp = tcpPort < 0 ? null : new IceTcpListener(config, index, loop, tcpPort, registry, responder, metrics);
        } catch (RuntimeException | InterruptedException e) {
            channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            throw e;
        }
        context = new TransportContext(channel, loop, index, registry, certificate, handshakes, metrics,
                config.consentTimeout().toNanos(), config.dtlsHandshakeTimeout(), datagrams, frameRuns,
                tcp == null ? -1 : tcp.port());
        ticker = loop.scheduleAtFixedRate(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        if (relay) {
            log.debug("relay socket on {} (media loop {})", channel.localAddress(), index);
            return;
        }
        log.info("media socket {} on {} ({}{}){}", index, channel.localAddress(), epoll ? "epoll" : "nio",
                gso ? ", UDP GSO" : "", tcp == null ? "" : ", ICE-TCP on port " + tcp.port());
    }

    TransportContext context() {
        return context;
    }

    void register(Transport transport) {
        registry.register(transport);
    }

    /** Tasks waiting on this loop (signaling's calls, relayed batches, handshake results). */
    public int pendingTasks() {
        return loop instanceof io.netty.util.concurrent.SingleThreadEventExecutor executor ? executor.pendingTasks() : 0;
    }

    public EventLoop loop() {
        return loop;
    }

    /** The loop's thread, for its CPU time (the loop's busy fraction in /metrics). */
    public long threadId() {
        return threadId;
    }

    /**
     * CPU time of the loop's thread over wall time since the previous call (a scrape): near 1.0,
     * this loop is the node's bottleneck whatever the others do.
     */
    public synchronized double busyFraction() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpu = threads.isThreadCpuTimeSupported() ? threads.getThreadCpuTime(threadId) : -1;
        long wall = System.nanoTime();
        double f = busyWall != 0 && wall > busyWall && cpu >= 0 && busyCpu >= 0
                ? (double) (cpu - busyCpu) / (wall - busyWall) : 0;
        busyCpu = cpu;
        busyWall = wall;
        return Math.max(0, Math.min(1, f));
    }

    public int index() {
        return index;
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** The loop's ICE-TCP port, -1 when off. */
    public int tcpPort() {
        return tcp == null ? -1 : tcp.port();
    }

    public int transportCount() {
        return registry.size();
    }

    /** Datagrams this socket read so far (any thread; updated once per read batch). */
    public long packetsReceived() {
        return demux.packetsReceived();
    }

    private void tick() {
        long now = System.nanoTime();
        boolean reportsDue = now - lastReportNanos >= REPORT_INTERVAL_NANOS;
        if (reportsDue) {
            lastReportNanos = now;
        }
        if (index == 0 && !relay) {
            handshakes.tick(now); // shared by every loop; ticked by one
        }
        for (Transport transport : registry.all()) {
            try {
                transport.tick(now, reportsDue);
            } catch (RuntimeException e) {
                log.warn("tick of {} failed", transport, e);
            }
        }
        if (frameRuns != null) {
            frameRuns.tick();
        }
        channel.flush();
    }

    /** A relay socket whose transport closed: the socket goes too. On the loop, so nothing is awaited. */
    void closeRelay() {
        ticker.cancel(false);
        channel.close();
    }

    /** Closes every transport of this loop, then the socket; the loop itself is the caller's. */
    void close() {
        ticker.cancel(false);
        loop.execute(() -> {
            for (Transport transport : registry.all()) {
                transport.close();
            }
        });
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        if (tcp != null) {
            tcp.close();
        }
    }
}
