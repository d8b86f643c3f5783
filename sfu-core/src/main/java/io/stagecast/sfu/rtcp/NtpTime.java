package io.stagecast.sfu.rtcp;

/**
 * 64-bit NTP timestamps (RFC 5905 6): seconds since 1900 in the high 32 bits, fraction in the low.
 * Sender reports carry the full value; LSR in report blocks is its middle 32 bits (RFC 3550 6.4.1).
 */
public final class NtpTime {
    /** Seconds from 1900-01-01 (NTP era 0) to 1970-01-01 (Unix epoch). */
    public static final long UNIX_EPOCH_OFFSET_SECONDS = 2_208_988_800L;

    private NtpTime() {
    }

    public static long fromUnixMillis(long ms) {
        long seconds = Math.floorDiv(ms, 1000L) + UNIX_EPOCH_OFFSET_SECONDS;
        long fraction = (Math.floorMod(ms, 1000L) << 32) / 1000L;
        return seconds << 32 | fraction;
    }

    public static long toUnixMillis(long ntp64) {
        long seconds = (ntp64 >>> 32) - UNIX_EPOCH_OFFSET_SECONDS;
        long millis = ((ntp64 & 0xFFFF_FFFFL) * 1000L + (1L << 31)) >>> 32;
        return seconds * 1000L + millis;
    }

    /** The compact form used by LSR: 16 bits of seconds, 16 bits of fraction. */
    public static int middle32(long ntp64) {
        return (int) (ntp64 >>> 16);
    }
}
