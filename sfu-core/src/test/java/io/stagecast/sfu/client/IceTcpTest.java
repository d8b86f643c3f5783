package io.stagecast.sfu.client;

import io.stagecast.sfu.MediaConfig;
import io.stagecast.sfu.dtls.DtlsCertificate;
import io.stagecast.sfu.dtls.DtlsRole;
import io.stagecast.sfu.metrics.DropReason;
import io.stagecast.sfu.metrics.TcpRefusal;
import io.stagecast.sfu.router.CodecSpec;
import io.stagecast.sfu.router.ConsumerSpec;
import io.stagecast.sfu.router.MediaKind;
import io.stagecast.sfu.router.Producer;
import io.stagecast.sfu.router.ProducerSpec;
import io.stagecast.sfu.router.Router;
import io.stagecast.sfu.router.StreamSpec;
import io.stagecast.sfu.transport.RemoteDtlsParameters;
import io.stagecast.sfu.transport.Transport;
import io.stagecast.sfu.transport.TransportState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.stagecast.sfu.client.LoopbackNode.PATIENCE;
import static io.stagecast.sfu.client.LoopbackNode.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12, ICE over TCP (RFC 6544 passive candidates, RFC 4571 framing): peers that reach the
 * node only over TCP connect through the same ICE-lite, DTLS and SRTP path, over real sockets on
 * loopback; the connection's caps hold and are counted.
 */
class IceTcpTest {
    private static LoopbackNode loopback;

    @BeforeAll
    static void startNode() throws InterruptedException {
        loopback = new LoopbackNode(MediaConfig.loopback().withEventLoops(1).withTcpPort(0));
    }

    @AfterAll
    static void stopNode() {
        loopback.close();
    }

