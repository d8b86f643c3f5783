package io.stagecast.sfu.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecast.sfu.buffer.PacketBuffer;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Steady-state allocation of the whole SrtpTransformer path, protect plus unprotect, after warm-up:
 * RTP of every payload length from 0 to 1188 bytes, and SRTCP receiver reports. Both profiles allocate nothing
 * (AES-GCM since it no longer goes through the JDK's {@code Cipher.init}, which allocated about
 * 1.1 KB per packet). The bound of one byte per packet leaves room only for measurement noise.
 */
class SrtpAllocationTest {
    private static final double BYTES_PER_PACKET = 1.0;
    private static final int PACKETS = 20_000;

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void steadyStateRtpRoundTripAllocatesNothing(SrtpProfile profile) {
        SrtpTransformer[] peers = TestPackets.pair(profile);
        PacketBuffer pkt = new PacketBuffer();
        int[] seq = {0};
        rtpRoundTrips(peers, pkt, seq, 3 * PACKETS); // JIT warm-up; the first packet creates the streams
        double perPacket = allocatedPerPacket(() -> rtpRoundTrips(peers, pkt, seq, PACKETS));
        System.out.printf("%s: %.2f bytes allocated per RTP protect+unprotect%n", profile, perPacket);
        assertTrue(perPacket < BYTES_PER_PACKET, profile + " allocated " + perPacket + " bytes per RTP packet");
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void steadyStateRtcpRoundTripAllocatesNothing(SrtpProfile profile) {
        SrtpTransformer[] peers = TestPackets.pair(profile);
        PacketBuffer pkt = new PacketBuffer();
        rtcpRoundTrips(peers, pkt, 3 * PACKETS);
        double perPacket = allocatedPerPacket(() -> rtcpRoundTrips(peers, pkt, PACKETS));
        System.out.printf("%s: %.2f bytes allocated per RTCP protect+unprotect%n", profile, perPacket);
        assertTrue(perPacket < BYTES_PER_PACKET, profile + " allocated " + perPacket + " bytes per RTCP packet");
    }

    private static double allocatedPerPacket(Runnable run) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        run.run();
        return (threads.getThreadAllocatedBytes(thread) - before) / (double) PACKETS;
    }

    private static void rtpRoundTrips(SrtpTransformer[] peers, PacketBuffer pkt, int[] seq, int count) {
        for (int i = 0; i < count; i++) {
            // Payloads of 0..1188 bytes behind the 12-byte header: every tail length of both ciphers.
            TestPackets.rtp(pkt, 0x0A0B0C0D, seq[0]++ & 0xFFFF, i % 1189);
            SrtpResult sent = peers[0].protectRtp(pkt);
            SrtpResult received = peers[1].unprotectRtp(pkt);
            if (sent != SrtpResult.OK || received != SrtpResult.OK) {
                assertEquals(SrtpResult.OK, sent);
                assertEquals(SrtpResult.OK, received);
            }
        }
    }

    private static void rtcpRoundTrips(SrtpTransformer[] peers, PacketBuffer pkt, int count) {
        for (int i = 0; i < count; i++) {
            TestPackets.rtcpReceiverReport(pkt, 0x0A0B0C0E, i);
            SrtpResult sent = peers[0].protectRtcp(pkt);
            SrtpResult received = peers[1].unprotectRtcp(pkt);
            if (sent != SrtpResult.OK || received != SrtpResult.OK) {
                assertEquals(SrtpResult.OK, sent);
                assertEquals(SrtpResult.OK, received);
            }
        }
    }
}
