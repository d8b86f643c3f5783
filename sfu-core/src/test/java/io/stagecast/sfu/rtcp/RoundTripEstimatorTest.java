package io.stagecast.sfu.rtcp;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RTT = arrival - LSR - DLSR (RFC 3550 6.4.1), in 1/65536 s. */
class RoundTripEstimatorTest {
    private static final long UNIT = 65_536; // 1 s in LSR/DLSR units

    @Test
    void roundTripFromLsrAndDlsrThenSmoothed() {
        RoundTripEstimator rtt = new RoundTripEstimator(ssrc -> true);
        assertEquals(-1, rtt.rttNanos());
        long lsr = 1000 * UNIT;
        // The peer held our SR 0.5 s; the report arrives 0.55 s after the SR left: 50 ms round trip.
        rtt.onSample(lsr, UNIT / 2, lsr + UNIT * 55 / 100);
        assertEquals(50_000_000L, rtt.rttNanos(), 20_000);
        // A 130 ms sample moves the estimate by an eighth of the difference.
        rtt.onSample(lsr, UNIT / 2, lsr + UNIT * 63 / 100);
        assertEquals(60_000_000L, rtt.rttNanos(), 40_000);
    }

    @Test
    void wrapsLikeTheFieldsAndIgnoresImpossibleBlocks() {
        RoundTripEstimator rtt = new RoundTripEstimator(ssrc -> true);
        long lsr = 0xFFFF_FFFFL - UNIT / 100; // our clock's middle 32 bits wrap between SR and report
        rtt.onSample(lsr, 0, (lsr + UNIT / 10) & 0xFFFF_FFFFL);
        assertEquals(100_000_000L, rtt.rttNanos(), 40_000);
        rtt.onSample(lsr, UNIT, lsr + UNIT / 2); // DLSR longer than the elapsed time: not a round trip
        rtt.onSample(0, 0, UNIT); // no SR received yet
        assertEquals(100_000_000L, rtt.rttNanos(), 40_000);
    }

    @Test
    void onlyReportBlocksAboutOurStreamsCount() {
        int ours = 0x1234;
        RoundTripEstimator rtt = new RoundTripEstimator(ssrc -> ssrc == ours);
        long now = NtpTime.middle32(NtpTime.fromUnixMillis(System.currentTimeMillis())) & 0xFFFF_FFFFL;
        long lsr = (now - UNIT / 5) & 0xFFFF_FFFFL; // our SR left 200 ms ago; held 150 ms
        ReportBlock[] blocks = {
            new ReportBlock().set(0x9999, 0, 0, 0, 0, lsr, 0), // someone else's: 200 ms, ignored
            new ReportBlock().set(ours, 0, 0, 0, 0, lsr, UNIT * 15 / 100),
        };
        byte[] buf = new byte[256];
        int len = RtcpWriters.writeReceiverReport(buf, 0, 0x7777, blocks, blocks.length);
        RtcpCompound rtcp = new RtcpCompound().wrap(buf, 0, len);
        assertTrue(rtcp.next());
        rtt.onReportBlocks(rtcp);
        // 50 ms, give or take the milliseconds this test took between the two clock readings.
        assertTrue(rtt.rttNanos() >= 45_000_000L && rtt.rttNanos() < 150_000_000L, "rtt " + rtt.rttNanos());
    }
}