    private static InetSocketAddress tcpAddress(Transport transport) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), transport.localTcpPort());
    }

    /** A transport and its peer, connected over ICE-TCP: ICE, DTLS and SRTP all in RFC 4571 frames. */
    private static Transport connectedOverTcp(SyntheticPeer peer, TcpPeerSocket socket) throws Exception {
        RecordingTransportListener listener = new RecordingTransportListener();
        Transport transport = loopback.node.createTransport(listener);
        transport.setRemoteDtls(new RemoteDtlsParameters(DtlsRole.SERVER, "sha-256", peer.fingerprintHex()));
        socket.attach(peer);
        peer.connect(tcpAddress(transport), transport.iceParameters().ufrag(), transport.iceParameters().password(),
                loopback.node.dtlsFingerprint()).get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        listener.connected.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        return transport;
    }

    @Test
    void theNodeOffersAPassiveTcpCandidateBelowEveryUdpOne() {
        Transport transport = loopback.node.createTransport(null);
        try {
            List<String> candidates = loopback.node.iceCandidates(transport);
            String udp = candidates.stream().filter(c -> c.contains(" udp ")).findFirst().orElseThrow();
            String tcp = candidates.stream().filter(c -> c.contains(" tcp ")).findFirst().orElseThrow();
            String[] t = tcp.split(" ");
            assertEquals(String.valueOf(transport.localTcpPort()), t[5], tcp);
            assertTrue(tcp.endsWith("typ host tcptype passive"), tcp);
            assertTrue(Long.parseLong(t[3]) < Long.parseLong(udp.split(" ")[3]), "TCP below UDP: " + candidates);
            assertEquals(List.of(transport.localTcpPort()), loopback.node.tcpPorts());
        } finally {
            LoopbackNode.closeAndSettle(transport);
        }
    }

    @Test
    void aPublisherAndAViewerOnTcpExchangeEveryPacketWithAViewerOnUdp() throws Exception {
        SyntheticPeer publisher;
        SyntheticPeer tcpViewer;
        SyntheticPeer udpViewer = new SyntheticPeer(DtlsRole.CLIENT);
        DtlsCertificate certificate = DtlsCertificate.generate();
        try (TcpPeerSocket publisherSocket = new TcpPeerSocket(tcpAddress(loopback.node.createTransport(null)));
             TcpPeerSocket viewerSocket = new TcpPeerSocket(publisherSocket.serverAddress())) {
            publisher = new SyntheticPeer(DtlsRole.CLIENT, certificate, publisherSocket, Duration.ofSeconds(1));
            tcpViewer = new SyntheticPeer(DtlsRole.CLIENT, certificate, viewerSocket, Duration.ofSeconds(1));
            Transport publisherTransport = connectedOverTcp(publisher, publisherSocket);
            Transport tcpTransport = connectedOverTcp(tcpViewer, viewerSocket);
            Transport udpTransport = loopback.connected(udpViewer);
            publisherTransport.setPublishAllowed(true);
            Router router = loopback.node.createRouter("tcp");
            Producer video = router.createProducer(publisherTransport, new ProducerSpec(MediaKind.VIDEO, "1",
                    new CodecSpec("VP8", 96, 90000, 0, "", -1, List.of("nack", "nack pli")),
                    List.of(new StreamSpec(0x4444, null)), Map.of()));
            router.createConsumer(tcpTransport, video, new ConsumerSpec(0x5555, 0, 96, -1, Map.of()));
            router.createConsumer(udpTransport, video, new ConsumerSpec(0x5555, 0, 96, -1, Map.of()));
            LoopbackNode.settle(publisherTransport, tcpTransport, udpTransport);
            assertEquals(2, loopback.node.metrics().tcpConnections());
            int frames = 300;
            byte[] payload = new byte[1000];
            payload[0] = 0x10;
            payload[2] = (byte) 0x9d;
            payload[3] = 0x01;
            payload[4] = 0x2a;
            for (int i = 0; i < frames; i++) {
                payload[1] = (byte) (i == 0 ? 0x00 : 0x01); // the first a keyframe (RFC 7741 4.3)
                publisher.sendRtp(0x4444, 96, 7000 + i, 3000L * i, true, payload);
                if (i % 50 == 49) {
                    Thread.sleep(5);
                }
            }
            try {
                eventually("both viewers have every frame", () -> tcpViewer.stream(0x5555) != null
                    && tcpViewer.stream(0x5555).packets() == frames
                    && udpViewer.stream(0x5555) != null && udpViewer.stream(0x5555).packets() == frames);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + ": TCP viewer " + tcpViewer.stream(0x5555) + ", UDP viewer "
                        + udpViewer.stream(0x5555) + ", drops " + java.util.Arrays.stream(DropReason.values())
                        .map(r -> r + "=" + loopback.drops(r)).toList(), e);
            }
            assertEquals(0, tcpViewer.stream(0x5555).sequenceGaps());
            assertEquals("/127.0.0.1:" + viewerSocket.localAddress().getPort(),
                    String.valueOf(LoopbackNode.onLoop(tcpTransport, tcpTransport::remoteAddress)));
            // Receiver reports over TCP reach the node and reports come back: RTCP both ways.
            eventually("the TCP viewer gets sender reports", () -> tcpViewer.senderReportsReceived() > 0);
            router.close();
            publisher.close();
            tcpViewer.close();
            LoopbackNode.closeAndSettle(publisherTransport);
            LoopbackNode.closeAndSettle(tcpTransport);
            LoopbackNode.closeAndSettle(udpTransport);
            eventually("a closed transport closes its TCP connections", () -> viewerSocket.closedByNode()
                    || loopback.node.metrics().tcpConnections() == 0);
            eventually("no connection left", () -> loopback.node.metrics().tcpConnections() == 0);
        } finally {
            udpViewer.close();
        }
    }

    @Test
    void badFramesAndStrangersAreClosedAndCountedAndTheNodeServesOn() throws Exception {
        Transport transport = loopback.node.createTransport(null);
        InetSocketAddress address = tcpAddress(transport);
        double rejectedBefore = loopback.drops(DropReason.STUN_REJECTED);
        long badFrames = loopback.node.metrics().tcpRefusals(TcpRefusal.BAD_FRAME);
        // A frame longer than any datagram: the stream cannot be read on, so it is closed.
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            s.getOutputStream().write(new byte[] {(byte) 0xFF, (byte) 0xFF, 0, 1});
            s.getOutputStream().flush();
            assertEquals(-1, readWithin(s, 5_000), "the node closes a connection that framed 65535 bytes");
        }
        eventually("the bad frame is counted", () -> loopback.node.metrics().tcpRefusals(TcpRefusal.BAD_FRAME) == badFrames + 1);
        // A well-framed check for a transport that does not exist: refused, no answer, counted.
        try (TcpPeerSocket stranger = new TcpPeerSocket(address)) {
            SyntheticPeer peer = new SyntheticPeer(DtlsRole.CLIENT, DtlsCertificate.generate(), stranger, Duration.ofSeconds(1));
            stranger.attach(peer);
            peer.connect(address, "nobody", "0123456789012345678901", loopback.node.dtlsFingerprint());
            eventually("checks for an unknown ufrag are refused", () -> loopback.drops(DropReason.STUN_REJECTED) > rejectedBefore);
            assertEquals(0, peer.stunResponses());
            peer.close();
        }
        LoopbackNode.closeAndSettle(transport);
        // The node still takes a real peer over TCP.
        try (TcpPeerSocket socket = new TcpPeerSocket(tcpAddress(loopback.node.createTransport(null)))) {
            SyntheticPeer peer = new SyntheticPeer(DtlsRole.CLIENT, DtlsCertificate.generate(), socket, Duration.ofSeconds(1));
            Transport ok = connectedOverTcp(peer, socket);
            assertEquals(TransportState.CONNECTED, LoopbackNode.stateOf(ok));
            peer.close();
            LoopbackNode.closeAndSettle(ok);
        }
    }

    @Test
    void aConnectionThatNeverChecksIsClosedAndConnectionsPastTheCapAreRefused() throws Exception {
        Transport transport = loopback.node.createTransport(null);
        InetSocketAddress address = tcpAddress(transport);
        long noCheck = loopback.node.metrics().tcpRefusals(TcpRefusal.NO_CHECK);
        long cap = loopback.node.metrics().tcpRefusals(TcpRefusal.CAP);
        List<Socket> held = new ArrayList<>();
        try {
            eventually("earlier tests' connections are gone", () -> loopback.node.metrics().tcpConnections() == 0);
            for (int i = 0; i < 1024; i++) { // IceTcpListener.MAX_CONNECTIONS of the node's one loop
                held.add(new Socket(address.getAddress(), address.getPort()));
            }
            eventually("1024 connections are open", () -> loopback.node.metrics().tcpConnections() == 1024);
            try (Socket over = new Socket(address.getAddress(), address.getPort())) {
                assertEquals(-1, readWithin(over, 5_000), "the 1025th connection is closed at once");
            }
            eventually("the refusal is counted", () -> loopback.node.metrics().tcpRefusals(TcpRefusal.CAP) == cap + 1);
            // None of them checks: each is closed when its time to check runs out (10 s).
            eventually("silent connections are closed", Duration.ofSeconds(20),
                    () -> loopback.node.metrics().tcpConnections() == 0);
            assertEquals(noCheck + 1024, loopback.node.metrics().tcpRefusals(TcpRefusal.NO_CHECK));
            assertEquals(-1, readWithin(held.get(0), 5_000));
        } finally {
            for (Socket s : held) {
                s.close();
            }
            LoopbackNode.closeAndSettle(transport);
        }
    }

    private static int readWithin(Socket socket, int millis) throws Exception {
        socket.setSoTimeout(millis);
        InputStream in = socket.getInputStream();
        try {
            return in.read();
        } catch (java.net.SocketException reset) {
            return -1; // closed by the node with unread bytes: a reset
        }
    }
}
