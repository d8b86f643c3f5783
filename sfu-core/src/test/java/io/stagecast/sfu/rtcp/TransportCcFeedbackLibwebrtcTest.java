package io.stagecast.sfu.rtcp;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our transport-cc feedback as Chromium's sender reads it ({@link LibwebrtcFeedbackParser}): every
 * packet libwebrtc parses, arrival times the send side reconstructs exactly (relative to each
 * other, across feedback packets, across the 24-bit reference time wrap), lost and late packets,
 * large and negative deltas, sequence number wrap, and a media SSRC the browser accepts.
 */
class TransportCcFeedbackLibwebrtcTest {
    private static final int SENDER = 0x5EED;
    private static final int PUBLISHER_SSRC = 0xCAFE;
    private final byte[] buf = new byte[1500];

    /** What the sender side knows after reading feedback: arrival time per seq, on its own time line. */
    private static final class SenderView {
        final Map<Integer, Long> arrivalUs = new HashMap<>();
        final Map<Integer, Boolean> received = new HashMap<>();
        long lastBaseTimeUs = -1;
        long offsetUs;
        int feedbacks;
        int lastFeedbackSeq = -1;

        void read(byte[] b, int len) {
            assertEquals(0, len % 4, "RTCP packets are whole words");
            LibwebrtcFeedbackParser.Feedback fb = LibwebrtcFeedbackParser.parse(b, 0, len);
            assertEquals(SENDER, fb.senderSsrc());
            assertEquals(PUBLISHER_SSRC, fb.mediaSsrc(), "libwebrtc drops feedback naming an SSRC it does not send");
            if (lastFeedbackSeq >= 0) {
                assertEquals((lastFeedbackSeq + 1) & 0xFF, fb.feedbackSeq(), "feedback packet count");
            }
            lastFeedbackSeq = fb.feedbackSeq();
            // TransportFeedbackAdapter: the first feedback anchors the time line, later ones move it
            // by their base delta (with the wrap compensated).
            offsetUs += lastBaseTimeUs < 0 ? 0 : fb.baseDeltaUs(lastBaseTimeUs);
            lastBaseTimeUs = fb.baseTimeUs();
            long t = offsetUs;
            for (LibwebrtcFeedbackParser.Packet p : fb.packets()) {
                if (p.received()) {
                    t += p.deltaTicks() * LibwebrtcFeedbackParser.DELTA_TICK_US;
                    arrivalUs.put(p.seq(), t);
                    received.put(p.seq(), true);
                } else {
                    received.putIfAbsent(p.seq(), false);
                }
            }
            feedbacks++;
        }
    }

    private static long ticks(long arrivalMicros) {
        return Math.floorDiv(arrivalMicros, 250);
    }

    private static TransportCcFeedback newFeedback() {
        TransportCcFeedback fb = new TransportCcFeedback(SENDER, 0);
        fb.setMediaSsrc(PUBLISHER_SSRC);
        return fb;
    }

    /** Every recorded arrival, relative to the first one, is what the sender reconstructs. */
    private static void assertFaithful(Map<Integer, Long> recorded, SenderView view, int anchorSeq) {
        long anchor = view.arrivalUs.get(anchorSeq);
        for (Map.Entry<Integer, Long> e : recorded.entrySet()) {
            Long seen = view.arrivalUs.get(e.getKey());
            assertTrue(seen != null, "seq " + e.getKey() + " was never reported as received");
            long expected = (ticks(e.getValue()) - ticks(recorded.get(anchorSeq))) * 250;
            assertEquals(expected, seen - anchor, "arrival of seq " + e.getKey() + " relative to seq " + anchorSeq);
        }
        for (Map.Entry<Integer, Boolean> e : view.received.entrySet()) {
            assertEquals(recorded.containsKey(e.getKey()), e.getValue(), "status of seq " + e.getKey());
        }
    }

    @Test
    void mediaSsrcIsThePublishersSoChromiumAcceptsTheFeedback() {
        TransportCcFeedback fb = newFeedback();
        fb.onPacket(7, 1_000);
        int len = fb.build(buf, 0, 1200);
        LibwebrtcFeedbackParser.Feedback parsed = LibwebrtcFeedbackParser.parse(buf, 0, len);
        assertEquals(PUBLISHER_SSRC, parsed.mediaSsrc());
        assertEquals(7, parsed.baseSeq());
        assertEquals(1, parsed.statusCount());
    }

