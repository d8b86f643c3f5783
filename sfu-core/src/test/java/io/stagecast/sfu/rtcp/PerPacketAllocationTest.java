package io.stagecast.sfu.rtcp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** The per-packet paths of this package must not allocate (DESIGN.md: flyweights, reused state). */
class PerPacketAllocationTest {
    private final TransportCcFeedback tcc = new TransportCcFeedback(1, 2);
    private final NackGenerator nacks = new NackGenerator(256, 5);
    private final ReceiveStatistics stats = new ReceiveStatistics(3, 90_000);
    private final RtcpCompound compound = new RtcpCompound();
    private final ReportBlock block = new ReportBlock();
    private final ReportBlock[] blocks = {block};
    private final int[] lost = new int[64];
    private final byte[] out = new byte[1500];
    private long sink;
    private final LostSequenceConsumer onLost = seq -> sink += seq;
    private final TransportCcStatusConsumer onStatus = (seq, received, time) -> sink += time;

    private void run(int from, int count) {
        for (int i = from; i < from + count; i++) {
            long now = i * 20_000_000L;
            if (i % 7 != 3) {
                tcc.onPacket(i & 0xFFFF, now / 1000);
                nacks.onPacket(i & 0xFFFF, now);
                stats.onPacket(i & 0xFFFF, i * 1800L, now);
            }
            if (i % 10 == 0) {
                int at = tcc.build(out, 0, 1200);
                int n = nacks.collect(now, 50_000_000L, lost);
                if (n > 0) {
                    at += RtcpWriters.writeNack(out, at, 1, 2, lost, n);
                }
                stats.fillReportBlock(block, now);
                at += RtcpWriters.writeReceiverReport(out, at, 1, blocks, 1);
                compound.wrap(out, 0, at);
                while (compound.next()) {
                    int off = compound.packetOffset();
                    int len = compound.contentLength();
                    sink += RtcpReaders.forEachNackedSeq(out, off, len, onLost);
                    sink += RtcpReaders.forEachTransportCcStatus(out, off, len, onStatus);
                    if (RtcpReaders.reportBlockCount(out, off, len) > 0) {
                        sink += RtcpReaders.readReportBlock(out, off, 0, block).jitter;
                    }
                }
            }
        }
    }

    @Test
    void steadyStateAllocatesNothing() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        run(0, 200_000); // warm up, and wrap the sequence numbers a few times
        long before = threads.getCurrentThreadAllocatedBytes();
        run(200_000, 100_000);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes for 100000 packets");
        assertTrue(sink != 0);
    }
}
