package io.stagecast.sfu.transport;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.stagecast.sfu.MediaConfig;
import io.stagecast.sfu.dtls.DtlsCertificate;
import io.stagecast.sfu.dtls.DtlsHandshakeScheduler;
import io.stagecast.sfu.metrics.MediaMetrics;
import io.stagecast.sfu.srtp.SrtpCrypto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The node's media event loops, one thread and one UDP socket each ({@link MediaSocket}).
 *
 * <p>Port model: one port per loop ({@code media.port}, {@code +1}, ...), and a transport's ICE
 * candidate names its own loop's port. Then the kernel delivers every datagram of a peer to the
 * socket of the loop that owns its transport, with no steering and no hand-off between loops.
 * The other way, one port shared with SO_REUSEPORT, lets the kernel pick the socket by a hash of
 * the 4-tuple: a peer checking from several addresses would land on several loops, and the loop
 * could only be known after the first check arrived, while signaling already uses the transport.
 * The price of one port per loop is a small range to open in the firewall. ICE-TCP (RFC 6544)
 * follows the same model: loop i listens on {@code media.tcp-port + i}, accepts on its own thread,
 * and a transport's passive TCP candidate names its loop's TCP port ({@link IceTcpListener}).
 *
 * <p>A new transport goes to the loop with the fewest, so a room of many viewers spreads over
 * every loop; its router's fan-out crosses loops in batches ({@code router.LoopRelay}).
 */
public final class MediaLoops {
    private static final Logger log = LoggerFactory.getLogger(MediaLoops.class);

    private final EventLoopGroup group;
    private final MediaSocket[] sockets;
    private final DtlsHandshakeScheduler handshakes;
    private final List<InetAddress> announced;
    private final MediaConfig config;
    private final DtlsCertificate certificate;
    private final MediaMetrics metrics;
    /** The relays' own sockets, open until their transport closes (or the node does). */
    private final java.util.Set<MediaSocket> relaySockets = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private int nextTie;

