package io.stagecast.sfu.rtp;

/** Arithmetic on 16-bit RTP sequence numbers, which wrap (RFC 3550 A.1). */
public final class SequenceNumbers {
    private static final int HALF = 0x8000;

    private SequenceNumbers() {
    }

    /**
     * Signed distance {@code a - b} in the 16-bit circle, in -32768..32767: positive when
     * {@code a} comes after {@code b}. Only the low 16 bits of the arguments count.
     */
    public static int diff(int a, int b) {
        return (short) (a - b);
    }

    /**
     * Whether {@code a} comes after {@code b}. Two numbers exactly half the circle apart are
     * ambiguous; as libwebrtc does, the numerically larger one is taken as newer, so that exactly
     * one of {@code isNewer(a, b)} and {@code isNewer(b, a)} holds whenever they differ.
     */
    public static boolean isNewer(int a, int b) {
        int d = diff(a, b);
        if (d == -HALF) {
            return (a & 0xFFFF) > (b & 0xFFFF);
        }
        return d > 0;
    }
}
