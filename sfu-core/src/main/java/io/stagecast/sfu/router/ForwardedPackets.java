package io.stagecast.sfu.router;

/**
 * What a consumer sent, by our sequence number, for mapping a subscriber's NACK back to the
 * cached packet and rebuilding it: the input sequence and layer it came from, the timestamp and
 * picture-ID shift it was sent with, the transport-wide sequence and abs-send-time it was stamped
 * with (a resend without RTX must repeat its bytes exactly), and when it was last resent.
 * {@value #SIZE} packets: as many as the producer's cache holds, and as far back as SRTP can check
 * a resend ({@link io.stagecast.sfu.srtp.ProtectedIndexLog}). No allocation.
 *
 * <p>A slot's fields sit side by side, 32 bytes in one int array, so recording a send writes one
 * cache line: with a hundred subscribers and more, each consumer's history is cold by the time
 * its next packet comes, and eight parallel arrays were eight misses per subscriber packet.
 */
final class ForwardedPackets {
    static final int SIZE = 512;
    private static final int STRIDE = 8;
    private static final int SEQ_OUT = 0;
    private static final int SEQ_IN = 1;
    private static final int TS_OUT = 2;
    private static final int LAYER = 3;
    private static final int TRANSPORT_SEQ = 4;
    private static final int ABS_SEND_TIME = 5;
    private static final int PICTURE_SHIFT = 6;
    /** When last resent, in units of 2^20 ns (~1.05 ms; a resend interval is a round trip); 0: never. */
    private static final int RESENT = 7;
    private static final int RESENT_SHIFT = 20;

    private final int[] slots = new int[SIZE * STRIDE];

    ForwardedPackets() {
        for (int i = 0; i < slots.length; i += STRIDE) {
            slots[i + SEQ_OUT] = -1;
        }
    }

    /** Records a first send; returns its slot for the fields stamped afterwards. */
    int record(int out, int in, long ts, int fromLayer) {
        int h = out & (SIZE - 1);
        int at = h * STRIDE;
        slots[at + SEQ_OUT] = out;
        slots[at + SEQ_IN] = in;
        slots[at + TS_OUT] = (int) ts;
        slots[at + LAYER] = fromLayer;
        slots[at + TRANSPORT_SEQ] = -1;
        slots[at + ABS_SEND_TIME] = -1;
        slots[at + PICTURE_SHIFT] = 0;
        slots[at + RESENT] = 0;
        return h;
    }

    /** The slot holding our sequence number {@code out}, or -1 when it is gone. */
    int slotOf(int out) {
        int h = out & (SIZE - 1);
        return slots[h * STRIDE + SEQ_OUT] == out ? h : -1;
    }

    int seqIn(int h) {
        return slots[h * STRIDE + SEQ_IN];
    }

    /** The 32-bit timestamp it was sent with, unsigned. */
    long tsOut(int h) {
        return slots[h * STRIDE + TS_OUT] & 0xFFFFFFFFL;
    }

    int layer(int h) {
        return slots[h * STRIDE + LAYER];
    }

    /** -1 when the packet carried no transport-wide sequence number. */
    int transportSeq(int h) {
        return slots[h * STRIDE + TRANSPORT_SEQ];
    }

    void setTransportSeq(int h, int seq) {
        slots[h * STRIDE + TRANSPORT_SEQ] = seq;
    }

    /** -1 when the packet carried no abs-send-time. */
    int absSendTime(int h) {
        return slots[h * STRIDE + ABS_SEND_TIME];
    }

    void setAbsSendTime(int h, int value) {
        slots[h * STRIDE + ABS_SEND_TIME] = value;
    }

    /** {@link PictureIdContinuity#currentShift} at the first send. */
    int pictureShift(int h) {
        return slots[h * STRIDE + PICTURE_SHIFT];
    }

    void setPictureShift(int h, int shift) {
        slots[h * STRIDE + PICTURE_SHIFT] = shift;
    }

    /** Whether slot {@code h} was resent less than {@code intervalNanos} before {@code nowNanos}. */
    boolean resentWithin(int h, long nowNanos, long intervalNanos) {
        int resent = slots[h * STRIDE + RESENT];
        if (resent == 0) {
            return false;
        }
        // Wrap-safe difference of two 32-bit unit counts (they wrap every ~52 days).
        long units = (intervalNanos + (1L << RESENT_SHIFT) - 1) >> RESENT_SHIFT;
        return resentUnits(nowNanos) - resent < units;
    }

    void markResent(int h, long nowNanos) {
        slots[h * STRIDE + RESENT] = resentUnits(nowNanos);
    }

    private static int resentUnits(long nowNanos) {
        int units = (int) (nowNanos >> RESENT_SHIFT);
        return units == 0 ? 1 : units;
    }
}
