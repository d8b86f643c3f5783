package io.stagecast.sfu.rtcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RtcpCompoundTest {
    private final RtcpCompound compound = new RtcpCompound();
    private final byte[] buf = new byte[1500];

    private int twoPackets() {
        int at = RtcpWriters.writeReceiverReport(buf, 0, 1, new ReportBlock[0], 0);
        return at + RtcpWriters.writePli(buf, at, 1, 2);
    }

    @Test
    void wellFormedCompoundEndsWithoutMalformed() {
        int len = twoPackets();
        compound.wrap(buf, 0, len);
        assertTrue(compound.next());
        assertTrue(compound.next());
        assertEquals(8, compound.packetOffset());
        assertFalse(compound.next());
        assertFalse(compound.isMalformed());
    }

    @Test
    void lengthFieldBeyondTheDatagramStopsIteration() {
        int len = twoPackets();
        BigEndian.put16(buf, 10, 10); // PLI claims 44 bytes
        compound.wrap(buf, 0, len);
        assertTrue(compound.next(), "the first packet is still fine");
        assertFalse(compound.next());
        assertTrue(compound.isMalformed());
        assertFalse(compound.next());
    }

    @Test
    void zeroLengthFieldIsMalformed() {
        int len = twoPackets();
        BigEndian.put16(buf, 2, 0);
        compound.wrap(buf, 0, len);
        assertFalse(compound.next());
        assertTrue(compound.isMalformed());
    }

    @Test
    void emptyDatagramIsMalformed() {
        compound.wrap(buf, 0, 0);
        assertFalse(compound.next());
        assertTrue(compound.isMalformed());
    }

    @Test
    void truncatedDatagramIsMalformed() {
        int len = twoPackets();
        for (int cut = 1; cut < len; cut++) {
            if (cut == 8) {
                continue; // a whole first packet
            }
            compound.wrap(buf, 0, cut);
            while (compound.next()) {
                assertTrue(compound.packetOffset() + compound.packetLength() <= cut);
            }
            assertTrue(compound.isMalformed(), "cut at " + cut);
        }
    }

    @Test
    void wrongVersionIsMalformed() {
        int len = twoPackets();
        buf[0] = (byte) (buf[0] & 0x3F | 0x40);
        compound.wrap(buf, 0, len);
        assertFalse(compound.next());
        assertTrue(compound.isMalformed());
    }

    @Test
    void paddingIsExcludedFromTheContentAndABadCountIsMalformed() {
        int len = RtcpWriters.writePli(buf, 0, 1, 2);
        buf[len] = 0;
        buf[len + 1] = 0;
        buf[len + 2] = 0;
        buf[len + 3] = 4;
        buf[0] |= 0x20;
        BigEndian.put16(buf, 2, 3);
        compound.wrap(buf, 0, 16);
        assertTrue(compound.next());
        assertEquals(16, compound.packetLength());
        assertEquals(12, compound.contentLength());
        buf[15] = 0;
        compound.wrap(buf, 0, 16);
        assertFalse(compound.next());
        assertTrue(compound.isMalformed());
        buf[15] = 17;
        compound.wrap(buf, 0, 16);
        assertFalse(compound.next());
        assertTrue(compound.isMalformed());
    }

    @Test
    void invalidWrapArgumentsAreMalformedNotThrown() {
        compound.wrap(buf, 1400, 200);
        assertFalse(compound.next());
        assertTrue(compound.isMalformed());
        compound.wrap(null, 0, 10);
        assertFalse(compound.next());
        compound.wrap(buf, -1, 10);
        assertFalse(compound.next());
    }

    @Test
    void validatorsRejectBodiesTooShortForTheirCounts() {
        int len = RtcpWriters.writeReceiverReport(buf, 0, 1, new ReportBlock[0], 0);
        buf[0] |= 2; // claims two report blocks in an 8-byte packet
        assertEquals(-1, RtcpReaders.reportBlockCount(buf, 0, len));
        len = RtcpWriters.writeRemb(buf, 0, 1, 1000, new int[] {1}, 1);
        buf[16] = 5; // claims five SSRCs
        assertEquals(-1, RtcpReaders.rembSsrcCount(buf, 0, len));
        assertEquals(-1, RtcpReaders.nackCount(buf, 0, 12));
        assertEquals(-1, RtcpReaders.firCount(buf, 0, 12));
    }

    /** A compound holding one of every packet type the readers know. */
    private static int everyType(byte[] b) {
        int at = 0;
        ReportBlock block = new ReportBlock().set(3, 4, 5, 6, 7, 8, 9);
        at += RtcpWriters.writeSenderReport(b, at, 1, 2, 3, 4, 5, new ReportBlock[] {block}, 1);
        at += RtcpWriters.writeSdesCname(b, at, 1, "cname".getBytes(StandardCharsets.US_ASCII));
        at += RtcpWriters.writeNack(b, at, 1, 2, new int[] {1, 3, 40}, 3);
        at += RtcpWriters.writePli(b, at, 1, 2);
        at += RtcpWriters.writeFir(b, at, 1, 2, 3);
        at += RtcpWriters.writeRemb(b, at, 1, 500_000, new int[] {2, 3}, 2);
        TransportCcFeedback tcc = new TransportCcFeedback(1, 2);
        for (int i = 0; i < 40; i++) {
            if (i % 5 != 2) {
                tcc.onPacket(i, 1000L * i + (i % 3 == 0 ? 90_000 : 0));
            }
        }
        at += tcc.build(b, at, 300);
        at += RtcpWriters.writeBye(b, at, new int[] {1, 2}, 2);
        return at;
    }

    @Test
    void randomGarbageNeverThrows() {
        SplittableRandom random = new SplittableRandom(7);
        byte[] garbage = new byte[256];
        Visitor visitor = new Visitor();
        for (int i = 0; i < 100_000; i++) {
            random.nextBytes(garbage);
            int off = random.nextInt(16);
            if (random.nextBoolean()) {
                // Get past the version, padding and length checks to reach the type readers.
                garbage[off] = (byte) (0x80 | garbage[off] & 0x1F);
                garbage[off + 1] = (byte) (200 + random.nextInt(7));
                garbage[off + 2] = 0;
            }
            visitor.visitAll(compound.wrap(garbage, off, random.nextInt(garbage.length - off + 1)));
        }
        assertTrue(visitor.packets > 1000, "some garbage should frame as packets: " + visitor.packets);
    }

    @Test
    void mutatedValidCompoundsNeverThrow() {
        byte[] valid = new byte[1500];
        int len = everyType(valid);
        Visitor visitor = new Visitor();
        visitor.visitAll(compound.wrap(valid, 0, len));
        assertFalse(compound.isMalformed());
        assertEquals(8, visitor.packets);
        assertEquals(40, visitor.tccStatuses, "sequence numbers 0..39, every fifth one lost");
        SplittableRandom random = new SplittableRandom(11);
        byte[] mutated = new byte[len];
        for (int i = 0; i < 100_000; i++) {
            System.arraycopy(valid, 0, mutated, 0, len);
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                mutated[random.nextInt(len)] = (byte) random.nextInt(256);
            }
            visitor.visitAll(compound.wrap(mutated, 0, random.nextInt(len / 2, len + 1)));
        }
        assertTrue(visitor.tccStatuses > 100_000);
    }

    /** Calls every reader the way a receive path would: validator first, then gated getters. */
    private static final class Visitor implements LostSequenceConsumer, TransportCcStatusConsumer {
        long sink;
        int packets;
        long tccStatuses;

        void visitAll(RtcpCompound c) {
            while (c.next()) {
                packets++;
                byte[] b = c.buffer();
                int off = c.packetOffset();
                int len = c.contentLength();
                sink += c.packetType() + c.fmt() + c.senderSsrc() + c.mediaSsrc();
                if (RtcpReaders.isSenderReport(b, off, len)) {
                    sink += RtcpReaders.srNtpTimestamp(b, off) + RtcpReaders.srOctetCount(b, off);
                }
                int blocks = RtcpReaders.reportBlockCount(b, off, len);
                ReportBlock block = new ReportBlock();
                for (int i = 0; i < blocks; i++) {
                    sink += RtcpReaders.readReportBlock(b, off, i, block).jitter;
                }
                int cname = RtcpReaders.sdesCnameOffset(b, off, len);
                if (cname >= 0) {
                    sink += RtcpReaders.sdesItemLength(b, cname);
                }
                for (int i = 0, n = RtcpReaders.byeSsrcCount(b, off, len); i < n; i++) {
                    sink += RtcpReaders.byeSsrc(b, off, i);
                }
                sink += RtcpReaders.forEachNackedSeq(b, off, len, this);
                for (int i = 0, n = RtcpReaders.firCount(b, off, len); i < n; i++) {
                    sink += RtcpReaders.firSsrc(b, off, i) + RtcpReaders.firSeqNr(b, off, i);
                }
                for (int i = 0, n = RtcpReaders.rembSsrcCount(b, off, len); i < n; i++) {
                    sink += RtcpReaders.rembSsrc(b, off, i) + RtcpReaders.rembBitrate(b, off);
                }
                if (RtcpReaders.isPli(b, off, len)) {
                    sink++;
                }
                if (RtcpReaders.isTransportCc(b, off, len)) {
                    sink += RtcpReaders.tccBaseSeq(b, off) + RtcpReaders.tccFeedbackCount(b, off);
                    sink += RtcpReaders.forEachTransportCcStatus(b, off, len, this);
                }
            }
        }

        @Override
        public void onLost(int seq) {
            sink += seq;
        }

        @Override
        public void onStatus(int seq, boolean received, long receiveTimeMicros) {
            tccStatuses++;
            sink += receiveTimeMicros;
        }
    }

    @Test
    void wrappingAtAnOffsetReadsOnlyTheWindow() {
        byte[] b = new byte[100];
        Arrays.fill(b, (byte) 0xFF);
        int len = RtcpWriters.writePli(b, 30, 1, 2);
        compound.wrap(b, 30, len);
        assertTrue(compound.next());
        assertEquals(30, compound.packetOffset());
        assertFalse(compound.next());
        assertFalse(compound.isMalformed());
    }
}
