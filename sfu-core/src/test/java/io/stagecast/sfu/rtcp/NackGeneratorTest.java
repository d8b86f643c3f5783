package io.stagecast.sfu.rtcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NackGeneratorTest {
    private static final long MS = 1_000_000L;
    private static final long RTT = 50 * MS;

    private final NackGenerator nacks = new NackGenerator(256, 5);
    private final int[] out = new int[64];

    private int[] collect(long now) {
        return Arrays.copyOf(out, nacks.collect(now, RTT, out));
    }

    @Test
    void gapIsNackedOnce() {
        nacks.onPacket(100, 0);
        nacks.onPacket(101, 0);
        nacks.onPacket(104, MS);
        assertArrayEquals(new int[] {102, 103}, collect(2 * MS));
        assertArrayEquals(new int[0], collect(3 * MS), "not again within one round trip");
        assertEquals(2, nacks.missingCount());
    }

    @Test
    void aRestartedStreamForgetsItsGapsAndNacksNothingSkippedOver() {
        nacks.onPacket(100, 0);
        nacks.onPacket(102, 0); // 101 missing
        nacks.restart();
        nacks.onPacket(140, 600 * MS); // resumed after a pause its sender chose
        nacks.onPacket(141, 610 * MS);
        assertArrayEquals(new int[0], collect(620 * MS), "neither 101 nor 103..139");
        assertEquals(0, nacks.missingCount());
        assertEquals(0, nacks.gaveUpCount(), "nothing was lost");
        nacks.onPacket(143, 630 * MS);
        assertArrayEquals(new int[] {142}, collect(640 * MS), "a gap after the restart is NACKed");
    }

    @Test
    void retransmissionClearsTheGap() {
        nacks.onPacket(100, 0);
        nacks.onPacket(103, 0);
        collect(MS);
        nacks.onPacket(101, 30 * MS);
        assertArrayEquals(new int[] {102}, collect(60 * MS));
        nacks.onPacket(102, 70 * MS);
        assertArrayEquals(new int[0], collect(200 * MS));
        assertEquals(0, nacks.missingCount());
        assertEquals(2, nacks.recoveredCount());
    }

    @Test
    void retriesStopAfterMaxRetries() {
        nacks.onPacket(1, 0);
        nacks.onPacket(3, 0);
        int asked = 0;
        for (long t = 0; t < 2000 * MS; t += 10 * MS) {
            asked += collect(t).length;
        }
        assertEquals(5, asked);
        assertEquals(0, nacks.missingCount());
        assertEquals(1, nacks.gaveUpCount());
    }

    @Test
    void gapsOlderThanTheTrackedWindowAreForgotten() {
        nacks.onPacket(0, 0);
        nacks.onPacket(2, 0); // 1 missing
        for (int seq = 3; seq < 3 + 256; seq++) {
            nacks.onPacket(seq, 0);
        }
        assertArrayEquals(new int[0], collect(MS));
        assertEquals(1, nacks.gaveUpCount());
    }

    @Test
    void jumpWiderThanTheWindowIsADiscontinuityNotANackStorm() {
        nacks.onPacket(0, 0);
        nacks.onPacket(2, 0);
        nacks.onPacket(5000, 0);
        assertArrayEquals(new int[0], collect(MS));
        assertEquals(1, nacks.gaveUpCount());
        nacks.onPacket(5002, 0);
        assertArrayEquals(new int[] {5001}, collect(2 * MS));
    }

    @Test
    void gapAcrossTheWrapIsNacked() {
        nacks.onPacket(65_533, 0);
        nacks.onPacket(2, 0);
        assertArrayEquals(new int[] {65_534, 65_535, 0, 1}, collect(MS));
        nacks.onPacket(65_535, 2 * MS); // late packet from before the wrap
        nacks.onPacket(0, 2 * MS);
        assertArrayEquals(new int[] {65_534, 1}, collect(100 * MS));
    }

    @Test
    void reorderedPacketBeforeCollectIsNeverNacked() {
        nacks.onPacket(10, 0);
        nacks.onPacket(12, 0);
        nacks.onPacket(11, 0);
        assertArrayEquals(new int[0], collect(MS));
    }

    @Test
    void collectStopsAtTheOutputCapacity() {
        nacks.onPacket(0, 0);
        nacks.onPacket(100, 0);
        int[] small = new int[10];
        assertEquals(10, nacks.collect(MS, RTT, small));
        assertEquals(1, small[0]);
        assertEquals(10, nacks.collect(MS, RTT, small));
        assertEquals(11, small[0], "the rest come next, oldest first");
    }

    @Test
    void collectedSeqsPackIntoANack() {
        nacks.onPacket(100, 0);
        nacks.onPacket(104, 0);
        nacks.onPacket(130, 0);
        int n = nacks.collect(MS, RTT, out);
        byte[] buf = new byte[100];
        int len = RtcpWriters.writeNack(buf, 0, 1, 2, out, n);
        assertEquals(2, RtcpReaders.nackCount(buf, 0, len));
        assertEquals(101, RtcpReaders.nackPid(buf, 0, 0));
        assertEquals(0xFFFB, RtcpReaders.nackBlp(buf, 0, 0), "102, 103, then 105..117; 104 arrived");
        assertEquals(118, RtcpReaders.nackPid(buf, 0, 1));
        assertEquals(0x07FF, RtcpReaders.nackBlp(buf, 0, 1), "119..129");
    }

    @Test
    void invalidConfigurationIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new NackGenerator(1, 5));
        assertThrows(IllegalArgumentException.class, () -> new NackGenerator(256, 0));
    }
}
