package io.stagecast.sfu.rtcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RtcpWritersTest {
    private final byte[] buf = new byte[1500];
    private final RtcpCompound compound = new RtcpCompound();

    private RtcpCompound single(int off, int len) {
        compound.wrap(buf, off, len);
        assertTrue(compound.next());
        assertEquals(len, compound.packetLength());
        assertFalse(compound.next());
        assertFalse(compound.isMalformed());
        return compound;
    }

    private static ReportBlock block(int seed) {
        return new ReportBlock().set(0xF0000000 | seed, 17 + seed, -5 - seed, 0x0001_FFFFL + seed,
                3000L + seed, 0xDEADBEEFL, 0x0001_8000L + seed);
    }

    @Test
    void senderReportRoundTripsEveryField() {
        long ntp = NtpTime.fromUnixMillis(1_700_000_000_123L);
        ReportBlock[] blocks = {block(1), block(2)};
        int len = RtcpWriters.writeSenderReport(buf, 10, 0x89ABCDEF, ntp, 0xFFFF_FFF0L, 4_000_000_000L,
                0xFFFF_FFFFL, blocks, 2);
        assertEquals(28 + 48, len);
        single(10, len);
        assertEquals(RtcpCompound.PT_SR, compound.packetType());
        assertEquals(2, compound.fmt());
        assertTrue(RtcpReaders.isSenderReport(buf, 10, len));
        assertEquals(0x89ABCDEF, RtcpReaders.srSsrc(buf, 10));
        assertEquals(0x89ABCDEF, compound.senderSsrc());
        assertEquals(ntp, RtcpReaders.srNtpTimestamp(buf, 10));
        assertEquals(ntp >>> 32, RtcpReaders.srNtpMsw(buf, 10));
        assertEquals(ntp & 0xFFFF_FFFFL, RtcpReaders.srNtpLsw(buf, 10));
        assertEquals(0xFFFF_FFF0L, RtcpReaders.srRtpTimestamp(buf, 10));
        assertEquals(4_000_000_000L, RtcpReaders.srPacketCount(buf, 10));
        assertEquals(0xFFFF_FFFFL, RtcpReaders.srOctetCount(buf, 10));
        assertEquals(2, RtcpReaders.reportBlockCount(buf, 10, len));
        for (int i = 0; i < 2; i++) {
            assertBlockEquals(blocks[i], RtcpReaders.readReportBlock(buf, 10, i, new ReportBlock()));
        }
    }

    @Test
    void senderReportWithoutBlocksIs28Bytes() {
        int len = RtcpWriters.writeSenderReport(buf, 0, 1, 2L, 3, 4, 5);
        assertEquals(28, len);
        single(0, len);
        assertEquals(0, RtcpReaders.reportBlockCount(buf, 0, len));
        assertEquals(2L, RtcpReaders.srNtpTimestamp(buf, 0));
    }

    @Test
    void receiverReportRoundTripsEveryBlockField() {
        ReportBlock[] blocks = {block(7), block(8), block(9)};
        blocks[1].cumulativeLost = ReportBlock.MAX_CUMULATIVE_LOST;
        blocks[2].cumulativeLost = ReportBlock.MIN_CUMULATIVE_LOST;
        int len = RtcpWriters.writeReceiverReport(buf, 0, 0x12345678, blocks, 3);
        assertEquals(8 + 72, len);
        single(0, len);
        assertEquals(RtcpCompound.PT_RR, compound.packetType());
        assertEquals(0x12345678, compound.senderSsrc());
        assertFalse(RtcpReaders.isSenderReport(buf, 0, len));
        assertEquals(3, RtcpReaders.reportBlockCount(buf, 0, len));
        ReportBlock read = new ReportBlock();
        for (int i = 0; i < 3; i++) {
            assertBlockEquals(blocks[i], RtcpReaders.readReportBlock(buf, 0, i, read));
        }
    }

    @Test
    void cumulativeLostBeyond24BitsIsClamped() {
        ReportBlock b = block(1);
        b.cumulativeLost = 50_000_000;
        int len = RtcpWriters.writeReceiverReport(buf, 0, 1, new ReportBlock[] {b}, 1);
        assertEquals(ReportBlock.MAX_CUMULATIVE_LOST, RtcpReaders.blockCumulativeLost(buf, 0, 0));
        assertEquals(32, len);
    }

    private static void assertBlockEquals(ReportBlock expected, ReportBlock actual) {
        assertEquals(expected.toString(), actual.toString());
    }

    @Test
    void sdesCnameRoundTripsAndEndsOnAWordWithANullOctet() {
        for (int n = 0; n < 12; n++) {
            byte[] cname = "abcdefghijkl".substring(0, n).getBytes(StandardCharsets.US_ASCII);
            Arrays.fill(buf, (byte) 0x55);
            int len = RtcpWriters.writeSdesCname(buf, 4, 0x0BADF00D, cname);
            assertEquals(0, len % 4);
            assertEquals(0, buf[4 + 10 + n], "item list must end with a null octet");
            single(4, len);
            assertEquals(RtcpCompound.PT_SDES, compound.packetType());
            assertEquals(1, compound.fmt());
            assertEquals(0x0BADF00D, compound.senderSsrc());
            int at = RtcpReaders.sdesCnameOffset(buf, 4, len);
            assertEquals(n, RtcpReaders.sdesItemLength(buf, at));
            assertArrayEquals(cname, Arrays.copyOfRange(buf, at, at + n));
        }
    }

    @Test
    void byeRoundTrips() {
        int len = RtcpWriters.writeBye(buf, 0, new int[] {1, 2, -3}, 3);
        single(0, len);
        assertEquals(3, RtcpReaders.byeSsrcCount(buf, 0, len));
        assertEquals(-3, RtcpReaders.byeSsrc(buf, 0, 2));
        len = RtcpWriters.writeBye(buf, 0, 42);
        single(0, len);
        assertEquals(1, RtcpReaders.byeSsrcCount(buf, 0, len));
        assertEquals(42, RtcpReaders.byeSsrc(buf, 0, 0));
    }

    @Test
    void pliRoundTrips() {
        int len = RtcpWriters.writePli(buf, 0, 11, 0xCAFEBABE);
        assertEquals(12, len);
        single(0, len);
        assertTrue(RtcpReaders.isPli(buf, 0, len));
        assertEquals(11, compound.senderSsrc());
        assertEquals(0xCAFEBABE, compound.mediaSsrc());
        assertEquals(-1, RtcpReaders.nackCount(buf, 0, len));
    }

    @Test
    void firCarriesTargetAndSequenceInTheFci() {
        int len = RtcpWriters.writeFir(buf, 0, 11, 0xCAFEBABE, 300);
        assertEquals(20, len);
        single(0, len);
        assertEquals(RtcpCompound.PT_PSFB, compound.packetType());
        assertEquals(RtcpReaders.FMT_FIR, compound.fmt());
        assertEquals(0, compound.mediaSsrc(), "RFC 5104 4.3.1.2: media source SSRC is unused");
        assertEquals(1, RtcpReaders.firCount(buf, 0, len));
        assertEquals(0xCAFEBABE, RtcpReaders.firSsrc(buf, 0, 0));
        assertEquals(300 & 0xFF, RtcpReaders.firSeqNr(buf, 0, 0));
        assertFalse(RtcpReaders.isPli(buf, 0, len));
    }

    @Test
    void rembRoundTripsBitrateAndSsrcs() {
        long[] rates = {0, 1, 0x3FFFF, 0x40000, 2_500_000, 1_000_000_000L, 123_456_789_012L};
        for (long rate : rates) {
            int len = RtcpWriters.writeRemb(buf, 0, 5, rate, new int[] {7, 8, 9}, 2);
            assertEquals(28, len);
            single(0, len);
            assertEquals(0, compound.mediaSsrc());
            assertEquals(2, RtcpReaders.rembSsrcCount(buf, 0, len));
            assertEquals(7, RtcpReaders.rembSsrc(buf, 0, 0));
            assertEquals(8, RtcpReaders.rembSsrc(buf, 0, 1));
            long read = RtcpReaders.rembBitrate(buf, 0);
            assertTrue(read <= rate && rate - read <= rate >>> 17, rate + " read back as " + read);
        }
        RtcpWriters.writeRemb(buf, 0, 5, 2_500_000, new int[0], 0);
        assertArrayEquals(new byte[] {'R', 'E', 'M', 'B'}, Arrays.copyOfRange(buf, 12, 16));
    }

    @Test
    void rembHasTheDraftLayout() {
        // 1 SSRC; 300000 bps = 0x493E0 needs 19 bits -> exponent 1, mantissa 0x249F0
        int len = RtcpWriters.writeRemb(buf, 0, 0x01020304, 300_000, new int[] {0x0A0B0C0D}, 1);
        byte[] expected = {
            (byte) 0x8F, (byte) 206, 0, 5, 1, 2, 3, 4, 0, 0, 0, 0, 'R', 'E', 'M', 'B',
            1, 0x06, 0x49, (byte) 0xF0, 0x0A, 0x0B, 0x0C, 0x0D};
        assertArrayEquals(expected, Arrays.copyOf(buf, len));
    }

    @Test
    void nackPacksSeqsWithin16OfThePidIntoOnePair() {
        int len = RtcpWriters.writeNack(buf, 0, 1, 2, new int[] {100, 101, 103, 116}, 4);
        byte[] expected = {(byte) 0x81, (byte) 205, 0, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 100, (byte) 0x80, 0x05};
        assertArrayEquals(expected, Arrays.copyOf(buf, len));
    }

    @Test
    void nackSeq17AfterThePidStartsASecondPair() {
        int len = RtcpWriters.writeNack(buf, 0, 1, 2, new int[] {100, 101, 103, 117}, 4);
        assertEquals(20, len);
        assertEquals(2, RtcpReaders.nackCount(buf, 0, len));
        assertEquals(100, RtcpReaders.nackPid(buf, 0, 0));
        assertEquals(0b101, RtcpReaders.nackBlp(buf, 0, 0));
        assertEquals(117, RtcpReaders.nackPid(buf, 0, 1));
        assertEquals(0, RtcpReaders.nackBlp(buf, 0, 1));
    }

    @Test
    void nackSeqsFarApartTakeOnePairEach() {
        int len = RtcpWriters.writeNack(buf, 0, 1, 2, new int[] {10, 40, 70}, 3);
        assertEquals(3, RtcpReaders.nackCount(buf, 0, len));
        for (int i = 0; i < 3; i++) {
            assertEquals(10 + 30 * i, RtcpReaders.nackPid(buf, 0, i));
            assertEquals(0, RtcpReaders.nackBlp(buf, 0, i));
        }
    }

    @Test
    void nackPacksAcrossTheSequenceWrap() {
        int len = RtcpWriters.writeNack(buf, 0, 1, 2, new int[] {65534, 65535, 0, 5}, 4);
        assertEquals(1, RtcpReaders.nackCount(buf, 0, len));
        assertEquals(65534, RtcpReaders.nackPid(buf, 0, 0));
        assertEquals(1 | 1 << 1 | 1 << 6, RtcpReaders.nackBlp(buf, 0, 0));
        List<Integer> lost = new ArrayList<>();
        assertEquals(4, RtcpReaders.forEachNackedSeq(buf, 0, len, lost::add));
        assertEquals(List.of(65534, 65535, 0, 5), lost);
    }

    @Test
    void nackRoundTripsAManySeqList() {
        int[] seqs = new int[200];
        for (int i = 0; i < seqs.length; i++) {
            seqs[i] = (65000 + i * 3 + (i % 7 == 0 ? 1 : 0)) & 0xFFFF;
        }
        int len = RtcpWriters.writeNack(buf, 0, 1, 2, seqs, seqs.length);
        single(0, len);
        List<Integer> lost = new ArrayList<>();
        RtcpReaders.forEachNackedSeq(buf, 0, len, lost::add);
        assertEquals(Arrays.stream(seqs).boxed().toList(), lost);
    }

    @Test
    void writersReturnMinusOneWhenThePacketDoesNotFit() {
        byte[] small = new byte[15];
        assertEquals(-1, RtcpWriters.writeSenderReport(small, 0, 1, 2, 3, 4, 5));
        assertEquals(-1, RtcpWriters.writePli(small, 4, 1, 2));
        assertEquals(-1, RtcpWriters.writeNack(small, 0, 1, 2, new int[] {1}, 1));
        assertEquals(-1, RtcpWriters.writeRemb(small, 0, 1, 1000, new int[0], 0));
        assertEquals(12, RtcpWriters.writePli(small, 3, 1, 2));
    }

    @Test
    void compoundOfAllWritersIteratesInOrder() {
        int at = 0;
        at += RtcpWriters.writeReceiverReport(buf, at, 1, new ReportBlock[] {block(1)}, 1);
        at += RtcpWriters.writeSdesCname(buf, at, 1, "x".getBytes(StandardCharsets.US_ASCII));
        at += RtcpWriters.writeNack(buf, at, 1, 2, new int[] {5}, 1);
        at += RtcpWriters.writePli(buf, at, 1, 2);
        at += RtcpWriters.writeFir(buf, at, 1, 2, 3);
        at += RtcpWriters.writeRemb(buf, at, 1, 1000, new int[] {2}, 1);
        at += RtcpWriters.writeBye(buf, at, 1);
        int[] expectedTypes = {201, 202, 205, 206, 206, 206, 203};
        compound.wrap(buf, 0, at);
        for (int type : expectedTypes) {
            assertTrue(compound.next());
            assertEquals(type, compound.packetType());
            assertEquals(1, compound.senderSsrc());
        }
        assertFalse(compound.next());
        assertFalse(compound.isMalformed());
    }

    @Test
    void ntpTimeConvertsUnixMillisBothWays() {
        long ntp = NtpTime.fromUnixMillis(0);
        assertEquals(NtpTime.UNIX_EPOCH_OFFSET_SECONDS << 32, ntp);
        long half = NtpTime.fromUnixMillis(1500);
        assertEquals((NtpTime.UNIX_EPOCH_OFFSET_SECONDS + 1) << 32 | 0x8000_0000L, half);
        assertEquals((int) ((NtpTime.UNIX_EPOCH_OFFSET_SECONDS + 1) & 0xFFFF) << 16 | 0x8000,
                NtpTime.middle32(half));
        for (long ms : new long[] {1, 999, 1_700_000_000_123L}) {
            assertEquals(ms, NtpTime.toUnixMillis(NtpTime.fromUnixMillis(ms)));
        }
    }
}
