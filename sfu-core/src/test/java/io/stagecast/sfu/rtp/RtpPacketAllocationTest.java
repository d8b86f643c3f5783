package io.stagecast.sfu.rtp;

import static io.stagecast.sfu.rtp.RtpTestPackets.bytes;
import static io.stagecast.sfu.rtp.RtpTestPackets.oneByteBlock;
import static io.stagecast.sfu.rtp.RtpTestPackets.oneByteElement;
import static io.stagecast.sfu.rtp.RtpTestPackets.packet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class RtpPacketAllocationTest {
    private static final int PACKETS = 100_000;
    private static final byte[] MID_VALUE = {'v', 'i', 'd', 'e', 'o'};

    @Test
    void parsingRewritingAndRemappingAllocateNothing() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        byte[] template = packet(96, false, 1, 90_000, 0x1234, new int[0],
                oneByteBlock(oneByteElement(1, 'v', 'i', 'd', 'e', 'o'), oneByteElement(2, 0, 0, 0),
                        oneByteElement(3, 0x80 | 40), oneByteElement(5, 0, 0)),
                bytes(0x90, 0x80, 0x05, 0x50, 1, 2, 3), 0);
        byte[][] packets = new byte[64][];
        for (int i = 0; i < packets.length; i++) {
            packets[i] = template.clone();
        }
        byte[] rtxOut = new byte[1500];
        byte[] identityMap = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
        byte[] swapMap = {0, 1, 2, 5, 4, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14};
        RtpPacket rtp = new RtpPacket();

        long checksum = run(rtp, packets, rtxOut, identityMap, swapMap); // warm up the JIT
        checksum += run(rtp, packets, rtxOut, identityMap, swapMap);
        long before = threads.getThreadAllocatedBytes(thread);
        checksum += run(rtp, packets, rtxOut, identityMap, swapMap);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertTrue(checksum != 0);
        // A single allocation per packet would show as >= 1.6 MB; allow for the MXBean's own noise.
        assertTrue(allocated < 16_384, "allocated " + allocated + " bytes for " + PACKETS + " packets");
    }

    private static long run(RtpPacket rtp, byte[][] packets, byte[] rtxOut, byte[] identityMap, byte[] swapMap) {
        long sum = 0;
        for (int n = 0; n < PACKETS; n++) {
            byte[] p = packets[n & (packets.length - 1)];
            rtp.wrap(p, 0, p.length);
            if (!rtp.isValid()) {
                throw new AssertionError("template packet must be valid");
            }
            sum += rtp.sequenceNumber() + rtp.timestamp() + rtp.ssrc() + rtp.payloadType()
                    + rtp.payloadOffset() + rtp.payloadLength();
            if (rtp.extensionEquals(1, MID_VALUE)) {
                sum++;
            }
            sum += rtp.audioLevel(3) + rtp.audioLevel(5);
            rtp.remapExtensionIds((n & 1) == 0 ? swapMap : identityMap);
            rtp.setTransportSequenceNumber(5, n);
            rtp.setTransportSequenceNumber(3, n);
            rtp.setAbsSendTime(2, n * 1_000_000L);
            rtp.setSequenceNumber(n);
            rtp.setSsrc(n);
            sum += KeyframeDetector.isKeyframe(VideoCodec.VP8, p, rtp.payloadOffset(), rtp.payloadLength()) ? 1 : 0;
            sum += SequenceNumbers.diff(n, n - 1);
            sum += RtxPackets.toRtx(p, 0, p.length, rtxOut, 0, 97, 99, n);
        }
        return sum;
    }

    @Test
    void swapMapIsItsOwnInverse() {
        // guards the allocation test's premise that packets stay parseable between iterations
        byte[] p = packet(96, false, 1, 2, 3, new int[0],
                oneByteBlock(oneByteElement(3, 40), oneByteElement(5, 0, 0)), bytes(1), 0);
        RtpPacket rtp = new RtpPacket().wrap(p, 0, p.length);
        byte[] swapMap = {0, 1, 2, 5, 4, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14};
        rtp.remapExtensionIds(swapMap);
        assertEquals(40, rtp.audioLevel(5));
        rtp.remapExtensionIds(swapMap);
        assertEquals(40, rtp.audioLevel(3));
    }
}
