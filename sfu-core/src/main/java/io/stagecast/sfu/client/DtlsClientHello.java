package io.stagecast.sfu.client;

import io.stagecast.sfu.dtls.DtlsCertificate;
import io.stagecast.sfu.dtls.DtlsListener;
import io.stagecast.sfu.dtls.DtlsRole;
import io.stagecast.sfu.dtls.DtlsSession;
import io.stagecast.sfu.srtp.SrtpMasterKeys;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The first flight of a DTLS client as the node sees a browser's first DTLS datagram: what tests
 * that play a half-open peer (one ClientHello, then silence) send.
 */
public final class DtlsClientHello {
    private DtlsClientHello() {
    }

    /** A fresh ClientHello from a client with a new certificate, made by our own DTLS client. */
    public static byte[] make(Duration patience) throws Exception {
        CompletableFuture<byte[]> first = new CompletableFuture<>();
        DtlsCertificate certificate = DtlsCertificate.generate();
        DtlsSession client = new DtlsSession(certificate, DtlsRole.CLIENT, "sha-256", certificate.fingerprintHex(),
                first::complete, new DtlsListener() {
                    @Override
                    public void onConnected(SrtpMasterKeys keys) {
                    }

                    @Override
                    public void onFailed(String reason, Throwable cause) {
                    }

                    @Override
                    public void onClosed() {
                    }
                }, task -> new Thread(task, "client-hello").start());
        client.start();
        try {
            return first.get(patience.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            client.close();
        }
    }
}
