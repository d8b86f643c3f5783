package io.stagecast.sfu.dtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.stagecast.sfu.srtp.SrtpMasterKeys;
import io.stagecast.sfu.srtp.SrtpProfile;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.UDPTransport;
import org.bouncycastle.util.encoders.Hex;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class DtlsSessionTest {

    private static final Logger LOG = LoggerFactory.getLogger(DtlsSessionTest.class);
    private static final DtlsCertificate SERVER_CERT = DtlsCertificate.generate();
    private static final DtlsCertificate CLIENT_CERT = DtlsCertificate.generate();
    private static final String SHA_256 = "sha-256";

    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "dtls-test");
        t.setDaemon(true);
        return t;
    });
    private final List<DtlsSession> sessions = new ArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();

    /** One side of a handshake under test. */
    private record Side(DtlsSession session, RecordingListener listener, LoopbackEndpoint endpoint) {
    }

    @AfterEach
    void tearDown() throws Exception {
        sessions.forEach(DtlsSession::close);
        executor.shutdown();
        assertTrue(executor.awaitTermination(5, TimeUnit.SECONDS), "DTLS tasks did not end after close()");
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    private Side side(DtlsCertificate cert, DtlsRole role, String expectedPeerHex, DtlsOptions options) {
        LoopbackEndpoint endpoint = new LoopbackEndpoint();
        RecordingListener listener = new RecordingListener();
        DtlsSession session = new DtlsSession(cert, role, SHA_256, expectedPeerHex, endpoint.sink(), listener,
                executor, options);
        endpoint.pumpInto(session);
        sessions.add(session);
        resources.add(endpoint);
        return new Side(session, listener, endpoint);
    }

    private Side server() {
        return side(SERVER_CERT, DtlsRole.SERVER, CLIENT_CERT.fingerprintHex(), DtlsOptions.DEFAULT);
    }

    private Side client(DtlsOptions options) {
        return side(CLIENT_CERT, DtlsRole.CLIENT, SERVER_CERT.fingerprintHex(), options);
    }

    private static void link(Side a, Side b) {
        a.endpoint.sendTo(b.endpoint.address());
        b.endpoint.sendTo(a.endpoint.address());
    }

    private static void assertMirrored(SrtpMasterKeys server, SrtpMasterKeys client) {
        assertEquals(server.profile(), client.profile());
        assertArrayEquals(server.localKey(), client.remoteKey());
        assertArrayEquals(server.localSalt(), client.remoteSalt());
        assertArrayEquals(server.remoteKey(), client.localKey());
        assertArrayEquals(server.remoteSalt(), client.localSalt());
        assertFalse(Arrays.equals(server.localKey(), server.remoteKey()), "two directions, two keys");
        assertEquals(server.profile().keyLength, server.localKey().length);
        assertEquals(server.profile().saltLength, server.localSalt().length);
    }

    @Test
    void clientAndServerConnectWithMirroredGcmKeys() throws Exception {
        Side server = server();
        Side client = client(DtlsOptions.DEFAULT);
        link(server, client);

        long start = System.nanoTime();
        server.session.start();
        client.session.start();
        SrtpMasterKeys serverKeys = server.listener.awaitKeys();
        SrtpMasterKeys clientKeys = client.listener.awaitKeys();
        LOG.info("loopback handshake, first in this JVM: {} ms", (System.nanoTime() - start) / 1_000_000);

        assertEquals(SrtpProfile.AEAD_AES_128_GCM, serverKeys.profile());
        assertMirrored(serverKeys, clientKeys);
        assertTrue(server.session.isConnected());
        assertTrue(client.session.isConnected());
        assertFalse(server.listener.failed.isDone());
        assertFalse(client.listener.failed.isDone());
    }

    @Test
    void clientOfferingOnlyCmHmacGetsCmHmac() throws Exception {
        Side server = server();
        Side client = client(DtlsOptions.DEFAULT.withSrtpProfiles(List.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80)));
        link(server, client);

        server.session.start();
        client.session.start();

        SrtpMasterKeys serverKeys = server.listener.awaitKeys();
        assertEquals(SrtpProfile.AES_CM_128_HMAC_SHA1_80, serverKeys.profile());
        assertMirrored(serverKeys, client.listener.awaitKeys());
    }

    @Test
    void serverPicksItsOwnPreferenceWhateverTheClientsOrder() throws Exception {
        Side server = server();
        Side client = client(DtlsOptions.DEFAULT.withSrtpProfiles(
                List.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80, SrtpProfile.AEAD_AES_128_GCM)));
        link(server, client);

        server.session.start();
        client.session.start();

        assertEquals(SrtpProfile.AEAD_AES_128_GCM, server.listener.awaitKeys().profile());
        assertEquals(SrtpProfile.AEAD_AES_128_GCM, client.listener.awaitKeys().profile());
    }

    @Test
    void serverFailsClientWhoseCertificateDoesNotMatchTheFingerprint() throws Exception {
        Side server = side(SERVER_CERT, DtlsRole.SERVER, DtlsCertificate.generate().fingerprintHex(),
                DtlsOptions.DEFAULT);
        Side client = client(DtlsOptions.DEFAULT);
        link(server, client);

        server.session.start();
        client.session.start();

        assertTrue(server.listener.awaitFailure().contains("fingerprint"), server.listener.failed.get());
        // The fatal alert reaches the client, which fails too instead of waiting for its timeout.
        assertTrue(client.listener.awaitFailure().contains("bad_certificate"), client.listener.failed.get());
        assertFalse(server.listener.connected.isDone());
        assertFalse(server.session.isConnected());
    }

    @Test
    void clientFailsServerWhoseCertificateDoesNotMatchTheFingerprint() throws Exception {
        Side server = server();
        Side client = side(CLIENT_CERT, DtlsRole.CLIENT, DtlsCertificate.generate().fingerprintHex(),
                DtlsOptions.DEFAULT);
        link(server, client);

        server.session.start();
        client.session.start();

        assertTrue(client.listener.awaitFailure().contains("fingerprint"), client.listener.failed.get());
        assertTrue(server.listener.awaitFailure().contains("bad_certificate"), server.listener.failed.get());
        assertFalse(client.listener.connected.isDone());
        assertFalse(server.listener.connected.isDone());
    }

    @Test
    void sha1FingerprintIsAcceptedWhenTheSdpSaysSha1() throws Exception {
        String clientSha1 = CertificateFingerprint.compute("sha-1", CLIENT_CERT.der()).hex();
        LoopbackEndpoint endpoint = new LoopbackEndpoint();
        RecordingListener listener = new RecordingListener();
        DtlsSession serverSession = new DtlsSession(SERVER_CERT, DtlsRole.SERVER, "SHA-1", clientSha1,
                endpoint.sink(), listener, executor);
        endpoint.pumpInto(serverSession);
        sessions.add(serverSession);
        resources.add(endpoint);
        Side server = new Side(serverSession, listener, endpoint);
        Side client = client(DtlsOptions.DEFAULT);
        link(server, client);

        server.session.start();
        client.session.start();

        assertMirrored(server.listener.awaitKeys(), client.listener.awaitKeys());
    }

    @Test
    void browserLikeClientHelloSpanningSeveralDatagramsIsReassembled() throws Exception {
        Side server = server();
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        resources.add(socket);
        socket.connect(server.endpoint.address());
        server.endpoint.sendTo((InetSocketAddress) socket.getLocalSocketAddress());
        FirstFlightCounter transport = new FirstFlightCounter(new UDPTransport(socket, 1200));
        BrowserLikeClient client = new BrowserLikeClient(CLIENT_CERT, UseSrtpNegotiation.PREFERENCE);

        server.session.start();
        new DTLSClientProtocol().connect(client, transport);

        SrtpMasterKeys serverKeys = server.listener.awaitKeys();
        assertTrue(transport.firstFlightDatagrams.get() >= 2,
                "ClientHello should span several datagrams, was " + transport.firstFlightDatagrams.get());
        assertTrue(transport.largestSent.get() <= 1200);
        // supported_versions (43) listing DTLS 1.3 (FEFC) before 1.2 (FEFD), as browsers send it.
        assertTrue(Hex.toHexString(transport.firstFlight.toByteArray()).contains("002b000504fefcfefd"));
        assertEquals(SrtpProfile.AEAD_AES_128_GCM, serverKeys.profile());
        assertMirrored(serverKeys, client.keys);
    }

    @Test
    void tinyClientMtuFragmentsEveryFlightAndStillConnects() throws Exception {
        Side server = server();
        Side client = client(DtlsOptions.DEFAULT.withMtu(150));
        link(server, client);

        server.session.start();
        client.session.start();

        assertMirrored(server.listener.awaitKeys(), client.listener.awaitKeys());
        // ClientHello, Certificate, ClientKeyExchange, CertificateVerify, Finished: all fragmented.
        assertTrue(client.endpoint.datagramsSent.get() >= 8, "sent " + client.endpoint.datagramsSent.get());
    }

    @Test
    void garbageDatagramsAreDroppedAndDoNotBreakALaterHandshake() throws Exception {
        Side server = server();
        Side client = client(DtlsOptions.DEFAULT);
        link(server, client);
        Random random = new Random(7);

        server.session.start();
        for (int i = 0; i < 500; i++) {
            byte[] garbage = new byte[random.nextInt(3000)];
            random.nextBytes(garbage);
            if (i % 2 == 0 && garbage.length >= 13) {
                garbage[0] = 22;                 // handshake
                garbage[1] = (byte) 0xFE;        // DTLS 1.x version
                garbage[2] = (byte) (i % 4 == 0 ? 0xFD : 0xFF);
            }
            int off = garbage.length == 0 ? 0 : random.nextInt(garbage.length);
            assertDoesNotThrow(() -> server.session.receive(garbage, off, garbage.length - off));
        }
        assertDoesNotThrow(() -> server.session.receive(null, 0, 100));
        assertDoesNotThrow(() -> server.session.receive(new byte[20], 15, 10));
        assertDoesNotThrow(() -> server.session.receive(new byte[20], -1, 10));
        assertDoesNotThrow(() -> server.session.receive(new byte[20], 0, -5));
        assertTrue(server.session.droppedDatagrams() > 0);
        // Let the handshake thread chew through what it queued before the real client starts.
        Thread.sleep(200);
        client.session.start();

        assertMirrored(server.listener.awaitKeys(), client.listener.awaitKeys());
    }

    @Test
    void lostFinalFlightIsResentWhenThePeerRetransmits() throws Exception {
        Side server = server();
        Side client = client(DtlsOptions.DEFAULT);
        link(server, client);
        // Lose the server's ChangeCipherSpec and its epoch-1 Finished the first time they are sent.
        AtomicBoolean lostCcs = new AtomicBoolean();
        AtomicBoolean lostFinished = new AtomicBoolean();
        server.endpoint.loseOutgoing(datagram -> {
            boolean ccs = datagram[0] == 20;
            boolean epochOne = datagram[0] == 22 && datagram[3] == 0 && datagram[4] == 1;
            return ccs && lostCcs.compareAndSet(false, true) || epochOne && lostFinished.compareAndSet(false, true);
        });

        server.session.start();
        client.session.start();

        // The server is connected already; the client gets there only through its retransmission
        // (after ~1 s), which the connected server must answer with its final flight again.
        SrtpMasterKeys serverKeys = server.listener.awaitKeys();
        SrtpMasterKeys clientKeys = client.listener.awaitKeys();
        assertTrue(lostCcs.get() && lostFinished.get());
        assertMirrored(serverKeys, clientKeys);
    }

    @Test
    void closeSendsCloseNotifyAndThePeerSeesOnClosed() throws Exception {
        Side server = server();
        Side client = client(DtlsOptions.DEFAULT);
        link(server, client);
        server.session.start();
        client.session.start();
        server.listener.awaitKeys();
        client.listener.awaitKeys();

        client.session.close();
        client.session.close();

        server.listener.closed.get(5, TimeUnit.SECONDS);
        assertFalse(server.session.isConnected());
        assertFalse(client.session.isConnected());
        assertFalse(client.listener.closed.isDone(), "a local close() produces no callback");
    }

    @Test
    void closeFromTheServerSideWorksToo() throws Exception {
        Side server = server();
        Side client = client(DtlsOptions.DEFAULT);
        link(server, client);
        server.session.start();
        client.session.start();
        server.listener.awaitKeys();
        client.listener.awaitKeys();

        server.session.close();

        client.listener.closed.get(5, TimeUnit.SECONDS);
        assertFalse(client.session.isConnected());
    }

    @Test
    void silentPeerTimesTheHandshakeOut() throws Exception {
        Side client = client(DtlsOptions.DEFAULT.withHandshakeTimeoutMillis(1500));
        LoopbackEndpoint blackHole = new LoopbackEndpoint();
        resources.add(blackHole);
        client.endpoint.sendTo(blackHole.address());

        client.session.start();

        String reason = client.listener.awaitFailure();
        assertTrue(reason.toLowerCase().contains("timed out"), reason);
        assertFalse(client.session.isConnected());
    }

    @Test
    void closeDuringTheHandshakeStopsItWithoutCallbacks() throws Exception {
        Side server = server();
        server.session.start();
        Thread.sleep(100);

        server.session.close();

        Thread.sleep(300);
        assertFalse(server.listener.failed.isDone());
        assertFalse(server.listener.connected.isDone());
        assertFalse(server.session.isConnected());
    }

    @Test
    void unusableRemoteFingerprintFailsOnStart() throws Exception {
        LoopbackEndpoint endpoint = new LoopbackEndpoint();
        resources.add(endpoint);
        RecordingListener listener = new RecordingListener();
        DtlsSession session = new DtlsSession(SERVER_CERT, DtlsRole.SERVER, "md5", "AB:CD", endpoint.sink(),
                listener, executor);

        session.start();

        assertTrue(listener.awaitFailure().contains("md5"));
    }

    @Test
    void handshakeOnLoopbackTakesMilliseconds() throws Exception {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Side server = server();
            Side client = client(DtlsOptions.DEFAULT);
            link(server, client);
            long start = System.nanoTime();
            server.session.start();
            client.session.start();
            server.listener.awaitKeys();
            client.listener.awaitKeys();
            millis.add((System.nanoTime() - start) / 1_000_000);
            server.session.close();
            client.session.close();
        }
        List<Long> warm = new ArrayList<>(millis.subList(2, millis.size()));
        warm.sort(null);
        long median = warm.get(warm.size() / 2);
        LOG.info("loopback handshakes (ms, first two are warm-up): {}; warm median {} ms", millis, median);
        assertTrue(median < 1000, "median handshake " + median + " ms");
    }

    /** Counts the datagrams of the client's first flight (before anything comes back). */
    private static final class FirstFlightCounter implements DatagramTransport {
        final AtomicInteger firstFlightDatagrams = new AtomicInteger();
        final AtomicInteger largestSent = new AtomicInteger();
        private final DatagramTransport inner;
        private volatile boolean heardBack;
        final ByteArrayOutputStream firstFlight = new ByteArrayOutputStream();

        FirstFlightCounter(DatagramTransport inner) {
            this.inner = inner;
        }

        @Override
        public int getReceiveLimit() throws IOException {
            return inner.getReceiveLimit();
        }

        @Override
        public int getSendLimit() throws IOException {
            return inner.getSendLimit();
        }

        @Override
        public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
            int n = inner.receive(buf, off, len, waitMillis);
            if (n > 0) {
                heardBack = true;
            }
            return n;
        }

        @Override
        public void send(byte[] buf, int off, int len) throws IOException {
            if (!heardBack) {
                firstFlightDatagrams.incrementAndGet();
                firstFlight.write(buf, off, len);
            }
            largestSent.accumulateAndGet(len, Math::max);
            inner.send(buf, off, len);
        }

        @Override
        public void close() throws IOException {
            inner.close();
        }
    }
}
