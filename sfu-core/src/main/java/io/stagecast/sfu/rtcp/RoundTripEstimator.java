package io.stagecast.sfu.rtcp;

import java.util.function.IntPredicate;

/**
 * The round trip to a peer from the report blocks it sends about our streams (RFC 3550 6.4.1):
 * RTT = arrival - LSR - DLSR, in 1/65536 s, smoothed as 7/8 old + 1/8 new.
 *
 * <p>Only blocks about SSRCs we send count ({@code aboutOurStreams}): a block about anything else
 * echoes someone else's sender report. Event loop only; no allocation.
 */
public final class RoundTripEstimator {
    private final IntPredicate aboutOurStreams;
    private long rttNanos = -1;

    /** @param aboutOurStreams whether a report block's SSRC is one we send (media or RTX) */
    public RoundTripEstimator(IntPredicate aboutOurStreams) {
        this.aboutOurStreams = aboutOurStreams;
    }

    /** Smoothed round trip, -1 before the first sample. */
    public long rttNanos() {
        return rttNanos;
    }

    /** The report blocks of the SR or RR {@code rtcp} is positioned on, arrived now. */
    public void onReportBlocks(RtcpCompound rtcp) {
        byte[] b = rtcp.buffer();
        int off = rtcp.packetOffset();
        int blocks = RtcpReaders.reportBlockCount(b, off, rtcp.packetLength());
        for (int i = 0; i < blocks; i++) {
            long lsr = RtcpReaders.blockLastSr(b, off, i);
            if (lsr == 0 || !aboutOurStreams.test(RtcpReaders.blockSsrc(b, off, i))) {
                continue;
            }
            long now = NtpTime.middle32(NtpTime.fromUnixMillis(System.currentTimeMillis())) & 0xFFFF_FFFFL;
            onSample(lsr, RtcpReaders.blockDelaySinceLastSr(b, off, i), now);
        }
    }

    /**
     * One report block's LSR and DLSR (unsigned 32-bit) that arrived at {@code nowMiddle32} (the
     * middle 32 bits of our NTP clock, as LSR is written).
     */
    public void onSample(long lsr, long dlsr, long nowMiddle32) {
        if (lsr == 0) {
            return; // no sender report received yet: DLSR measures nothing
        }
        int rtt = (int) (nowMiddle32 - lsr - dlsr); // wraps like the fields
        if (rtt < 0) {
            return; // clocks stepped or a forged block: not a round trip
        }
        long sample = rtt * 1_000_000_000L / 65_536;
        rttNanos = rttNanos < 0 ? sample : (7 * rttNanos + sample) / 8;
    }
}
