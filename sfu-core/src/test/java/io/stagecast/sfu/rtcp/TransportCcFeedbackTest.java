package io.stagecast.sfu.rtcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TransportCcFeedbackTest {
    private final TransportCcFeedback feedback = new TransportCcFeedback(0x11, 0x22);
    private final byte[] buf = new byte[1500];

    /** One decoded status. */
    record Status(int seq, boolean received, long timeMicros) {
    }

    /** Decodes one feedback packet the way a sender would, through the compound and the reader. */
    private static List<Status> decode(byte[] b, int off, int len) {
        RtcpCompound c = new RtcpCompound().wrap(b, off, len);
        assertTrue(c.next());
        assertEquals(len, c.packetLength());
        assertEquals(0, len % 4);
        assertFalse(c.next());
        assertFalse(c.isMalformed());
        assertEquals(0x11, c.senderSsrc());
        assertEquals(0x22, c.mediaSsrc());
        List<Status> out = new ArrayList<>();
        int count = RtcpReaders.forEachTransportCcStatus(b, c.packetOffset(), c.contentLength(),
                (seq, received, time) -> out.add(new Status(seq, received, time)));
        assertEquals(RtcpReaders.tccStatusCount(b, off), count);
        assertEquals(count, out.size());
        return out;
    }

    private List<Status> buildAndDecode(int maxLength) {
        int len = feedback.build(buf, 0, maxLength);
        assertTrue(len > 0 && len <= maxLength, "built " + len);
        return decode(buf, 0, len);
    }

    private static long quantized(long arrivalMicros) {
        return Math.floorDiv(arrivalMicros, 250) * 250;
    }

    private static void assertReceivedAt(Status s, long arrivalMicros) {
        assertTrue(s.received(), "seq " + s.seq() + " should be received");
        assertEquals(quantized(arrivalMicros), s.timeMicros(), "arrival of seq " + s.seq());
    }

    @Test
    void threeInOrderPacketsHaveTheDraftLayout() {
        feedback.onPacket(10, 320_000);
        feedback.onPacket(11, 321_000);
        feedback.onPacket(12, 322_000);
        int len = feedback.build(buf, 0, 1200);
        byte[] expected = {
            (byte) 0xAF, (byte) 205, 0, 6, 0, 0, 0, 0x11, 0, 0, 0, 0x22,
            0, 10, 0, 3, // base seq, status count
            0, 0, 5, 0, // reference time 5 x 64 ms, feedback count 0
            0x20, 0x03, // run of 3 small deltas
            0, 4, 4, // 0, 1 and 1 ms in 250 us ticks
            0, 0, 3}; // padding with its count, P bit set
        assertArrayEquals(expected, Arrays.copyOf(buf, len));
    }

    @Test
    void nothingRecordedMeansNothingBuilt() {
        assertEquals(0, feedback.build(buf, 0, 1200));
        feedback.onPacket(1, 1000);
        assertTrue(feedback.build(buf, 0, 1200) > 0);
        assertEquals(0, feedback.build(buf, 0, 1200), "everything was reported");
        assertFalse(feedback.hasPending());
    }

    @Test
    void inOrderPacketsDecodeWithTheirArrivalTimes() {
        long[] arrival = new long[300];
        for (int i = 0; i < arrival.length; i++) {
            arrival[i] = 5_000_000_000L + i * 1_330L + (i % 10) * 77;
            feedback.onPacket(1000 + i, arrival[i]);
        }
        List<Status> statuses = buildAndDecode(1200);
        assertEquals(300, statuses.size());
        for (int i = 0; i < arrival.length; i++) {
            assertEquals(1000 + i, statuses.get(i).seq());
            assertReceivedAt(statuses.get(i), arrival[i]);
        }
        assertEquals(0, RtcpReaders.tccFeedbackCount(buf, 0));
    }

    @Test
    void lostPacketsAreReportedNotReceived() {
        Map<Integer, Long> arrivals = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            boolean lost = i % 3 == 1 || (i >= 150 && i < 280); // scattered loss and a long run
            if (!lost) {
                arrivals.put(i, 1_000_000L + i * 2_000L);
                feedback.onPacket(i, arrivals.get(i));
            }
        }
        List<Status> statuses = buildAndDecode(1200);
        assertEquals(400, statuses.size());
        for (Status s : statuses) {
            Long arrival = arrivals.get(s.seq());
            if (arrival == null) {
                assertFalse(s.received(), "seq " + s.seq());
            } else {
                assertReceivedAt(s, arrival);
            }
        }
    }

    @Test
    void alternatingLossUsesAOneBitVectorChunk() {
        for (int i = 0; i < 14; i += 2) {
            feedback.onPacket(i, 64_000);
        }
        feedback.onPacket(13, 64_000); // end on a received packet, so the 14 statuses are 1010...1
        int len = feedback.build(buf, 0, 1200);
        assertEquals(0xAAAA | 1, BigEndian.u16(buf, 20));
        assertEquals(14, RtcpReaders.tccStatusCount(buf, 0));
        assertEquals(20 + 2 + 8 + 2, len);
    }

    @Test
    void negativeDeltaUsesATwoBitVectorAndDecodes() {
        feedback.onPacket(1, 500);
        feedback.onPacket(0, 1000);
        feedback.onPacket(2, 2000);
        int len = feedback.build(buf, 0, 1200);
        assertEquals(0xC000 | 1 << 12 | 2 << 10 | 1 << 8, BigEndian.u16(buf, 20));
        List<Status> statuses = decode(buf, 0, len);
        assertReceivedAt(statuses.get(0), 1000);
        assertReceivedAt(statuses.get(1), 500);
        assertReceivedAt(statuses.get(2), 2000);
    }

    @Test
    void reorderedPacketsDecodeWithTheirArrivalTimes() {
        Map<Integer, Long> arrivals = new HashMap<>();
        for (int i = 0; i < 200; i += 2) {
            long t = 7_000_000L + i * 1_000L;
            arrivals.put(i + 1, t);
            arrivals.put(i, t + 3_100);
            feedback.onPacket(i + 1, t);
            feedback.onPacket(i, t + 3_100);
        }
        List<Status> statuses = buildAndDecode(1200);
        assertEquals(200, statuses.size());
        for (Status s : statuses) {
            assertReceivedAt(s, arrivals.get(s.seq()));
        }
    }

    @Test
    void sequenceNumbersWrapAt65536() {
        for (int i = 0; i < 40; i++) {
            feedback.onPacket((65_520 + i) & 0xFFFF, 100_000L + i * 500L);
        }
        List<Status> statuses = buildAndDecode(1200);
        assertEquals(65_520, RtcpReaders.tccBaseSeq(buf, 0));
        assertEquals(40, statuses.size());
        for (int i = 0; i < 40; i++) {
            assertEquals((65_520 + i) & 0xFFFF, statuses.get(i).seq());
            assertReceivedAt(statuses.get(i), 100_000L + i * 500L);
        }
    }

    @Test
    void gapUnderEightSecondsIsALargeDelta() {
        feedback.onPacket(0, 1_000_000);
        feedback.onPacket(1, 9_000_000);
        List<Status> statuses = buildAndDecode(1200);
        assertEquals(2, statuses.size());
        assertReceivedAt(statuses.get(1), 9_000_000);
        assertEquals(0xC000 | 1 << 12 | 2 << 10, BigEndian.u16(buf, 20), "two-bit vector: small, large");
        assertEquals(32_000, (short) BigEndian.u16(buf, 23), "8 s in 250 us ticks");
    }

    @Test
    void gapBeyondALargeDeltaStartsTheNextFeedback() {
        feedback.onPacket(0, 1_000_000);
        feedback.onPacket(1, 1_001_000);
        feedback.onPacket(2, 11_001_000); // 10 s later: more than 32767 ticks
        feedback.onPacket(3, 11_002_000);
        List<Status> first = buildAndDecode(1200);
        assertEquals(2, first.size());
        assertReceivedAt(first.get(1), 1_001_000);
        List<Status> second = buildAndDecode(1200);
        assertEquals(2, RtcpReaders.tccBaseSeq(buf, 0));
        assertEquals(1, RtcpReaders.tccFeedbackCount(buf, 0));
        assertEquals(2, second.size());
        assertReceivedAt(second.get(0), 11_001_000);
        assertReceivedAt(second.get(1), 11_002_000);
        assertEquals(0, feedback.build(buf, 0, 1200));
    }

    @Test
    void packetArrivingAfterItsLossWasReportedIsReportedAgain() {
        for (int i = 0; i < 10; i++) {
            if (i != 5) {
                feedback.onPacket(i, 100_000L + i * 1000L);
            }
        }
        assertFalse(buildAndDecode(1200).get(5).received());
        feedback.onPacket(5, 120_000);
        List<Status> again = buildAndDecode(1200);
        assertEquals(5, again.get(0).seq());
        assertReceivedAt(again.get(0), 120_000);
        assertEquals(5, again.size());
    }

    @Test
    void smallMaxLengthSplitsAcrossFeedbacksWithoutLosingStatuses() {
        Map<Integer, Long> arrivals = new HashMap<>();
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 1000; i++) {
            if (random.nextInt(4) != 0) {
                long t = 2_000_000L + i * 900L + random.nextInt(20_000) - (i % 50 == 0 ? 15_000 : 0);
                arrivals.put(i, t);
                feedback.onPacket(i, t);
            }
        }
        int next = 0;
        int builds = 0;
        for (int len; (len = feedback.build(buf, 0, 64)) > 0; builds++) {
            assertTrue(len <= 64);
            for (Status s : decode(buf, 0, len)) {
                assertEquals(next++, s.seq());
                if (arrivals.containsKey(s.seq())) {
                    assertReceivedAt(s, arrivals.get(s.seq()));
                } else {
                    assertFalse(s.received());
                }
            }
        }
        assertEquals(lastKey(arrivals) + 1, next, "every status up to the highest received, once");
        assertTrue(builds > 10);
    }

    private static int lastKey(Map<Integer, Long> arrivals) {
        return arrivals.keySet().stream().mapToInt(Integer::intValue).max().orElseThrow();
    }

    @Test
    void buildRefusesWithoutRoom() {
        feedback.onPacket(0, 0);
        assertEquals(0, feedback.build(buf, 0, 20));
        assertEquals(0, feedback.build(buf, buf.length - 8, 1200));
        assertTrue(feedback.hasPending());
    }

    /** Random loss, reordering, jitter and wrap; every recorded packet ends up reported correctly. */
    @Test
    void randomStreamsAreReportedFaithfully() {
        SplittableRandom random = new SplittableRandom(99);
        for (int round = 0; round < 30; round++) {
            TransportCcFeedback fb = new TransportCcFeedback(0x11, 0x22);
            int startSeq = random.nextInt(65536);
            Map<Integer, Long> recorded = new HashMap<>();
            Map<Integer, Status> lastReport = new HashMap<>();
            long now = 1_000_000_000L + random.nextLong(1_000_000_000L);
            int lossPercent = random.nextInt(30);
            int[] order = new int[3000];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            for (int i = 0; i + 1 < order.length; i++) {
                if (random.nextInt(100) < 5) { // swap with one of the next few
                    int j = Math.min(order.length - 1, i + 1 + random.nextInt(4));
                    int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
            }
            int expectedCount = 0;
            for (int i = 0; i < order.length; i++) {
                now += random.nextInt(3000);
                if (random.nextInt(100) < lossPercent) {
                    continue;
                }
                int seq = (startSeq + order[i]) & 0xFFFF;
                recorded.put(seq, now);
                fb.onPacket(seq, now);
                if (random.nextInt(40) == 0) {
                    int len = fb.build(buf, 0, 60 + random.nextInt(1200));
                    if (len > 0) {
                        assertEquals(expectedCount++ & 0xFF, RtcpReaders.tccFeedbackCount(buf, 0));
                        for (Status s : decode(buf, 0, len)) {
                            lastReport.put(s.seq(), s);
                        }
                    }
                }
            }
            for (int len; (len = fb.build(buf, 0, 1200)) > 0; ) {
                for (Status s : decode(buf, 0, len)) {
                    lastReport.put(s.seq(), s);
                }
            }
            for (Map.Entry<Integer, Long> e : recorded.entrySet()) {
                Status s = lastReport.get(e.getKey());
                assertTrue(s != null, "seq " + e.getKey() + " never reported");
                assertReceivedAt(s, e.getValue());
            }
            for (Status s : lastReport.values()) {
                assertEquals(recorded.containsKey(s.seq()), s.received(), "seq " + s.seq());
            }
        }
    }
}
