package io.stagecast.sfu.client;

import io.stagecast.sfu.MediaConfig;
import io.stagecast.sfu.dtls.DtlsCertificate;
import io.stagecast.sfu.dtls.DtlsRole;
import io.stagecast.sfu.transport.Transport;
import io.stagecast.sfu.transport.TransportState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.stagecast.sfu.client.LoopbackNode.PATIENCE;
import static io.stagecast.sfu.client.LoopbackNode.eventually;
import static io.stagecast.sfu.client.LoopbackNode.onLoop;
import static io.stagecast.sfu.client.LoopbackNode.stateOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ICE and DTLS-SRTP between a synthetic peer and a node's transport, over real UDP on 127.0.0.1. */
class DtlsOverUdpTest {
    private static LoopbackNode loopback;

    @BeforeAll
    static void startNode() throws InterruptedException {
        loopback = new LoopbackNode(MediaConfig.loopback());
    }

    @AfterAll
    static void stopNode() {
        loopback.close();
    }

    @ParameterizedTest
    @EnumSource(DtlsRole.class)
    void handshakeInstallsKeysOnBothEndsInEitherRole(DtlsRole peerRole) throws Exception {
        double okBefore = loopback.dtlsHandshakes("ok");
        try (SyntheticPeer peer = new SyntheticPeer(peerRole)) {
            RecordingTransportListener listener = new RecordingTransportListener();
            Transport transport = loopback.transportFor(peer, listener);
            loopback.connect(peer, transport).get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            listener.connected.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);

            assertTrue(peer.isConnected());
            assertEquals(TransportState.CONNECTED, stateOf(transport));
            assertEquals(peer.localAddress(), onLoop(transport, transport::remoteAddress));
            assertTrue(peer.stunResponses() >= 1);
            assertEquals(okBefore + 1, loopback.dtlsHandshakes("ok"));
            LoopbackNode.closeAndSettle(transport);
        }
    }

    @Test
    void transportExpectingAnotherCertificateFails() throws Exception {
        double failedBefore = loopback.dtlsHandshakes("failed");
        int transportsBefore = loopback.node.transportCount();
        try (SyntheticPeer peer = new SyntheticPeer(DtlsRole.CLIENT)) {
            RecordingTransportListener listener = new RecordingTransportListener();
            String someoneElse = DtlsCertificate.generate().fingerprintHex();
            Transport transport = loopback.transportExpecting(peer, someoneElse, listener);
            CompletableFuture<Void> connecting = loopback.connect(peer, transport);

            String reason = listener.closed.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            assertTrue(reason.startsWith("dtls failed"), reason);
            assertEquals(TransportState.FAILED, stateOf(transport));
            assertFalse(listener.connected.isDone());
            eventually("the failed handshake is counted", () -> loopback.dtlsHandshakes("failed") == failedBefore + 1);
            assertEquals(transportsBefore, loopback.node.transportCount());
            // The node's fatal alert ends the peer's handshake too, long before its own timeout.
            ExecutionException error = assertThrows(ExecutionException.class,
                    () -> connecting.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS));
            assertFalse(peer.isConnected(), error.toString());
        }
    }

    @Test
    void peerRefusesANodeWithTheWrongFingerprint() throws Exception {
        try (SyntheticPeer peer = new SyntheticPeer(DtlsRole.CLIENT)) {
            RecordingTransportListener listener = new RecordingTransportListener();
            Transport transport = loopback.transportFor(peer, listener);
            CompletableFuture<Void> connecting = peer.connect(LoopbackNode.address(transport), transport.iceParameters().ufrag(),
                    transport.iceParameters().password(), DtlsCertificate.generate().sdpFingerprint());

            ExecutionException error = assertThrows(ExecutionException.class,
                    () -> connecting.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS));
            assertTrue(error.getCause().getMessage().startsWith("DTLS failed"), error.toString());
            String reason = listener.closed.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            assertTrue(reason.startsWith("dtls failed"), reason);
        }
    }

    @Test
    void closingThePeerClosesItsTransportAtOnce() throws Exception {
        SyntheticPeer peer = new SyntheticPeer(DtlsRole.CLIENT);
        RecordingTransportListener listener = new RecordingTransportListener();
        Transport transport = loopback.transportFor(peer, listener);
        loopback.connect(peer, transport).get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        listener.connected.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        int transportsBefore = loopback.node.transportCount();

        peer.close();

        assertEquals("dtls closed by peer", listener.closed.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS));
        assertEquals(TransportState.CLOSED, stateOf(transport));
        assertEquals(transportsBefore - 1, loopback.node.transportCount());
    }

    @Test
    void checksWithWrongCredentialsGetNoAnswer() throws Exception {
        try (SyntheticPeer peer = new SyntheticPeer(DtlsRole.CLIENT)) {
            RecordingTransportListener listener = new RecordingTransportListener();
            Transport transport = loopback.transportFor(peer, listener);
            double rejectedBefore = loopback.drops(io.stagecast.sfu.metrics.DropReason.STUN_REJECTED);
            peer.connect(LoopbackNode.address(transport), transport.iceParameters().ufrag(), "not-the-password-at-all-x",
                    loopback.node.dtlsFingerprint());

            eventually("checks are rejected", () ->
                    loopback.drops(io.stagecast.sfu.metrics.DropReason.STUN_REJECTED) >= rejectedBefore + 3);
            assertEquals(0, peer.stunResponses());
            assertEquals(TransportState.NEW, stateOf(transport));
            LoopbackNode.closeAndSettle(transport);
        }
    }
}
