package io.stagecast.sfu.client;

/** Sees bytes a {@link SyntheticPeer} received, on its receive thread; copy what must outlive the call. */
@FunctionalInterface
public interface ReceivedDatagramListener {
    void onDatagram(byte[] buf, int len);
}