    @Test
    void aVideoCallsWorthOfFeedbackReadsBackExactly() {
        // 30 s of ~2.5 Mbit/s (250 packets/s) with bursts, jitter, 2 % loss and reordering, a
        // feedback every 20 ms as the node's tick sends them, sequence numbers wrapping.
        SplittableRandom random = new SplittableRandom(20);
        TransportCcFeedback fb = newFeedback();
        SenderView view = new SenderView();
        Map<Integer, Long> recorded = new HashMap<>();
        long now = 3_600_000_000L;
        long nextTick = now + 20_000;
        int firstSeq = 65_000;
        int pendingReordered = -1;
        for (int i = 0; i < 7_500 * 3; i++) {
            int seq = (firstSeq + i) & 0xFFFF;
            now += i % 10 == 0 ? 30_000 : random.nextInt(200, 900);
            while (now >= nextTick) {
                for (int len; (len = fb.build(buf, 0, 1200)) > 0; ) {
                    view.read(buf, len);
                }
                nextTick += 20_000;
            }
            if (random.nextInt(100) < 2) {
                continue;
            }
            if (pendingReordered < 0 && random.nextInt(100) < 3) {
                pendingReordered = seq; // arrives after the next one
                continue;
            }
            recorded.put(seq, now);
            fb.onPacket(seq, now);
            if (pendingReordered >= 0) {
                long late = now + random.nextInt(50, 3_000);
                recorded.put(pendingReordered, late);
                fb.onPacket(pendingReordered, late);
                now = Math.max(now, late);
                pendingReordered = -1;
            }
        }
        for (int len; (len = fb.build(buf, 0, 1200)) > 0; ) {
            view.read(buf, len);
        }
        assertTrue(view.feedbacks > 1000, "a feedback per tick: " + view.feedbacks);
        long earliest = recorded.values().stream().min(Long::compare).orElseThrow();
        int anchor = recorded.entrySet().stream().filter(e -> e.getValue() == earliest).findFirst().orElseThrow().getKey();
        assertFaithful(recorded, view, anchor);
    }

    @Test
    void largeGapsNegativeDeltasAndTheReferenceTimeWrapReadBack() {
        TransportCcFeedback fb = newFeedback();
        SenderView view = new SenderView();
        Map<Integer, Long> recorded = new LinkedHashMapWithOrder();
        // Start 3 s before the 24-bit reference time (64 ms units) wraps, at ~12.4 days of uptime.
        long t = LibwebrtcFeedbackParser.TIME_WRAP_US - 3_000_000L;
        int seq = 100;
        long[] gaps = {0, 1_000, 2_000_000, 250, 7_900_000, 5_000, 64_000, 63_999, 1_000_000, 40};
        for (long gap : gaps) {
            t += gap;
            recorded.put(seq, t);
            fb.onPacket(seq++, t);
            if (gap > 1_000_000) {
                for (int len; (len = fb.build(buf, 0, 1200)) > 0; ) {
                    view.read(buf, len);
                }
            }
        }
        // A packet that arrives 3 ms before its predecessor: a negative (two-byte) delta.
        recorded.put(seq + 1, t + 2_000);
        fb.onPacket(seq + 1, t + 2_000);
        recorded.put(seq, t + 5_000);
        fb.onPacket(seq, t + 5_000);
        for (int len; (len = fb.build(buf, 0, 1200)) > 0; ) {
            view.read(buf, len);
        }
        assertFaithful(recorded, view, 100);
        assertTrue(view.arrivalUs.get(seq + 1) < view.arrivalUs.get(seq));
    }

    @Test
    void aGapTooLargeForADeltaStartsANewFeedbackTheSenderStillPlacesRight() {
        TransportCcFeedback fb = newFeedback();
        SenderView view = new SenderView();
        Map<Integer, Long> recorded = new HashMap<>();
        long[] times = {1_000_000, 1_001_000, 30_000_000, 30_002_000, 90_000_000};
        for (int i = 0; i < times.length; i++) {
            recorded.put(i, times[i]);
            fb.onPacket(i, times[i]);
        }
        for (int len; (len = fb.build(buf, 0, 1200)) > 0; ) {
            view.read(buf, len);
        }
        assertEquals(3, view.feedbacks, "each jump beyond 8 s starts a feedback with its own reference time");
        assertFaithful(recorded, view, 0);
    }

    @Test
    void lostThenLateIsReportedReceivedAndSmallPacketsStayParseable() {
        TransportCcFeedback fb = newFeedback();
        SenderView view = new SenderView();
        Map<Integer, Long> recorded = new HashMap<>();
        for (int i = 0; i < 60; i++) {
            if (i % 7 != 3) {
                recorded.put(i, 500_000L + i * 1_000L);
                fb.onPacket(i, 500_000L + i * 1_000L);
            }
        }
        for (int len; (len = fb.build(buf, 0, 48)) > 0; ) { // a tight size limit forces many packets
            assertTrue(len <= 48);
            view.read(buf, len);
        }
        assertFalse(view.received.get(3));
        recorded.put(3, 700_000L);
        fb.onPacket(3, 700_000L);
        for (int len; (len = fb.build(buf, 0, 1200)) > 0; ) {
            view.read(buf, len);
        }
        assertTrue(view.received.get(3), "the late packet is reported again, now received");
        assertFaithful(recorded, view, 0);
    }

    /** Insertion order kept, so the anchor (seq 100) is the first packet. */
    private static final class LinkedHashMapWithOrder extends java.util.LinkedHashMap<Integer, Long> {
    }
}
