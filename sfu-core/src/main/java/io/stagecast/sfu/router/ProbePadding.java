package io.stagecast.sfu.router;

import io.stagecast.sfu.rtp.RtpPacket;
import io.stagecast.sfu.transport.Transport;

/**
 * Padding-only RTP packets for a bandwidth probe (RFC 3550 5.1: P bit, the last byte counts the
 * padding, at most 255 bytes), sent on a video consumer's RTX stream (RFC 4588: its own sequence
 * numbers, so the media stream shows no gap; libwebrtc discards padding-only packets after
 * counting them for its feedback). Each carries the subscriber's transport-wide sequence, which
 * is all the estimator needs: the probe is judged by when the packets arrive. Written into pooled
 * send buffers; no allocation.
 */
final class ProbePadding {
    /** RFC 3550 5.1: the padding count is one byte. */
    static final int MAX_PADDING = 255;
    /** Header 12 + one-byte extension block with the transport-cc element 8. */
    static final int HEADER_BYTES = 20;

    private ProbePadding() {
    }

    /**
     * Sends one padding packet of about {@code bytes} (padding clamped to 1..255) on
     * {@code consumer}'s RTX stream, reported to the estimator with {@code cluster}; returns the
     * bytes sent, 0 when it could not be sent.
     */
    static int send(Consumer consumer, int bytes, int cluster, long nowNanos) {
        Transport transport = consumer.transport;
        int padding = Math.max(1, Math.min(MAX_PADDING, bytes - HEADER_BYTES));
        byte[] b = transport.sender().sendScratch();
        int base = 0;
        int len = write(b, base, consumer.spec.rtxPayloadType(), consumer.nextRtxSequence(),
                consumer.sequence.lastTimestampOut(), consumer.spec.rtxSsrc(), consumer.transportCcId, padding);
        RtpPacket packet = consumer.rewriter.view().wrap(b, base, len);
        if (consumer.link.stamp(packet, consumer.transportCcId, cluster, nowNanos) < 0) {
            return 0;
        }
        consumer.countSent(len);
        transport.sender().sendPadding(packet);
        return len;
    }

    /** Writes the packet at {@code off}; returns its length. */
    static int write(byte[] b, int off, int payloadType, int seq, long timestamp, int ssrc, int transportCcId, int padding) {
        b[off] = (byte) 0xB0; // V=2, P, X
        b[off + 1] = (byte) payloadType;
        b[off + 2] = (byte) (seq >> 8);
        b[off + 3] = (byte) seq;
        b[off + 4] = (byte) (timestamp >> 24);
        b[off + 5] = (byte) (timestamp >> 16);
        b[off + 6] = (byte) (timestamp >> 8);
        b[off + 7] = (byte) timestamp;
        b[off + 8] = (byte) (ssrc >> 24);
        b[off + 9] = (byte) (ssrc >> 16);
        b[off + 10] = (byte) (ssrc >> 8);
        b[off + 11] = (byte) ssrc;
        b[off + 12] = (byte) 0xBE; // RFC 8285 one-byte form, one word
        b[off + 13] = (byte) 0xDE;
        b[off + 14] = 0;
        b[off + 15] = 1;
        b[off + 16] = (byte) (transportCcId << 4 | 1); // the sequence is written by the stamp
        b[off + 17] = 0;
        b[off + 18] = 0;
        b[off + 19] = 0;
        int end = off + HEADER_BYTES + padding;
        java.util.Arrays.fill(b, off + HEADER_BYTES, end - 1, (byte) 0);
        b[end - 1] = (byte) padding;
        return HEADER_BYTES + padding;
    }
}