    private MediaLoops(MediaConfig config, DtlsCertificate certificate, MediaMetrics metrics) throws InterruptedException {
        SrtpCrypto.configure();
        this.config = config;
        this.certificate = certificate;
        this.metrics = metrics;
        int n = config.eventLoopCount();
        boolean epoll = Epoll.isAvailable();
        group = new MultiThreadIoEventLoopGroup(n, new DefaultThreadFactory("media-loop", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        handshakes = new DtlsHandshakeScheduler(config.dtlsLimits());
        metrics.registerDtlsHandshakes(handshakes);
        sockets = new MediaSocket[n];
        int i = 0;
        try {
            for (io.netty.util.concurrent.EventExecutor executor : group) {
                int port = config.port() == 0 ? 0 : config.port() + i;
                int tcpPort = !config.tcpEnabled() ? -1 : config.tcpPort() == 0 ? 0 : config.tcpPort() + i;
                sockets[i] = new MediaSocket(config, i, (EventLoop) executor, port, tcpPort, certificate, handshakes,
                        metrics);
                i++;
            }
        } catch (RuntimeException | InterruptedException e) {
            close();
            throw e;
        }
        announced = config.announcedAddresses().isEmpty() ? localAddresses() : config.announcedAddresses();
        for (InetAddress address : notLocal(config.announcedAddresses())) {
            log.warn("media.announced-addresses: {} is not an address of this host. Right behind a 1:1 NAT (a cloud"
                    + " VM's public IP, a container's host address); otherwise browsers will send media nowhere",
                    address.getHostAddress());
        }
        LoopMeters.register(metrics.registry(), this);
        log.info("{} media event loops, announcing {}", n, announced);
    }

    public static MediaLoops start(MediaConfig config, DtlsCertificate certificate, MediaMetrics metrics)
            throws InterruptedException {
        return new MediaLoops(config, certificate, metrics);
    }

    /** A transport on the loop that has the fewest (ties in turn). Any thread. */
    public synchronized Transport createTransport(TransportListener listener) {
        return createTransport(leastLoaded().index(), listener);
    }

    /** The loop's socket with the fewest transports (ties in turn). */
    private synchronized MediaSocket leastLoaded() {
        MediaSocket best = null;
        int start = nextTie++ % sockets.length;
        for (int k = 0; k < sockets.length; k++) {
            MediaSocket s = sockets[(start + k) % sockets.length];
            if (best == null || s.transportCount() < best.transportCount()) {
                best = s;
            }
        }
        return best;
    }

    /** A transport owned by loop {@code index} (tests place transports on chosen loops). */
    public Transport createTransport(int index, TransportListener listener) {
        MediaSocket socket = sockets[index];
        Transport transport = new Transport(UUID.randomUUID().toString(), IceParameters.random(), socket.context(),
                listener == null ? TransportListener.NONE : listener);
        socket.register(transport);
        return transport;
    }

    /**
     * One end of a node-to-node relay (docs/architecture.md, "Relay between nodes"), connected
     * later by {@link Transport#connectRelay} with keys the cluster's control channel carried: no
     * ICE, no DTLS. With {@code ownSocket} (the end that asks for the relay) the transport gets a
     * UDP socket of its own on an ephemeral port, on the loop with the fewest transports, closed
     * with it: the other end tells its relays apart by their address, as it does browsers, so two
     * rooms relayed between the same two nodes never share a pair of ports. Without, it lives on
     * a loop's usual socket, like a browser's transport. Any thread.
     */
    public Transport createRelayTransport(TransportListener listener, boolean ownSocket) throws InterruptedException {
        TransportListener given = listener == null ? TransportListener.NONE : listener;
        if (!ownSocket) {
            Transport transport = createTransport(given);
            transport.markRelay();
            return transport;
        }
        MediaSocket home = leastLoaded();
        MediaSocket socket = new MediaSocket(config, home.index(), home.loop(), 0, -1, certificate, handshakes, metrics,
                true);
        relaySockets.add(socket);
        Transport transport = new Transport(UUID.randomUUID().toString(), IceParameters.random(), socket.context(),
                new TransportListener() {
                    @Override
                    public void onConnected(Transport t) {
                        given.onConnected(t);
                    }

                    @Override
                    public void onClosed(Transport t, String reason) {
                        relaySockets.remove(socket);
                        socket.closeRelay();
                        given.onClosed(t, reason);
                    }
                });
        transport.markRelay();
        socket.register(transport);
        return transport;
    }

    /** Relay sockets open now (each carries one relay transport). */
    public int relaySocketCount() {
        return relaySockets.size();
    }

    public int size() {
        return sockets.length;
    }

    public MediaSocket socket(int index) {
        return sockets[index];
    }

    /** A loop for work that belongs to no transport (a router's room-wide parts), in turn. */
    public synchronized EventLoop nextLoop() {
        return sockets[nextTie++ % sockets.length].loop();
    }

    public List<InetAddress> announcedAddresses() {
        return announced;
    }

    public int transportCount() {
        int n = 0;
        for (MediaSocket socket : sockets) {
            n += socket.transportCount();
        }
        return n;
    }

    public void close() {
        for (MediaSocket socket : relaySockets) {
            socket.close();
        }
        for (MediaSocket socket : sockets) {
            if (socket != null) {
                socket.close();
            }
        }
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

    /** The addresses of {@code announced} that no interface of this host has (wildcards are never announced). */
    static List<InetAddress> notLocal(List<InetAddress> announced) {
        List<InetAddress> out = new ArrayList<>();
        for (InetAddress address : announced) {
            try {
                if (!address.isLoopbackAddress() && NetworkInterface.getByInetAddress(address) == null) {
                    out.add(address);
                }
            } catch (SocketException e) {
                log.debug("cannot tell whether {} is local", address, e);
            }
        }
        return out;
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
