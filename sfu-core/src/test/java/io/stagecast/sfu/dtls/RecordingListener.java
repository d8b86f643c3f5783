package io.stagecast.sfu.dtls;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.stagecast.sfu.srtp.SrtpMasterKeys;

/** Records a session's outcome as futures a test can wait on. */
final class RecordingListener implements DtlsListener {

    final CompletableFuture<SrtpMasterKeys> connected = new CompletableFuture<>();
    final CompletableFuture<String> failed = new CompletableFuture<>();
    final CompletableFuture<Void> closed = new CompletableFuture<>();

    @Override
    public void onConnected(SrtpMasterKeys keys) {
        connected.complete(keys);
    }

    @Override
    public void onFailed(String reason, Throwable cause) {
        failed.complete(reason);
    }

    @Override
    public void onClosed() {
        closed.complete(null);
    }

    SrtpMasterKeys awaitKeys() throws Exception {
        return connected.get(10, TimeUnit.SECONDS);
    }

    String awaitFailure() throws Exception {
        return failed.get(10, TimeUnit.SECONDS);
    }
}
