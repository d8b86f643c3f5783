package io.stagecast.sfu.client;

import io.stagecast.sfu.MediaConfig;
import io.stagecast.sfu.dtls.DtlsRole;
import io.stagecast.sfu.transport.Transport;
import io.stagecast.sfu.transport.TransportState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.nio.ByteBuffer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32;

import static io.stagecast.sfu.client.LoopbackNode.PATIENCE;
import static io.stagecast.sfu.client.LoopbackNode.eventually;
import static io.stagecast.sfu.client.LoopbackNode.onLoop;
import static io.stagecast.sfu.client.LoopbackNode.stateOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 7675 consent freshness and RFC 8445 renomination ("follow the peer") over real UDP. */
class ConsentAndMobilityTest {
    private static final Duration CONSENT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration CHECK_INTERVAL = Duration.ofMillis(500);
    private static LoopbackNode loopback;

    @BeforeAll
    static void startNode() throws InterruptedException {
        loopback = new LoopbackNode(MediaConfig.loopback().withConsentTimeout(CONSENT_TIMEOUT));
    }

    @AfterAll
    static void stopNode() {
        loopback.close();
    }

    private static SyntheticPeer checkingPeer() {
        return new SyntheticPeer(DtlsRole.CLIENT, InetAddress.getLoopbackAddress(), CHECK_INTERVAL);
    }

    @Test
    void aTransportNotYetNegotiatedWaitsButANegotiatedOneThatNeverConnectsIsClosed() throws Exception {
        try (SyntheticPeer absent = checkingPeer()) {
            RecordingTransportListener waitingEvents = new RecordingTransportListener();
            Transport waiting = loopback.node.createTransport(waitingEvents);
            RecordingTransportListener absentEvents = new RecordingTransportListener();
            Transport negotiated = loopback.transportFor(absent, absentEvents);

            String reason = absentEvents.closed.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals("ICE never connected", reason, "negotiated, never contacted: freed after the timeout");
            assertEquals(TransportState.CLOSED, stateOf(negotiated));
            Thread.sleep(CONSENT_TIMEOUT.toMillis());
            assertEquals(TransportState.NEW, stateOf(waiting),
                    "a subscriber with nothing to receive yet is not closed for silence it could not help");
            waiting.close();
        }
    }

    @Test
    void silentPeerLosesItsTransportWhileACheckingOneKeepsIt() throws Exception {
        try (SyntheticPeer silent = checkingPeer(); SyntheticPeer lively = checkingPeer()) {
            RecordingTransportListener silentEvents = new RecordingTransportListener();
            Transport silentTransport = loopback.transportFor(silent, silentEvents);
            loopback.connect(silent, silentTransport).get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            RecordingTransportListener livelyEvents = new RecordingTransportListener();
            Transport livelyTransport = loopback.transportFor(lively, livelyEvents);
            loopback.connect(lively, livelyTransport).get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            int transportsBefore = loopback.node.transportCount();

            long stoppedNanos = System.nanoTime();
            silent.stopConsent();

            String reason = silentEvents.closed.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            long closedAfterMillis = (System.nanoTime() - stoppedNanos) / 1_000_000;
            assertEquals("consent expired", reason);
            // Not at once: the last answered check was about one interval before the stop.
            assertTrue(closedAfterMillis >= CONSENT_TIMEOUT.toMillis() / 2, closedAfterMillis + " ms");
            assertTrue(closedAfterMillis <= CONSENT_TIMEOUT.toMillis() + 1500, closedAfterMillis + " ms");
            assertEquals(TransportState.CLOSED, stateOf(silentTransport));
            assertEquals(transportsBefore - 1, loopback.node.transportCount());

            // The checking peer has been connected for longer than the timeout by now.
            Thread.sleep(500);
            assertFalse(livelyEvents.closed.isDone(), () -> "closed: " + livelyEvents.closed.getNow(""));
            assertEquals(TransportState.CONNECTED, stateOf(livelyTransport));
            assertTrue(lively.stunResponses() >= 5, "consent checks were answered: " + lively.stunResponses());
            LoopbackNode.closeAndSettle(livelyTransport);
        }
    }

