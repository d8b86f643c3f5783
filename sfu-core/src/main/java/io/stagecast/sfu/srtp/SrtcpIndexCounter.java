package io.stagecast.sfu.srtp;

/**
 * The SRTCP index of one sent stream (RFC 3711 3.4): 31 bits, starting at 0 as jitsi-srtp does.
 * DTLS-SRTP never rekeys, and 2^31 compound RTCP packets are decades of one stream, so at the end
 * it wraps rather than refusing to send; receivers would then treat the wrapped packets as replays.
 */
final class SrtcpIndexCounter {
    private int next;

    int next() {
        int index = next;
        next = (next + 1) & 0x7FFFFFFF;
        return index;
    }
}
