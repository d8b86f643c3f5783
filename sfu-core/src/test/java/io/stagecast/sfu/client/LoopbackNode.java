package io.stagecast.sfu.client;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stagecast.sfu.MediaConfig;
import io.stagecast.sfu.MediaNode;
import io.stagecast.sfu.dtls.DtlsRole;
import io.stagecast.sfu.metrics.DropReason;
import io.stagecast.sfu.transport.RemoteDtlsParameters;
import io.stagecast.sfu.transport.Transport;
import io.stagecast.sfu.transport.TransportState;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/** A media node on 127.0.0.1 and the steps every test takes to put a synthetic peer on it. */
final class LoopbackNode implements AutoCloseable {
    /** Generous: only a failing test waits this long, and a cold JVM on a busy machine needs it. */
    static final Duration PATIENCE = Duration.ofSeconds(10);

    final MediaNode node;

    LoopbackNode(MediaConfig config) throws InterruptedException {
        node = MediaNode.start(config, new SimpleMeterRegistry());
    }

    /** The port of media loop 0: for datagrams from strangers, and for transports made on loop 0. */
    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), node.port());
    }

    /** Where {@code transport}'s peer sends: the port of the media loop that owns it. */
    static InetSocketAddress address(Transport transport) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), transport.localPort());
    }

    /** A transport that expects {@code peer}'s certificate, with the DTLS role opposite to the peer's. */
    Transport transportFor(SyntheticPeer peer, RecordingTransportListener listener) {
        return transportExpecting(peer, peer.fingerprintHex(), listener);
    }

    Transport transportExpecting(SyntheticPeer peer, String fingerprintHex, RecordingTransportListener listener) {
        Transport transport = node.createTransport(listener);
        DtlsRole ours = peer.dtlsRole() == DtlsRole.CLIENT ? DtlsRole.SERVER : DtlsRole.CLIENT;
        transport.setRemoteDtls(new RemoteDtlsParameters(ours, "sha-256", fingerprintHex));
        return transport;
    }

    CompletableFuture<Void> connect(SyntheticPeer peer, Transport transport) {
        return peer.connect(address(transport), transport.iceParameters().ufrag(), transport.iceParameters().password(),
                node.dtlsFingerprint());
    }

    /** Connects both ends and waits until each has its SRTP keys. */
    Transport connected(SyntheticPeer peer) throws Exception {
        return connected(peer, -1);
    }

    /** As {@link #connected(SyntheticPeer)}, on media loop {@code loop} (-1: the node's choice). */
    Transport connected(SyntheticPeer peer, int loop) throws Exception {
        RecordingTransportListener listener = new RecordingTransportListener();
        Transport transport = loop < 0 ? node.createTransport(listener) : node.createTransport(loop, listener);
        DtlsRole ours = peer.dtlsRole() == DtlsRole.CLIENT ? DtlsRole.SERVER : DtlsRole.CLIENT;
        transport.setRemoteDtls(new RemoteDtlsParameters(ours, "sha-256", peer.fingerprintHex()));
        connect(peer, transport).get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        listener.connected.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        return transport;
    }

    /** Reads transport state on its event loop, where it is written. */
    static <T> T onLoop(Transport transport, Supplier<T> read) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        transport.execute(() -> result.complete(read.get()));
        return result.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    }

    static TransportState stateOf(Transport transport) throws Exception {
        return onLoop(transport, transport::state);
    }

    /** Waits until everything queued on the media loop so far (router changes) has run. */
    static void settle(Transport transport) throws Exception {
        onLoop(transport, () -> Boolean.TRUE);
    }

    /**
     * Waits until the router's work queued so far on these transports' loops has run, including
     * what one loop hands to another (a consumer on another loop than its producer asks the
     * producer's loop for a replica feed): twice round every loop involved.
     */
    static void settle(Transport... transports) throws Exception {
        for (int round = 0; round < 2; round++) {
            for (Transport transport : transports) {
                settle(transport);
            }
        }
    }

    /** Closes a transport and waits until it is gone, so the next test counts from a settled node. */
    static void closeAndSettle(Transport transport) {
        transport.close();
        try {
            settle(transport);
        } catch (Exception e) {
            throw new IllegalStateException("media loop did not run the close", e);
        }
    }

    double drops(DropReason reason) {
        return node.metrics().drops(reason);
    }

    double totalDrops() {
        double sum = 0;
        for (DropReason reason : DropReason.values()) {
            sum += drops(reason);
        }
        return sum;
    }

    double dtlsHandshakes(String result) {
        return node.metrics().registry().get("stagecast.dtls.handshakes").tag("result", result).counter().count();
    }

    static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        eventually(what, PATIENCE, condition);
    }

    static void eventually(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within " + within.toMillis() + " ms: " + what);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        node.close();
    }
}
