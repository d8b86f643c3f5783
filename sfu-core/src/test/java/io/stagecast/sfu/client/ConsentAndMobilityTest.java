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
import java.util.concurrent.TimeUnit;

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
