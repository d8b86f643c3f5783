package io.stagecast.sfu.client;

import io.stagecast.sfu.dtls.DtlsCertificate;
import io.stagecast.sfu.dtls.DtlsRole;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The peer on its own, without a node. */
class SyntheticPeerTest {
    private static final InetSocketAddress NOBODY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);

    @Test
    void presentsWhatItsSdpWouldCarry() {
        try (SyntheticPeer peer = new SyntheticPeer(DtlsRole.CLIENT)) {
            assertTrue(peer.fingerprint().matches("sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}"), peer.fingerprint());
            assertEquals("sha-256 " + peer.fingerprintHex(), peer.fingerprint());
            assertTrue(peer.iceUfrag().length() >= 4);
            assertTrue(peer.icePwd().length() >= 22);
            assertTrue(peer.localAddress().getAddress().isLoopbackAddress());
        }
    }

    @Test
    void sendsNoMediaBeforeItHasKeys() {
        try (SyntheticPeer peer = new SyntheticPeer(DtlsRole.CLIENT)) {
            assertFalse(peer.sendRtp(1, 111, 1, 0, false, new byte[10]));
            assertFalse(peer.sendRtcp(new byte[8], 8));
            assertFalse(peer.isConnected());
        }
    }

    @Test
    void connectsOnlyOnce() {
        try (SyntheticPeer peer = new SyntheticPeer(DtlsRole.CLIENT)) {
            String fingerprint = DtlsCertificate.generate().sdpFingerprint();
            peer.connect(NOBODY, "ufrag", "password-of-22-chars-x", fingerprint);
            assertThrows(IllegalStateException.class,
                    () -> peer.connect(NOBODY, "ufrag", "password-of-22-chars-x", fingerprint));
        }
    }

    @Test
    void refusesAFingerprintWithoutHashFunction() {
        try (SyntheticPeer peer = new SyntheticPeer(DtlsRole.CLIENT)) {
            assertThrows(IllegalArgumentException.class,
                    () -> peer.connect(NOBODY, "ufrag", "password-of-22-chars-x", "AB:CD"));
        }
    }

    @Test
    void refusesAPayloadLargerThanOnePacket() {
        try (SyntheticPeer peer = new SyntheticPeer(DtlsRole.CLIENT)) {
            assertThrows(IllegalArgumentException.class, () -> peer.sendRtp(1, 111, 1, 0, false, new byte[1500]));
        }
    }

    @Test
    void movingChangesTheLocalPort() {
        try (SyntheticPeer peer = new SyntheticPeer(DtlsRole.SERVER, InetAddress.getLoopbackAddress(),
                Duration.ofSeconds(1))) {
            InetSocketAddress before = peer.localAddress();
            peer.moveToNewPort();
            assertNotEquals(before, peer.localAddress());
        }
    }

    @Test
    void peersSharingACertificatePresentTheSameFingerprint() {
        DtlsCertificate shared = DtlsCertificate.generate();
        try (SyntheticPeer a = new SyntheticPeer(DtlsRole.CLIENT, shared);
             SyntheticPeer b = new SyntheticPeer(DtlsRole.CLIENT, shared)) {
            assertEquals(shared.sdpFingerprint(), a.fingerprint());
            assertEquals(a.fingerprint(), b.fingerprint());
            assertNotEquals(a.iceUfrag(), b.iceUfrag());
        }
    }

    @Test
    void externalSocketCarriesTheChecksAndOnlyTheNodeIsHeard() throws Exception {
        RecordingSocket socket = new RecordingSocket();
        SyntheticPeer peer = new SyntheticPeer(DtlsRole.CLIENT, DtlsCertificate.generate(), socket, Duration.ofSeconds(1));
        try {
            assertEquals(socket.localAddress(), peer.localAddress());
            peer.connect(NOBODY, "ufrag", "password-of-22-chars-x", DtlsCertificate.generate().sdpFingerprint());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (socket.sent.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertFalse(socket.sent.isEmpty(), "no binding request went out through the socket");
            assertEquals(0, socket.sent.get(0)[0], "a STUN Binding request starts with 0x00");
            byte[] stranger = new byte[20];
            peer.receive(stranger, stranger.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), 10), 0);
            assertEquals(0, peer.undecodable(), "a datagram from someone else must be ignored, not parsed");
            peer.receive(stranger, stranger.length, NOBODY, 0);
            assertEquals(1, peer.undecodable(), "an unsolicited STUN message from the node is counted");
            assertThrows(UnsupportedOperationException.class, peer::moveToNewPort);
        } finally {
            peer.close();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (!socket.closed && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(socket.closed, "closing the peer closes its socket");
    }

    private static final class RecordingSocket implements PeerSocket {
        final List<byte[]> sent = new CopyOnWriteArrayList<>();
        volatile boolean closed;

        @Override
        public InetSocketAddress localAddress() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), 40_000);
        }

        @Override
        public boolean send(ByteBuffer datagram, InetSocketAddress to) {
            byte[] copy = new byte[datagram.remaining()];
            datagram.get(copy);
            sent.add(copy);
            return true;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
