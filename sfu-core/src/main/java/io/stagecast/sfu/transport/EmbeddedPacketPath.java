package io.stagecast.sfu.transport;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.stagecast.sfu.buffer.PacketBuffer;
import io.stagecast.sfu.dtls.DtlsCertificate;
import io.stagecast.sfu.dtls.DtlsHandshakeLimits;
import io.stagecast.sfu.dtls.DtlsHandshakeScheduler;
import io.stagecast.sfu.metrics.MediaMetrics;
import io.stagecast.sfu.srtp.SrtpMasterKeys;
import io.stagecast.sfu.stun.IceLiteResponder;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.UUID;

/**
 * The node's packet path (demux, transports; a router made on {@code channel.eventLoop()} above them) on a channel the caller supplies instead of
 * the UDP socket, typically Netty's {@code EmbeddedChannel}: the JMH benchmarks in module
 * {@code benchmarks} drive ingress and egress through the real classes on one thread, with no
 * kernel and no DTLS in the measurement. The server never uses it.
 *
 * <p>It lives in this package because the path's parts ({@link PacketDemux}, {@link Transport}'s
 * receive side, {@link TransportContext}) are package-private, and should stay so for the server.
 * Threading is the caller's: everything runs on {@code channel.eventLoop()}.
 */
public final class EmbeddedPacketPath {
    private final Channel channel;
    private final TransportRegistry registry = new TransportRegistry();
    private final TransportContext context;
    private final FrameRunPool frameRuns;

    /** Installs the demultiplexer as {@code channel}'s last inbound handler. */
    public EmbeddedPacketPath(Channel channel, MediaMetrics metrics) {
        this(channel, metrics, false);
    }

    /**
     * With {@code gso} the subscribers' video leaves as {@link FrameRun}s (Netty's
     * {@code SegmentedDatagramPacket}): a reader of the channel's outbound messages then splits
     * them by {@code segmentSize()} as the kernel would. Off by default here.
     */
    public EmbeddedPacketPath(Channel channel, MediaMetrics metrics, boolean gso) {
        this(channel, channel.eventLoop(), metrics, gso);
    }

    /**
     * With the transports on {@code loop} instead of the channel's own: a benchmark of several
     * media loops gives each path a loop that its own thread drives, and the channel (touched on
     * that thread only) stays the socket.
     */
    public EmbeddedPacketPath(Channel channel, EventLoop loop, MediaMetrics metrics, boolean gso) {
        this.channel = channel;
        DatagramPool datagrams = new DatagramPool(channel, metrics);
        this.frameRuns = gso ? new FrameRunPool(channel, metrics, datagrams) : null;
        this.context = new TransportContext(channel, loop, 0, registry, DtlsCertificate.generate(),
                // Never used (no transport here starts DTLS: see connect()); its pools start no thread until then.
                new DtlsHandshakeScheduler(DtlsHandshakeLimits.DEFAULT), metrics,
                // Consent is not what runs on this path measure: a benchmark's ticks must not end its transports.
                Duration.ofHours(1).toNanos(), Duration.ofSeconds(10), datagrams, frameRuns, -1);
        channel.pipeline().addLast(new PacketDemux(registry, new IceLiteResponder(registry), address -> true, metrics));
    }

    public Transport createTransport() {
        Transport transport = new Transport(UUID.randomUUID().toString(), IceParameters.random(), context,
                TransportListener.NONE);
        registry.register(transport);
        return transport;
    }

    /** One end of a relay to another node (benchmarks: the relay's cost per edge); connect it with {@link #connect}. */
    public Transport createRelayTransport() {
        Transport transport = createTransport();
        transport.markRelay();
        return transport;
    }

    /**
     * What a nominated ICE check and a finished DTLS handshake do: binds {@code transport} to
     * {@code remote} and installs the SRTP keys. Call on the channel's event loop.
     */
    public void connect(Transport transport, InetSocketAddress remote, SrtpMasterKeys keys) {
        transport.onValidCheck(remote, null, true, 0, System.nanoTime());
        transport.onSrtpKeys(keys);
    }

    /** The node's periodic work for one transport (consent, feedback, the router's ticks). */
    public void tick(Transport transport, long nowNanos, boolean reportsDue) {
        transport.tick(nowNanos, reportsDue);
    }

    /** The loop tick's part that is not per transport: sends GSO runs filling since the last one. */
    public void tickLoop() {
        if (frameRuns != null) {
            frameRuns.tick();
        }
    }

    /** A decrypted RTCP compound from {@code transport}'s peer, as after SRTCP unprotect. */
    public void receiveDecryptedRtcp(Transport transport, PacketBuffer rtcp, long nowNanos) {
        transport.onRtcp(rtcp, nowNanos);
    }

    /**
     * The receive path after SRTP unprotect (permission, stream lookup, cache, fan-out), for
     * per-subscriber benchmarks that must not pay for decrypting the publisher's packet.
     */
    public void receiveDecryptedRtp(Transport transport, PacketBuffer rtp, long nowNanos) {
        transport.onRtp(rtp, nowNanos);
    }
}
