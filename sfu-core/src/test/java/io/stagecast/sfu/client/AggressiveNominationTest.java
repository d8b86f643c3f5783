package io.stagecast.sfu.client;

import io.stagecast.sfu.MediaConfig;
import io.stagecast.sfu.dtls.DtlsCertificate;
import io.stagecast.sfu.dtls.DtlsListener;
import io.stagecast.sfu.dtls.DtlsRole;
import io.stagecast.sfu.dtls.DtlsSession;
import io.stagecast.sfu.buffer.PacketBuffer;
import io.stagecast.sfu.metrics.DropReason;
import io.stagecast.sfu.srtp.SrtpMasterKeys;
import io.stagecast.sfu.srtp.SrtpResult;
import io.stagecast.sfu.srtp.SrtpTransformer;
import io.stagecast.sfu.stun.StunBindingClient;
import io.stagecast.sfu.transport.RemoteDtlsParameters;
import io.stagecast.sfu.transport.Transport;
import io.stagecast.sfu.transport.TransportState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static io.stagecast.sfu.client.LoopbackNode.PATIENCE;
import static io.stagecast.sfu.client.LoopbackNode.onLoop;
import static io.stagecast.sfu.client.LoopbackNode.stateOf;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 8 item 15: Firefox nominates every pair it checks (aggressive nomination), ~20 ms apart,
 * and uses the highest-priority one. The node must end on that pair whatever order the nominations
 * arrive in (RFC 8445 8.1.1), send there, and accept DTLS and SRTP from every address that passed a
 * check meanwhile. Three sockets of one peer play three candidates of different priority.
 */
