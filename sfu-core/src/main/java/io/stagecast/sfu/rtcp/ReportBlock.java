package io.stagecast.sfu.rtcp;

/** One reception report block (RFC 3550 6.4.1); mutable and reused between reports. */
public final class ReportBlock {
    public static final int LENGTH = 24;
    /** Cumulative lost is a signed 24-bit field. */
    public static final int MAX_CUMULATIVE_LOST = 0x7F_FFFF;
    public static final int MIN_CUMULATIVE_LOST = -0x80_0000;

    public int ssrc;
    /** Lost fraction since the previous report, as a fixed-point number with 8 fraction bits. */
    public int fractionLost;
    public int cumulativeLost;
    /** Unsigned 32 bits: cycles in the high half, highest sequence number in the low half. */
    public long extendedHighestSeq;
    /** Interarrival jitter in RTP timestamp units (unsigned 32 bits). */
    public long jitter;
    /** Middle 32 bits of the last SR's NTP timestamp, 0 if none was received. */
    public long lastSr;
    /** Delay since that SR in units of 1/65536 s, 0 if none was received. */
    public long delaySinceLastSr;

    public ReportBlock set(int ssrc, int fractionLost, int cumulativeLost, long extendedHighestSeq,
            long jitter, long lastSr, long delaySinceLastSr) {
        this.ssrc = ssrc;
        this.fractionLost = fractionLost;
        this.cumulativeLost = cumulativeLost;
        this.extendedHighestSeq = extendedHighestSeq;
        this.jitter = jitter;
        this.lastSr = lastSr;
        this.delaySinceLastSr = delaySinceLastSr;
        return this;
    }

    @Override
    public String toString() {
        return "ReportBlock{ssrc=" + Integer.toUnsignedString(ssrc) + ", fractionLost=" + fractionLost
                + ", cumulativeLost=" + cumulativeLost + ", extendedHighestSeq=" + extendedHighestSeq
                + ", jitter=" + jitter + ", lastSr=" + lastSr + ", delaySinceLastSr=" + delaySinceLastSr + '}';
    }
}
