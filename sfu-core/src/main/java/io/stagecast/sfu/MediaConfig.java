package io.stagecast.sfu;

import io.stagecast.sfu.dtls.DtlsHandshakeLimits;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * What the media plane needs to know about its deployment.
 *
 * @param bindAddress        local address of the media UDP socket (0.0.0.0 for all)
 * @param port               the one UDP port every transport shares (BUNDLE + rtcp-mux)
 * @param announcedAddresses addresses put into ICE candidates: the public address behind NAT, or
 *                           127.0.0.1 in tests; empty means the machine's own addresses
 * @param remoteAllowed      which remote addresses may talk ICE with us; others are ignored
 *                           without an answer (tests use 127.0.0.0/8 so no packet leaves loopback)
 * @param consentTimeout     RFC 7675: a transport silent this long is closed
 * @param dtlsHandshakeTimeout a transport whose DTLS handshake takes longer fails
 * @param dtlsLimits         how many handshakes run at once, and how long a silent peer may hold one
 * @param eventLoops         media event loops, each with its own UDP socket: {@code port},
 *                           {@code port + 1}, ... (every one ephemeral when {@code port} is 0); 0
 *                           means one per available processor
 * @param gso                UDP GSO ({@code UDP_SEGMENT}): a video frame's packets to one subscriber
 *                           leave in one send (see {@code transport.FrameRuns}); honoured only where
 *                           {@link #gsoSupported()} (epoll on a kernel with {@code UDP_SEGMENT})
 * @param tcpPort            ICE over TCP (RFC 6544 passive candidates, RFC 4571 framing) for peers
 *                           whose network drops UDP: loop i listens on {@code tcpPort + i} (every
 *                           one ephemeral when 0); {@link #TCP_OFF} offers no TCP candidates
 */
public record MediaConfig(InetAddress bindAddress, int port, List<InetAddress> announcedAddresses,
                          Predicate<InetAddress> remoteAllowed, Duration consentTimeout,
                          Duration dtlsHandshakeTimeout, DtlsHandshakeLimits dtlsLimits, int eventLoops,
                          boolean gso, int tcpPort) {
    public static final int MAX_EVENT_LOOPS = 1024;
    /** {@link #tcpPort} when the node offers no ICE-TCP candidates. */
    public static final int TCP_OFF = -1;

    public MediaConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("media port out of range: " + port);
        }
        if (eventLoops < 0 || eventLoops > MAX_EVENT_LOOPS) {
            throw new IllegalArgumentException("media event loops out of range: " + eventLoops);
        }
        if (port > 0 && port + Math.max(1, eventLoops) - 1 > 65535) {
            throw new IllegalArgumentException("media ports " + port + "+" + eventLoops + " pass 65535");
        }
        if (tcpPort < TCP_OFF || tcpPort > 65535) {
            throw new IllegalArgumentException("media TCP port out of range: " + tcpPort);
        }
        if (tcpPort > 0 && tcpPort + Math.max(1, eventLoops) - 1 > 65535) {
            throw new IllegalArgumentException("media TCP ports " + tcpPort + "+" + eventLoops + " pass 65535");
        }
        announcedAddresses = List.copyOf(announcedAddresses);
        if (dtlsLimits == null) {
            dtlsLimits = DtlsHandshakeLimits.DEFAULT;
        }
    }

    /** With the default DTLS handshake limits, one event loop per processor, UDP only. */
    public MediaConfig(InetAddress bindAddress, int port, List<InetAddress> announcedAddresses,
                       Predicate<InetAddress> remoteAllowed, Duration consentTimeout, Duration dtlsHandshakeTimeout) {
        this(bindAddress, port, announcedAddresses, remoteAllowed, consentTimeout, dtlsHandshakeTimeout,
                DtlsHandshakeLimits.DEFAULT, 0, gsoSupported(), TCP_OFF);
    }

    /**
     * Whether this machine can send UDP GSO: Netty's native epoll transport loaded and the kernel
     * has {@code UDP_SEGMENT} (Linux 4.18+). The default of {@code gso}.
     */
    public static boolean gsoSupported() {
        try {
            return io.netty.channel.epoll.Epoll.isAvailable()
                    && io.netty.channel.epoll.EpollDatagramChannel.isSegmentedDatagramPacketSupported();
        } catch (LinkageError e) {
            return false;
        }
    }

    /** The number of media event loops this config runs (resolving 0 to the processors). */
    public int eventLoopCount() {
        return eventLoops > 0 ? eventLoops : Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** Loopback only, on an ephemeral port: what tests use. */
    public static MediaConfig loopback() {
        InetAddress lo = InetAddress.getLoopbackAddress();
        return new MediaConfig(lo, 0, List.of(lo), InetAddress::isLoopbackAddress,
                Duration.ofSeconds(30), Duration.ofSeconds(20));
    }

    public MediaConfig withConsentTimeout(Duration timeout) {
        return new MediaConfig(bindAddress, port, announcedAddresses, remoteAllowed, timeout, dtlsHandshakeTimeout,
                dtlsLimits, eventLoops, gso, tcpPort);
    }

    public MediaConfig withDtlsLimits(DtlsHandshakeLimits limits) {
        return new MediaConfig(bindAddress, port, announcedAddresses, remoteAllowed, consentTimeout,
                dtlsHandshakeTimeout, limits, eventLoops, gso, tcpPort);
    }

    public MediaConfig withEventLoops(int loops) {
        return new MediaConfig(bindAddress, port, announcedAddresses, remoteAllowed, consentTimeout,
                dtlsHandshakeTimeout, dtlsLimits, loops, gso, tcpPort);
    }

    /** GSO on or off (on is honoured only where {@link #gsoSupported()}). */
    public MediaConfig withGso(boolean on) {
        return new MediaConfig(bindAddress, port, announcedAddresses, remoteAllowed, consentTimeout,
                dtlsHandshakeTimeout, dtlsLimits, eventLoops, on, tcpPort);
    }

    /** ICE over TCP on {@code port} (+ i for loop i; 0 ephemeral), or {@link #TCP_OFF}. */
    public MediaConfig withTcpPort(int port) {
        return new MediaConfig(bindAddress, this.port, announcedAddresses, remoteAllowed, consentTimeout,
                dtlsHandshakeTimeout, dtlsLimits, eventLoops, gso, port);
    }

    public boolean tcpEnabled() {
        return tcpPort != TCP_OFF;
    }
}
