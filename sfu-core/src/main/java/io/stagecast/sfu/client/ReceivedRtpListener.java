package io.stagecast.sfu.client;

import io.stagecast.sfu.rtp.RtpPacket;

/**
 * Sees every RTP packet a {@link SyntheticPeer} receives, after SRTP authenticated and decrypted
 * it: for checks {@link ReceivedStream} does not keep (payload contents, latency stamps).
 */
@FunctionalInterface
public interface ReceivedRtpListener {
    /**
     * Called on the peer's receive thread. The view and its bytes are reused for the next
     * packet: copy what must outlive the call, and return quickly.
     */
    void onRtp(RtpPacket packet, long receivedNanos);
}
