package io.stagecast.sfu.srtp;

/**
 * The rollover counter and replay state of one SRTP stream (one SSRC, one direction), which turn
 * the 16-bit RTP sequence number into SRTP's 48-bit packet index (RFC 3711 3.3.1).
 *
 * <p>Both directions estimate the index the same way: the receiver as RFC 3711 appendix A says, the
 * sender so that a retransmitted packet from before a sequence number wrap is protected under the
 * rollover counter it was first sent with. Like jitsi-srtp and libsrtp, a new stream starts with
 * rollover counter 0 at its first sequence number.
 */
final class RtpStreamIndex {
    private static final int HALF = 1 << 15;

    final ReplayWindow window = new ReplayWindow();
    /** Sending streams only: which indices protected which packet (null on receiving streams). */
    final ProtectedIndexLog protectedLog;

    RtpStreamIndex() {
        this(false);
    }

    RtpStreamIndex(boolean sending) {
        this.protectedLog = sending ? new ProtectedIndexLog() : null;
    }

    /**
     * The packet index of sequence number {@code seq}: the one closest to the highest index seen so
     * far. Returns -1 if that would be before rollover counter 0.
     */
    long estimate(int seq) {
        long highest = window.highest();
        if (highest < 0) {
            return seq;
        }
        long roc = highest >>> 16;
        int last = (int) (highest & 0xFFFF);
        long v = roc;
        if (last < HALF) {
            if (seq - last > HALF) {
                v = roc - 1;
            }
        } else if (last - HALF > seq) {
            v = roc + 1;
        }
        return v < 0 ? -1 : (v << 16) | seq;
    }
}
