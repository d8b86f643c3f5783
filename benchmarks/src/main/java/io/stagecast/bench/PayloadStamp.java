package io.stagecast.bench;

/**
 * The publisher's send time ({@link System#nanoTime}) inside a synthetic payload, after the VP8
 * payload descriptor and header bytes: a two-byte mark at offset 2, the time at offset 4.
 * Publisher and viewers share the host's clock, so the difference is the forwarding latency.
 */
final class PayloadStamp {
    static final int LENGTH = 12;
    private static final byte MARK_0 = 0x5A;
    private static final byte MARK_1 = (byte) 0xA5;

    private PayloadStamp() {
    }

    static void write(byte[] payload, long nanos) {
        payload[2] = MARK_0;
        payload[3] = MARK_1;
        for (int i = 0; i < 8; i++) {
            payload[4 + i] = (byte) (nanos >>> (56 - 8 * i));
        }
    }

    /** The stamped time, or 0 when the payload carries none. */
    static long read(byte[] buf, int off, int len) {
        if (len < LENGTH || buf[off + 2] != MARK_0 || buf[off + 3] != MARK_1) {
            return 0;
        }
        long nanos = 0;
        for (int i = 0; i < 8; i++) {
            nanos = (nanos << 8) | (buf[off + 4 + i] & 0xFF);
        }
        return nanos;
    }
}
