package io.stagecast.sfu.client;

import io.stagecast.sfu.transport.Transport;
import io.stagecast.sfu.transport.TransportListener;

import java.util.concurrent.CompletableFuture;

/** Remembers what a transport reported: when it connected, and why it closed. */
final class RecordingTransportListener implements TransportListener {
    final CompletableFuture<Transport> connected = new CompletableFuture<>();
    final CompletableFuture<String> closed = new CompletableFuture<>();

    @Override
    public void onConnected(Transport transport) {
        connected.complete(transport);
    }

    @Override
    public void onClosed(Transport transport, String reason) {
        closed.complete(reason);
    }
}
