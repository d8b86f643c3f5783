package io.stagecast.sfu.router;

import java.util.Arrays;

/**
 * What a consumer sent, by our sequence number, for mapping a subscriber's NACK back to the
 * cached packet and rebuilding it: the input sequence and layer it came from, the timestamp and
 * picture-ID shift it was sent with, the transport-wide sequence and abs-send-time it was stamped
 * with (a resend without RTX must repeat its bytes exactly), and when it was last resent.
 * {@value #SIZE} packets: as many as the producer's cache holds, and as far back as SRTP can check
 * a resend ({@link io.stagecast.sfu.srtp.ProtectedIndexLog}). Parallel arrays; no allocation.
 */
final class ForwardedPackets {
    static final int SIZE = 512;
    static final long NEVER = Long.MIN_VALUE;

    final int[] seqOut = new int[SIZE];
    final int[] seqIn = new int[SIZE];
    final int[] tsOut = new int[SIZE];
    final byte[] layer = new byte[SIZE];
    /** -1 when the packet carried no such element. */
    final int[] transportSeq = new int[SIZE];
    final int[] absSendTime = new int[SIZE];
    /** {@link PictureIdContinuity#currentShift} at the first send. */
    final int[] pictureShift = new int[SIZE];
    final long[] resentNanos = new long[SIZE];

    ForwardedPackets() {
        Arrays.fill(seqOut, -1);
        Arrays.fill(resentNanos, NEVER);
    }

    /** Records a first send; returns its slot for the fields stamped afterwards. */
    int record(int out, int in, long ts, int fromLayer) {
        int h = out & (SIZE - 1);
        seqOut[h] = out;
        seqIn[h] = in;
        tsOut[h] = (int) ts;
        layer[h] = (byte) fromLayer;
        resentNanos[h] = NEVER;
        transportSeq[h] = -1;
        absSendTime[h] = -1;
        pictureShift[h] = 0;
        return h;
    }

    /** The slot holding our sequence number {@code out}, or -1 when it is gone. */
    int slotOf(int out) {
        int h = out & (SIZE - 1);
        return seqOut[h] == out ? h : -1;
    }
}
