package io.stagecast.sfu.client;

import io.stagecast.sfu.dtls.DtlsCertificate;
import io.stagecast.sfu.dtls.DtlsRole;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

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
}
