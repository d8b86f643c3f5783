package io.stagecast.sfu;

import io.micrometer.core.instrument.MeterRegistry;
import io.stagecast.sfu.dtls.DtlsCertificate;
import io.stagecast.sfu.metrics.MediaMetrics;
import io.stagecast.sfu.router.Router;
import io.stagecast.sfu.transport.MediaLoops;
import io.stagecast.sfu.transport.Transport;
import io.stagecast.sfu.transport.TransportListener;

import java.net.InetAddress;
import java.util.List;

/**
 * The media plane's control API, what signaling uses: create transports, routers, read the
 * node's DTLS fingerprint and ICE candidates. It knows nothing of rooms or roles.
 */
public final class MediaNode implements AutoCloseable {
    private final MediaConfig config;
    private final MediaMetrics metrics;
    private final DtlsCertificate certificate;
    private final MediaLoops loops;

    private MediaNode(MediaConfig config, MeterRegistry registry) throws InterruptedException {
        this.config = config;
        this.metrics = new MediaMetrics(registry);
        this.certificate = DtlsCertificate.generate();
        // Before the socket opens: the first check and handshake must find everything loaded.
        StartupWarmUp.run(certificate);
        this.loops = MediaLoops.start(config, certificate, metrics);
    }

    public static MediaNode start(MediaConfig config, MeterRegistry registry) throws InterruptedException {
        return new MediaNode(config, registry);
    }

    /** A transport on the media loop that has the fewest; its candidates name that loop's port. */
    public Transport createTransport(TransportListener listener) {
        return loops.createTransport(listener);
    }

    /** A transport on media loop {@code loop} (0 .. {@link #eventLoops()} - 1), for tests and benchmarks. */
    public Transport createTransport(int loop, TransportListener listener) {
        return loops.createTransport(loop, listener);
    }

    /**
     * One end of a node-to-node relay, to connect with {@link Transport#connectRelay}; with
     * {@code ownSocket} on a UDP port of its own (the asking end). See {@code MediaLoops}.
     */
    public Transport createRelayTransport(TransportListener listener, boolean ownSocket) throws InterruptedException {
        return loops.createRelayTransport(listener, ownSocket);
    }

    /** Relay transports on sockets of their own, open now. */
    public int relaySocketCount() {
        return loops.relaySocketCount();
    }

    /** A room's forwarding graph; its transports may live on any loop, its room-wide parts on one of them. */
    public Router createRouter(String name) {
        return new Router(name, loops.nextLoop());
    }

    public int eventLoops() {
        return loops.size();
    }

    /** The a=fingerprint value of every transport of this node. */
    public String dtlsFingerprint() {
        return certificate.sdpFingerprint();
    }

    /** The UDP port of the first media loop (differs from the configured one when that was 0). */
    public int port() {
        return loops.socket(0).port();
    }

    /** The UDP port of every media loop, in loop order. */
    public List<Integer> ports() {
        java.util.ArrayList<Integer> out = new java.util.ArrayList<>();
        for (int i = 0; i < loops.size(); i++) {
            out.add(loops.socket(i).port());
        }
        return out;
    }

    /**
     * Host candidates (one per announced address) as a=candidate values for {@code transport}:
     * they name the ports of the loop that owns it, UDP first, then passive TCP when ICE-TCP is on.
     */
    public List<String> iceCandidates(Transport transport) {
        return candidates(transport.localPort(), transport.localTcpPort());
    }

    private List<String> candidates(int port, int tcpPort) {
        List<InetAddress> addresses = loops.announcedAddresses();
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        int foundation = 1;
        for (InetAddress address : addresses) {
            // RFC 8445 5.1.2.1 priority for a host candidate, component 1.
            long priority = (126L << 24) | ((65535L - foundation) << 8) | 255;
            out.add(foundation + " 1 udp " + priority + " " + address.getHostAddress() + " " + port + " typ host");
            foundation++;
        }
        if (tcpPort > 0) {
            int n = 1;
            for (InetAddress address : addresses) {
                // RFC 6544 4.2: a TCP candidate's type preference is below UDP's of the same type
                // (here 90 against 126: libwebrtc's own host-TCP preference), and its local preference
                // starts with the direction (passive: 2 << 13), so a peer prefers any UDP pair.
                long priority = (90L << 24) | (((2L << 13) | (8191L - n)) << 8) | 255;
                out.add(foundation + " 1 tcp " + priority + " " + address.getHostAddress() + " " + tcpPort
                        + " typ host tcptype passive");
                foundation++;
                n++;
            }
        }
        return out;
    }

    /** The addresses this node's candidates name (configured, else the host's own). */
    public List<InetAddress> announcedAddresses() {
        return loops.announcedAddresses();
    }

    /** The ICE-TCP port of every media loop, in loop order (empty when ICE-TCP is off). */
    public List<Integer> tcpPorts() {
        java.util.ArrayList<Integer> out = new java.util.ArrayList<>();
        for (int i = 0; i < loops.size(); i++) {
            if (loops.socket(i).tcpPort() > 0) {
                out.add(loops.socket(i).tcpPort());
            }
        }
        return out;
    }

    public MediaMetrics metrics() {
        return metrics;
    }

    public MediaConfig config() {
        return config;
    }

    public int transportCount() {
        return loops.transportCount();
    }

    @Override
    public void close() {
        loops.close();
    }
}
