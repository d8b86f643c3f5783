package io.stagecast.sfu.rtcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReceiveStatisticsTest {
    private static final int CLOCK = 90_000;
    private static final long FRAME_NANOS = 20_000_000L;
    private static final int FRAME_TICKS = 1_800;

    private final ReceiveStatistics stats = new ReceiveStatistics(0xABCD, CLOCK);
    private final ReportBlock block = new ReportBlock();

    @Test
    void nothingToReportBeforeTheFirstPacket() {
        assertFalse(stats.fillReportBlock(block, 0));
    }

    @Test
    void everyTenthPacketLostAcrossTheWrap() {
        for (int i = 0; i < 1000; i++) {
            if (i % 10 != 5) {
                stats.onPacket((65_000 + i) & 0xFFFF, 1000L + i * FRAME_TICKS, i * FRAME_NANOS);
            }
        }
        assertTrue(stats.fillReportBlock(block, 1000 * FRAME_NANOS));
        assertEquals(0xABCD, block.ssrc);
        assertEquals(100 * 256 / 1000, block.fractionLost);
        assertEquals(100, block.cumulativeLost);
        assertEquals(0x1_0000L + ((65_000 + 999) & 0xFFFF), block.extendedHighestSeq);
        assertEquals(0, block.jitter, "perfectly paced stream");
        assertEquals(0, block.lastSr);
        assertEquals(0, block.delaySinceLastSr);

        // Next interval: no loss; the fraction restarts, the cumulative count stays.
        for (int i = 1000; i < 1100; i++) {
            stats.onPacket((65_000 + i) & 0xFFFF, 1000L + i * FRAME_TICKS, i * FRAME_NANOS);
        }
        stats.fillReportBlock(block, 1100 * FRAME_NANOS);
        assertEquals(0, block.fractionLost);
        assertEquals(100, block.cumulativeLost);
    }

    @Test
    void halfLostIntervalGives128() {
        for (int i = 0; i < 200; i += 2) {
            stats.onPacket(i, i * FRAME_TICKS, i * FRAME_NANOS);
        }
        stats.onPacket(199, 199 * FRAME_TICKS, 199 * FRAME_NANOS);
        stats.fillReportBlock(block, 0);
        assertEquals(99, block.cumulativeLost);
        assertEquals(99 * 256 / 200, block.fractionLost);
    }

    @Test
    void alternatingTwoMillisecondDelayConvergesToThatJitter() {
        // |D| is 2 ms = 180 ticks for every packet, so J converges to 180 (RFC 3550 A.8).
        for (int i = 0; i < 500; i++) {
            long arrival = i * FRAME_NANOS + (i % 2 == 0 ? 0 : 2_000_000L);
            stats.onPacket(i, 0xFFFF_F000L + (long) i * FRAME_TICKS & 0xFFFF_FFFFL, arrival);
        }
        stats.fillReportBlock(block, 500 * FRAME_NANOS);
        assertTrue(Math.abs(block.jitter - 180) <= 2, "jitter " + block.jitter);
        assertEquals(0, block.cumulativeLost);
    }

    @Test
    void jitterFollowsTheFirstDifferenceBySixteenth() {
        stats.onPacket(0, 0, 0);
        stats.onPacket(1, FRAME_TICKS, FRAME_NANOS + 16_000_000L);
        // 16 ms late is D = 1440 ticks; J = 0 + (1440 - 0) / 16.
        assertEquals(90, stats.jitter());
    }

    @Test
    void duplicatesAndLateRetransmissionsAreNotLoss() {
        for (int i = 0; i < 50; i++) {
            if (i != 10) {
                stats.onPacket(i, i * FRAME_TICKS, i * FRAME_NANOS);
            }
        }
        stats.onPacket(10, 10 * FRAME_TICKS, 60 * FRAME_NANOS); // retransmission, late
        stats.onPacket(20, 20 * FRAME_TICKS, 61 * FRAME_NANOS); // duplicate
        stats.fillReportBlock(block, 62 * FRAME_NANOS);
        assertEquals(0, block.fractionLost);
        assertEquals(-1, block.cumulativeLost, "A.3: duplicates make the count negative");
        assertEquals(0, block.jitter, "late packets are not counted as jitter");
    }

    @Test
    void senderReportGivesLsrAndDlsr() {
        long ntp = NtpTime.fromUnixMillis(1_700_000_000_000L);
        stats.onPacket(1, 0, 0);
        stats.onSenderReport(ntp, 5_000_000_000L);
        stats.fillReportBlock(block, 6_500_000_000L);
        assertEquals(NtpTime.middle32(ntp) & 0xFFFF_FFFFL, block.lastSr);
        assertEquals(98_304, block.delaySinceLastSr, "1.5 s in 1/65536 s units");
    }

    @Test
    void sequenceRestartIsBelievedOnlyWhenConfirmed() {
        for (int i = 0; i < 10; i++) {
            stats.onPacket(i, i * FRAME_TICKS, i * FRAME_NANOS);
        }
        stats.onPacket(30_000, 0, 10 * FRAME_NANOS); // a stray packet: ignored
        stats.onPacket(10, 10 * FRAME_TICKS, 11 * FRAME_NANOS);
        stats.fillReportBlock(block, 0);
        assertEquals(10, block.extendedHighestSeq);
        stats.onPacket(40_000, 0, 12 * FRAME_NANOS);
        stats.onPacket(40_001, FRAME_TICKS, 13 * FRAME_NANOS); // confirmed: a new baseline
        stats.fillReportBlock(block, 0);
        assertEquals(40_001, block.extendedHighestSeq);
        assertEquals(0, block.cumulativeLost);
    }
}
