package io.stagecast.sfu;

import io.micrometer.core.instrument.MeterRegistry;
import io.stagecast.sfu.dtls.DtlsCertificate;
import io.stagecast.sfu.metrics.MediaMetrics;
import io.stagecast.sfu.router.Router;
import io.stagecast.sfu.transport.MediaSocket;
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
    private final MediaSocket socket;

    private MediaNode(MediaConfig config, MeterRegistry registry) throws InterruptedException {
        this.config = config;
        this.metrics = new MediaMetrics(registry);
        this.certificate = DtlsCertificate.generate();
        // Before the socket opens: the first check and handshake must find everything loaded.
        StartupWarmUp.run(certificate);
        this.socket = MediaSocket.bind(config, certificate, metrics);
    }

    public static MediaNode start(MediaConfig config, MeterRegistry registry) throws InterruptedException {
        return new MediaNode(config, registry);
    }

    public Transport createTransport(TransportListener listener) {
        return socket.createTransport(listener);
    }

    public Router createRouter(String name) {
        return new Router(name, socket.loop());
    }

    /** The a=fingerprint value of every transport of this node. */
    public String dtlsFingerprint() {
        return certificate.sdpFingerprint();
    }

    /** The UDP port actually bound (differs from the configured one when that was 0). */
    public int port() {
        return socket.port();
    }

    /** Host candidates (one per announced address) as a=candidate values, for every transport. */
    public List<String> iceCandidates() {
        List<InetAddress> addresses = socket.announcedAddresses();
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        int foundation = 1;
        for (InetAddress address : addresses) {
            // RFC 8445 5.1.2.1 priority for a host candidate, component 1.
            long priority = (126L << 24) | ((65535L - foundation) << 8) | 255;
            out.add(foundation + " 1 udp " + priority + " " + address.getHostAddress() + " " + port() + " typ host");
            foundation++;
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
        return socket.transportCount();
    }

    @Override
    public void close() {
        socket.close();
    }
}
