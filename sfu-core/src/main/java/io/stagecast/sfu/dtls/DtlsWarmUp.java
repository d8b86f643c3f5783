package io.stagecast.sfu.dtls;

import io.stagecast.sfu.srtp.SrtpMasterKeys;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One DTLS-SRTP handshake between two in-memory sessions with the node's certificate, at start-up:
 * BouncyCastle's TLS classes, ECDHE and ECDSA, the cipher suites and the key exporter load then,
 * not during the first peer's handshake (which a browser times from its ClientHello).
 */
public final class DtlsWarmUp {
    private static final long TIMEOUT_SECONDS = 20;

    private DtlsWarmUp() {
    }

    /** The keys the server side derived (for an SRTP warm-up); throws if the handshake fails. */
    public static SrtpMasterKeys handshake(DtlsCertificate certificate) {
        ExecutorService threads = Executors.newFixedThreadPool(4, task -> {
            Thread thread = new Thread(task, "dtls-warm-up");
            thread.setDaemon(true);
            return thread;
        });
        Keys serverKeys = new Keys();
        Keys clientKeys = new Keys();
        DtlsSession[] ends = new DtlsSession[2];
        String hex = certificate.fingerprintHex();
        ends[0] = new DtlsSession(certificate, DtlsRole.SERVER, CertificateFingerprint.SHA_256, hex,
                datagram -> ends[1].receive(datagram, 0, datagram.length), serverKeys, threads);
        ends[1] = new DtlsSession(certificate, DtlsRole.CLIENT, CertificateFingerprint.SHA_256, hex,
                datagram -> ends[0].receive(datagram, 0, datagram.length), clientKeys, threads);
        try {
            ends[0].start();
            ends[1].start();
            clientKeys.result.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return serverKeys.result.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the DTLS warm-up", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("DTLS warm-up handshake failed", e);
        } finally {
            ends[0].close();
            ends[1].close();
            threads.shutdown();
        }
    }

    private static final class Keys implements DtlsListener {
        final CompletableFuture<SrtpMasterKeys> result = new CompletableFuture<>();

        @Override
        public void onConnected(SrtpMasterKeys keys) {
            result.complete(keys);
        }

        @Override
        public void onFailed(String reason, Throwable cause) {
            result.completeExceptionally(new IllegalStateException(reason, cause));
        }

        @Override
        public void onClosed() {
        }
    }
}
