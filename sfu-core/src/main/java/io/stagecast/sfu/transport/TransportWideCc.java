package io.stagecast.sfu.transport;

import io.stagecast.sfu.rtcp.TransportCcFeedback;
import io.stagecast.sfu.rtp.RtpPacket;

/**
 * Transport-wide congestion control (draft-holmer-rmcat-transport-wide-cc-extensions-01) for one
 * transport, both ways: the sequence we stamp on what we send (the subscriber's estimate measures
 * our path), and the feedback on what the peer stamps (the publisher's send-side estimator reads
 * nothing else: we send no REMB, so without it the estimate collapses to its floor, issue 8 item 0).
 * A plain object; the transport sends the feedback it builds. Event loop only; no allocation.
 */
final class TransportWideCc {
    private final int rtcpSenderSsrc;
    /** Transport-wide sequence for what we send (draft-holmer 3.1). */
    private int outgoingSeq;
    /** The extension id the peer stamps with, and the feedback on it; null until enabled. */
    private int incomingId;
    private TransportCcFeedback feedback;

    TransportWideCc(int rtcpSenderSsrc) {
        this.rtcpSenderSsrc = rtcpSenderSsrc;
    }

    /**
     * Writes the next transport-wide sequence number into {@code packet}'s transport-cc element and
     * returns it, or -1 when the packet has no such element (then no number is used up: a skipped
     * one would read as a loss in the subscriber's feedback).
     */
    int stamp(RtpPacket packet, int transportCcId) {
        if (transportCcId <= 0 || !packet.setTransportSequenceNumber(transportCcId, outgoingSeq)) {
            return -1;
        }
        int stamped = outgoingSeq;
        outgoingSeq = (outgoingSeq + 1) & 0xFFFF;
        return stamped;
    }

    /**
     * Feedback for the ids the peer stamps with extension {@code extensionId}. Called for every
     * producer that negotiated the extension; BUNDLE gives them all one id, the first wins.
     */
    void enableFeedback(int extensionId) {
        if (extensionId > 0 && feedback == null) {
            incomingId = extensionId;
            feedback = new TransportCcFeedback(rtcpSenderSsrc, 0);
        }
    }

    /** Records the arrival of a packet the peer sent, if it carries a transport-wide sequence. */
    void onReceived(RtpPacket rtp, long nowNanos) {
        if (feedback == null) {
            return;
        }
        int twccOffset = rtp.extensionOffset(incomingId);
        if (twccOffset >= 0 && rtp.extensionLength(incomingId) == 2) {
            byte[] b = rtp.buffer();
            int seq = ((b[twccOffset] & 0xFF) << 8) | (b[twccOffset + 1] & 0xFF);
            feedback.setMediaSsrc(rtp.ssrc());
            feedback.onPacket(seq, nowNanos / 1000);
        }
    }

    /** Whether {@link #buildFeedback} would write a packet. */
    boolean hasPendingFeedback() {
        return feedback != null && feedback.hasPending();
    }

    /** Writes one feedback packet (see {@link TransportCcFeedback#build}); 0 when nothing to send. */
    int buildFeedback(byte[] dst, int off, int maxLength) {
        return feedback == null ? 0 : feedback.build(dst, off, maxLength);
    }
}
