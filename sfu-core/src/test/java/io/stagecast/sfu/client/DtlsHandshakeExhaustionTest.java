package io.stagecast.sfu.client;

import io.stagecast.sfu.MediaConfig;
import io.stagecast.sfu.dtls.DtlsCertificate;
import io.stagecast.sfu.dtls.DtlsHandshakeLimits;
import io.stagecast.sfu.dtls.DtlsRole;
import io.stagecast.sfu.transport.RemoteDtlsParameters;
import io.stagecast.sfu.transport.Transport;
import io.stagecast.sfu.transport.TransportState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.stagecast.sfu.client.LoopbackNode.eventually;
import static io.stagecast.sfu.client.LoopbackNode.stateOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 8 item 4 at the UDP level: peers that do one ICE check (and maybe send one ClientHello)
 * then stay silent must not keep a real peer from connecting, and must not hold a handshake thread
 * for longer than the stall timeout. Before the fix they held the 64 handshake threads for 20 s.
 */
class DtlsHandshakeExhaustionTest {
    private static final int SILENT_PEERS = 200;
    /** Where the silent peers come from: one host, other than the real peer's 127.0.0.1. */
    private static final InetAddress ATTACKER = loopbackAlias();
    private static final Duration REAL_PEER_WITHIN = Duration.ofSeconds(2);
    private static final DtlsHandshakeLimits LIMITS = DtlsHandshakeLimits.DEFAULT;
    private static LoopbackNode loopback;

    @BeforeAll
    static void startNode() throws InterruptedException {
        loopback = new LoopbackNode(MediaConfig.loopback().withDtlsLimits(LIMITS));
    }

    @AfterAll
    static void stopNode() {
        loopback.close();
    }

    @Test
    void peersThatOnlyCheckedIceTakeNoHandshakeThread() throws Exception {
        List<Transport> transports = new ArrayList<>();
        List<SilentIcePeer> silent = new ArrayList<>();
        try {
            for (int i = 0; i < SILENT_PEERS; i++) {
                Transport transport = expectingSomeClient();
                transports.add(transport);
                SilentIcePeer peer = new SilentIcePeer(InetAddress.getLoopbackAddress(), LoopbackNode.address(transport));
                silent.add(peer);
                peer.checkOnce(transport);
            }
            for (Transport transport : transports) {
                assertEquals(TransportState.CONNECTING, stateOf(transport));
            }
            assertEquals(0.0, gauge("stagecast.dtls.handshakes.running"), "a check alone takes no thread");

            long connectMillis = connectRealPeer();
            System.out.printf("%d ICE-only silent peers: a real peer connected in %d ms%n", SILENT_PEERS, connectMillis);
        } finally {
            closeAll(transports, silent);
        }
    }

    @Test
    void peersThatSentAClientHelloThenWentSilentAreCappedAndFreedWithinTheStallTimeout() throws Exception {
        byte[] clientHello = SilentIcePeer.clientHello();
        double refusedBefore = counter("stagecast.dtls.handshakes.refused", "reason", "per_address");
        double stalledBefore = counter("stagecast.dtls.handshakes.stalled", "phase", "running");
        List<Transport> transports = new ArrayList<>();
        List<SilentIcePeer> silent = new ArrayList<>();
        try {
            for (int i = 0; i < SILENT_PEERS; i++) {
                Transport transport = expectingSomeClient();
                transports.add(transport);
                SilentIcePeer peer = new SilentIcePeer(ATTACKER, LoopbackNode.address(transport));
                silent.add(peer);
                peer.checkOnce(transport);
                peer.send(clientHello);
            }
            long lastHelloNanos = System.nanoTime();
            eventually("every ClientHello was admitted or refused", () ->
                    gauge("stagecast.dtls.handshakes.running") + gauge("stagecast.dtls.handshakes.waiting")
                            + counter("stagecast.dtls.handshakes.refused", "reason", "per_address") - refusedBefore
                            >= SILENT_PEERS);
            double admitted = gauge("stagecast.dtls.handshakes.running") + gauge("stagecast.dtls.handshakes.waiting");
            assertEquals(LIMITS.maxPerAddress(), admitted, "one address holds at most its share of the threads");

            long connectMillis = connectRealPeer();
            System.out.printf("%d ClientHello-then-silent peers: a real peer connected in %d ms%n", SILENT_PEERS,
                    connectMillis);

            long freeWithin = LIMITS.stallTimeout().toMillis() + 1500;
            eventually("the silent handshakes end", Duration.ofMillis(freeWithin), () ->
                    gauge("stagecast.dtls.handshakes.running") == 0 && gauge("stagecast.dtls.handshakes.waiting") == 0);
            long freedAfterMillis = (System.nanoTime() - lastHelloNanos) / 1_000_000;
            System.out.printf("their %d admitted handshakes ended %d ms after the last ClientHello%n",
                    (int) admitted, freedAfterMillis);
            assertEquals(stalledBefore + admitted, counter("stagecast.dtls.handshakes.stalled", "phase", "running"));
            int failed = 0;
            for (Transport transport : transports) {
                if (stateOf(transport) == TransportState.FAILED) {
                    failed++;
                }
            }
            assertEquals((int) admitted, failed, "an admitted silent handshake fails its transport and frees it");
            assertTrue(counter("stagecast.dtls.handshakes.refused", "reason", "per_address") - refusedBefore
                    >= SILENT_PEERS - LIMITS.maxPerAddress());
        } finally {
            closeAll(transports, silent);
        }
    }

    /** A real peer from 127.0.0.1 connects, ICE and DTLS, within {@link #REAL_PEER_WITHIN}. */
    private static long connectRealPeer() throws Exception {
        DtlsCertificate certificate = DtlsCertificate.generate(); // not part of the time
        try (SyntheticPeer real = new SyntheticPeer(DtlsRole.CLIENT, certificate)) {
            RecordingTransportListener listener = new RecordingTransportListener();
            Transport transport = loopback.transportFor(real, listener);
            long start = System.nanoTime();
            loopback.connect(real, transport).get(REAL_PEER_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
            listener.connected.get(REAL_PEER_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis <= REAL_PEER_WITHIN.toMillis(), millis + " ms");
            LoopbackNode.closeAndSettle(transport);
            return millis;
        }
    }

    /** What a WHEP POST leaves: a transport whose DTLS server waits for a client with some certificate. */
    private static Transport expectingSomeClient() {
        Transport transport = loopback.node.createTransport(null);
        transport.setRemoteDtls(new RemoteDtlsParameters(DtlsRole.SERVER, "sha-256", FINGERPRINT));
        return transport;
    }

    private static final String FINGERPRINT = DtlsCertificate.generate().fingerprintHex();

    private static double gauge(String name) {
        return loopback.node.metrics().registry().get(name).gauge().value();
    }

    private static double counter(String name, String tag, String value) {
        return loopback.node.metrics().registry().get(name).tag(tag, value).functionCounter().count();
    }

    private static void closeAll(List<Transport> transports, List<SilentIcePeer> peers) {
        transports.forEach(LoopbackNode::closeAndSettle);
        peers.forEach(SilentIcePeer::close);
    }

    private static InetAddress loopbackAlias() {
        try {
            return InetAddress.getByName("127.0.0.2");
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