class AggressiveNominationTest {
    /** RFC 8445 5.1.2.1 priorities of three host candidates with decreasing local preference. */
    private static final long[] PRIORITIES = {
        (126L << 24) | (30000L << 8) | 255,
        (126L << 24) | (40000L << 8) | 255,
        (126L << 24) | (50000L << 8) | 255,
    };
    private static final int LOWEST = 0;
    private static final int HIGHEST = 2;
    private static final long NOMINATION_GAP_MILLIS = 20;
    private static LoopbackNode loopback;
    private static final ExecutorService threads = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "nomination-test");
        thread.setDaemon(true);
        return thread;
    });

    @BeforeAll
    static void startNode() throws InterruptedException {
        loopback = new LoopbackNode(MediaConfig.loopback());
    }

    @AfterAll
    static void stopNode() {
        loopback.close();
        threads.shutdownNow();
    }

    @ParameterizedTest(name = "nominations in {0} priority order")
    @ValueSource(strings = {"ascending", "descending"})
    void highestPriorityNominationWinsAndEveryValidatedAddressMaySpeak(String order) throws Exception {
        DtlsCertificate ours = DtlsCertificate.generate();
        Transport transport = loopback.node.createTransport(0, new RecordingTransportListener()); // on loop 0: address() names its port
        transport.setRemoteDtls(new RemoteDtlsParameters(DtlsRole.SERVER, "sha-256", ours.fingerprintHex()));
        List<DatagramSocket> candidates = new ArrayList<>();
        try {
            for (int i = 0; i < PRIORITIES.length; i++) {
                candidates.add(socket());
            }
            StunBindingClient stun = new StunBindingClient(transport.iceParameters().ufrag() + ":ffox",
                    transport.iceParameters().password());
            for (int step = 0; step < PRIORITIES.length; step++) {
                int i = order.equals("ascending") ? step : PRIORITIES.length - 1 - step;
                check(stun, candidates.get(i), PRIORITIES[i]);
                Thread.sleep(NOMINATION_GAP_MILLIS);
            }
            InetSocketAddress highest = (InetSocketAddress) candidates.get(HIGHEST).getLocalSocketAddress();
            assertEquals(highest, onLoop(transport, transport::remoteAddress), "the highest-priority nominated pair");

            // DTLS from the lowest pair (validated, not selected); the node answers to the selected one.
            double unknownBefore = loopback.drops(DropReason.UNKNOWN_SOURCE);
            SrtpMasterKeys keys = handshakeFrom(candidates.get(LOWEST), candidates.get(HIGHEST), ours);
            LoopbackNode.eventually("the transport connects", () -> stateOfQuietly(transport) == TransportState.CONNECTED);

            // SRTCP from the lowest pair is accepted too: authenticated, not an unknown source.
            double authBefore = loopback.drops(DropReason.SRTP_AUTH_FAILED);
            sendReceiverReport(candidates.get(LOWEST), keys);
            check(stun, candidates.get(LOWEST), PRIORITIES[LOWEST]); // answered after the report: it was read
            assertEquals(unknownBefore, loopback.drops(DropReason.UNKNOWN_SOURCE));
            assertEquals(authBefore, loopback.drops(DropReason.SRTP_AUTH_FAILED));
            assertEquals(highest, onLoop(transport, transport::remoteAddress), "a lower nomination does not move it");
        } finally {
            LoopbackNode.closeAndSettle(transport);
            candidates.forEach(DatagramSocket::close);
        }
    }

    private static DatagramSocket socket() throws SocketException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(500);
        return socket;
    }

    /** A nominating check from {@code from}, sent until the node answers it. */
    private static void check(StunBindingClient stun, DatagramSocket from, long priority) throws IOException {
        byte[] in = new byte[1500];
        for (int attempt = 0; attempt < 20; attempt++) {
            byte[] request = stun.request(true, true, 7, priority);
            from.send(new DatagramPacket(request, request.length, loopback.address()));
            DatagramPacket answer = new DatagramPacket(in, in.length);
            try {
                from.receive(answer);
                if (stun.isSuccessResponse(answer.getData(), 0, answer.getLength())) {
                    return;
                }
            } catch (SocketTimeoutException lost) {
                // again
            }
        }
        throw new IOException("check not answered");
    }

    /** A DTLS client that sends from {@code sendFrom} and reads the node's answers on {@code readOn}. */
    private static SrtpMasterKeys handshakeFrom(DatagramSocket sendFrom, DatagramSocket readOn, DtlsCertificate ours)
            throws Exception {
        CompletableFuture<SrtpMasterKeys> keys = new CompletableFuture<>();
        DtlsSession client = new DtlsSession(ours, DtlsRole.CLIENT, "sha-256",
                loopback.node.dtlsFingerprint().split(" ")[1], datagram -> {
                    try {
                        sendFrom.send(new DatagramPacket(datagram, datagram.length, loopback.address()));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, new DtlsListener() {
                    @Override
                    public void onConnected(SrtpMasterKeys k) {
                        keys.complete(k);
                    }

                    @Override
                    public void onFailed(String reason, Throwable cause) {
                        keys.completeExceptionally(new IOException(reason, cause));
                    }

                    @Override
                    public void onClosed() {
                    }
                }, threads);
        threads.execute(() -> {
            byte[] in = new byte[2048];
            while (!keys.isDone()) {
                DatagramPacket datagram = new DatagramPacket(in, in.length);
                try {
                    readOn.receive(datagram);
                    int first = in[0] & 0xFF;
                    if (first >= 20 && first <= 63) {
                        client.receive(in, 0, datagram.getLength());
                    }
                } catch (SocketTimeoutException idle) {
                    // look at keys again
                } catch (IOException closed) {
                    return;
                }
            }
        });
        client.start();
        return keys.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void sendReceiverReport(DatagramSocket from, SrtpMasterKeys keys) throws IOException {
        SrtpTransformer srtp = new SrtpTransformer(keys);
        try {
            PacketBuffer rr = new PacketBuffer();
            byte[] b = rr.getBuffer();
            b[0] = (byte) 0x80;
            b[1] = (byte) 201;
            b[3] = 1;
            b[7] = 42;
            rr.setLength(8);
            assertEquals(SrtpResult.OK, srtp.protectRtcp(rr));
            from.send(new DatagramPacket(rr.getBuffer(), rr.getOffset(), rr.getLength(), loopback.address()));
        } finally {
            srtp.close();
        }
    }

    private static TransportState stateOfQuietly(Transport transport) {
        try {
            return stateOf(transport);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
