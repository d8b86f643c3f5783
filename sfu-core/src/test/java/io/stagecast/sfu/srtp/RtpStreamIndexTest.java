package io.stagecast.sfu.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** RFC 3711 3.3.1 and appendix A: the rollover counter follows the sequence number wrap. */
class RtpStreamIndexTest {

    @Test
    void firstPacketStartsAtRolloverCounterZero() {
        assertEquals(65_000, new RtpStreamIndex().estimate(65_000));
    }

    @Test
    void wrapAdvancesTheRolloverCounterAndLatePacketsKeepTheOldOne() {
        RtpStreamIndex stream = new RtpStreamIndex();
        stream.window.accept(65_530);
        assertEquals(0x1_0002L, stream.estimate(2), "after the wrap");
        stream.window.accept(0x1_0002L);
        assertEquals(65_533, stream.estimate(65_533), "late packet from before the wrap");
        assertEquals(0x1_0003L, stream.estimate(3));
        assertEquals(0x1_8000L, stream.estimate(0x8000), "half way ahead still counts as this ROC");
    }

    @Test
    void indexBeforeRolloverCounterZeroIsImpossible() {
        RtpStreamIndex stream = new RtpStreamIndex();
        stream.window.accept(10);
        assertEquals(-1, stream.estimate(65_000));
    }

    @Test
    void laterRolloverCountersAreEstimatedFromTheHighestIndex() {
        RtpStreamIndex stream = new RtpStreamIndex();
        stream.window.accept(0x7_0010L);
        assertEquals(0x6_FFF0L, stream.estimate(0xFFF0));
        assertEquals(0x7_8010L, stream.estimate(0x8010), "exactly half ahead");
        assertEquals(0x6_9000L, stream.estimate(0x9000), "nearer behind than ahead");
    }
}