    /**
     * Issue 8 item 12: libnice (GStreamer) keeps the selected pair alive with Binding indications
     * after nomination, never requests. With authenticated SRTCP beside them it stays connected past
     * the consent timeout; with indications alone (unauthenticated) it is freed on time, and so is
     * the first once it stops sending altogether.
     */
    @Test
    void libniceLikePeerStaysOnAuthenticatedSrtcpButIndicationsAloneAreNoConsent() throws Exception {
        ScheduledExecutorService keepalive = Executors.newSingleThreadScheduledExecutor();
        try (SyntheticPeer libnice = checkingPeer(); SyntheticPeer indicationsOnly = checkingPeer()) {
            RecordingTransportListener libniceEvents = new RecordingTransportListener();
            Transport libniceTransport = loopback.transportFor(libnice, libniceEvents);
            loopback.connect(libnice, libniceTransport).get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            RecordingTransportListener onlyEvents = new RecordingTransportListener();
            Transport onlyTransport = loopback.transportFor(indicationsOnly, onlyEvents);
            loopback.connect(indicationsOnly, onlyTransport).get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            double keepalivesBefore = loopback.drops(io.stagecast.sfu.metrics.DropReason.KEEPALIVE);

            libnice.stopConsent();
            indicationsOnly.stopConsent();
            long stoppedNanos = System.nanoTime();
            byte[] receiverReport = {(byte) 0x80, (byte) 201, 0, 1, 0, 0, 0, 42};
            AtomicBoolean libniceSends = new AtomicBoolean(true);
            keepalive.scheduleAtFixedRate(() -> {
                byte[] indication = bindingIndication();
                indicationsOnly.sendRaw(indication, 0, indication.length);
                if (libniceSends.get()) {
                    libnice.sendRaw(indication, 0, indication.length);
                    libnice.sendRtcp(receiverReport, receiverReport.length);
                }
            }, 0, 250, TimeUnit.MILLISECONDS);

            assertEquals("consent expired", onlyEvents.closed.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS));
            long onlyClosedMillis = (System.nanoTime() - stoppedNanos) / 1_000_000;
            assertTrue(onlyClosedMillis <= CONSENT_TIMEOUT.toMillis() + 1500, onlyClosedMillis + " ms");
            assertTrue(loopback.drops(io.stagecast.sfu.metrics.DropReason.KEEPALIVE) > keepalivesBefore,
                    "indications are read and counted as keepalives");

            Thread.sleep(2 * CONSENT_TIMEOUT.toMillis() + 500 - (System.nanoTime() - stoppedNanos) / 1_000_000);
            assertFalse(libniceEvents.closed.isDone(), () -> "closed: " + libniceEvents.closed.getNow(""));
            assertEquals(TransportState.CONNECTED, stateOf(libniceTransport));

            // Dead now: nothing more from it.
            libniceSends.set(false);
            long deadNanos = System.nanoTime();
            assertEquals("consent expired", libniceEvents.closed.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS));
            long deadClosedMillis = (System.nanoTime() - deadNanos) / 1_000_000;
            assertTrue(deadClosedMillis <= CONSENT_TIMEOUT.toMillis() + 1500, deadClosedMillis + " ms");
        } finally {
            keepalive.shutdownNow();
        }
    }

    /** A STUN Binding indication with FINGERPRINT only, as libnice sends it (RFC 8445 11, RFC 5389 15.5). */
    private static byte[] bindingIndication() {
        ByteBuffer message = ByteBuffer.allocate(20 + 8);
        message.putShort((short) 0x0011).putShort((short) 8).putInt(0x2112A442);
        byte[] transactionId = new byte[12];
        ThreadLocalRandom.current().nextBytes(transactionId);
        message.put(transactionId);
        CRC32 crc = new CRC32();
        crc.update(message.array(), 0, 20);
        message.putShort((short) 0x8028).putShort((short) 4).putInt((int) (crc.getValue() ^ 0x5354554EL));
        return message.array();
    }

    @Test
    void nodeFollowsASubscriberToItsNewPort() throws Exception {
        try (PublishedTrack track = PublishedTrack.audio(loopback, DtlsRole.CLIENT, true)) {
            for (int i = 0; i < 5; i++) {
                track.sendAudio(i);
            }
            eventually("media flows", () -> track.subscriber.rtpReceived() == 5);
            InetSocketAddress before = track.subscriber.localAddress();

            track.subscriber.moveToNewPort();
            InetSocketAddress after = track.subscriber.localAddress();
            assertNotEquals(before, after);
            eventually("the node moves the transport", () -> after.equals(remoteOf(track.subscriberTransport)));

            for (int i = 5; i < 25; i++) {
                track.sendAudio(i);
            }
            eventually("media reaches the new port", () -> track.subscriber.rtpReceived() == 25);
            assertEquals(0, track.subscriber.stream(track.consumedSsrc).sequenceGaps());
            assertEquals(0, track.subscriber.authFailures());
            // Consent now comes from the new address and keeps the transport past the timeout.
            Thread.sleep(CONSENT_TIMEOUT.toMillis() + 500);
            assertEquals(TransportState.CONNECTED, stateOf(track.subscriberTransport));
        }
    }

    @Test
    void nodeAcceptsAPublisherFromItsNewPort() throws Exception {
        try (PublishedTrack track = PublishedTrack.audio(loopback, DtlsRole.SERVER, true)) {
            track.sendAudio(0);
            eventually("media flows", () -> track.subscriber.rtpReceived() == 1);

            track.publisher.moveToNewPort();
            InetSocketAddress after = track.publisher.localAddress();
            eventually("the node moves the transport", () -> after.equals(remoteOf(track.publisherTransport)));

            for (int i = 1; i <= 10; i++) {
                track.sendAudio(i);
            }
            eventually("media from the new port is forwarded", () -> track.subscriber.rtpReceived() == 11);
        }
    }

    private static InetSocketAddress remoteOf(Transport transport) {
        try {
            return onLoop(transport, transport::remoteAddress);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
