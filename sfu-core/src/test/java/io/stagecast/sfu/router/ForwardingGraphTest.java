package io.stagecast.sfu.router;

import io.stagecast.sfu.rtcp.RtcpWriters;
import io.stagecast.sfu.rtp.PictureIdFields;
import io.stagecast.sfu.rtp.RtpPacket;
import io.stagecast.sfu.rtp.VideoCodec;
import io.stagecast.sfu.transport.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The router's packet path end to end on the embedded channel: fan-out, switching, NACK, PLI. */
class ForwardingGraphTest {
    private static final int LOW = 0x1111;
    private static final int HIGH = 0x2222;
    private final EmbeddedRoom room = new EmbeddedRoom();
    private final long t0 = System.nanoTime();

    @AfterEach
    void close() {
        room.close();
    }

    @Test
    void everySubscriberGetsEveryPacketOnItsOwnSsrcWithContinuousNumbers() {
        Transport publisher = room.transport();
        Producer audio = room.audio(publisher, 0xA0);
        Transport[] subscribers = new Transport[3];
        for (int i = 0; i < subscribers.length; i++) {
            subscribers[i] = room.transport();
            room.consume(subscribers[i], audio, 0xC0 + i, 0);
        }
        room.sent();
        for (int seq = 0; seq < 10; seq++) {
            room.receive(publisher, TestMedia.opus(0xA0, 100 + seq, 960L * seq, 30), t0 + seq * 20_000_000L);
        }
        Map<Transport, List<byte[]>> sent = room.sent();
        for (int i = 0; i < subscribers.length; i++) {
            List<RtpPacket> got = EmbeddedRoom.rtp(sent.get(subscribers[i]), 0xC0 + i);
            assertEquals(10, got.size(), "subscriber " + i);
            for (int k = 1; k < got.size(); k++) {
                assertEquals((got.get(0).sequenceNumber() + k) & 0xFFFF, got.get(k).sequenceNumber());
                assertEquals(109, got.get(k).payloadType(), "the subscriber's payload type");
            }
        }
        assertEquals(3, audio.consumerCount());
    }

    @Test
    void simulcastSwitchesOnlyAtTheTargetsKeyframeAndKeepsNumbersContinuous() {
        Transport publisher = room.transport();
        Producer video = room.video(publisher, LOW, HIGH);
        Transport subscriber = room.transport();
        Consumer consumer = room.consume(subscriber, video, 0xC1, 0);
        consumer.setTargetLayer(0);
        room.sent();
        int seq = 0;
        // Layer 0 starts at its keyframe; layer 1 flows alongside, not forwarded.
        for (int frame = 0; frame < 5; frame++, seq++) {
            long ts = 3000L * frame;
            room.receive(publisher, TestMedia.vp8(LOW, 1000 + seq, ts, 500 + frame, frame, 0, false, frame == 0, 320, 180, 100), t0);
            room.receive(publisher, TestMedia.vp8(HIGH, 7000 + seq, ts, 9000 + frame, frame, 0, false, false, 0, 0, 600), t0);
        }
        consumer.setTargetLayer(1);
        long later = t0 + 1_000_000_000L; // past the aggregation interval of the request made at the start
        for (int frame = 5; frame < 8; frame++, seq++) {
            long ts = 3000L * frame;
            room.receive(publisher, TestMedia.vp8(LOW, 1000 + seq, ts, 500 + frame, frame, 0, false, false, 0, 0, 100), later);
            room.receive(publisher, TestMedia.vp8(HIGH, 7000 + seq, ts, 9000 + frame, frame, 0, false, false, 0, 0, 600), later);
        }
        Map<Transport, List<byte[]>> before = room.sent();
        List<RtpPacket> got = EmbeddedRoom.rtp(before.get(subscriber), 0xC1);
        assertEquals(8, got.size(), "layer 0 keeps flowing until layer 1's keyframe");
        List<byte[]> plis = EmbeddedRoom.rtcp(before.get(publisher), 206, 1);
        assertTrue(plis.stream().anyMatch(p -> mediaSsrc(p) == HIGH), "a PLI asks for layer 1's keyframe");

        for (int frame = 8; frame < 11; frame++, seq++) {
            long ts = 3000L * frame;
            room.receive(publisher, TestMedia.vp8(HIGH, 7000 + seq, ts, 9000 + frame, frame, 0, false, frame == 8, 1280, 720, 600), later);
            room.receive(publisher, TestMedia.vp8(LOW, 1000 + seq, ts, 500 + frame, frame, 0, false, false, 0, 0, 100), later);
        }
        List<RtpPacket> after = EmbeddedRoom.rtp(room.sent().get(subscriber), 0xC1);
        assertEquals(3, after.size(), "from layer 1's keyframe on, only layer 1");
        RtpPacket last = got.get(got.size() - 1);
        for (int k = 0; k < after.size(); k++) {
            assertEquals((last.sequenceNumber() + 1 + k) & 0xFFFF, after.get(k).sequenceNumber(), "no jump in sequence");
            assertTrue(after.get(k).length() > 600, "the packets are layer 1's");
        }
        assertTrue(((after.get(0).timestamp() - last.timestamp()) & 0xFFFFFFFFL) < 90_000, "the timestamp goes on");
        assertEquals(pictureId(last) + 1, pictureId(after.get(0)), "the picture ID follows the last one sent");
    }

    /**
     * On the way up, a keyframe of a layer between the current one and the target is taken (a
     * better picture now; the target's keyframe may be long in coming from a publisher short of
     * CPU), and the target's still ends the climb. On the way down only the target's is.
     */
    @Test
    void aKeyframeOfALayerBetweenCurrentAndAHigherTargetIsTakenOnTheWayUpOnly() {
        int mid = 0x3333;
        Transport publisher = room.transport();
        Producer video = room.video(publisher, LOW, mid, HIGH);
        Transport subscriber = room.transport();
        Consumer consumer = room.consume(subscriber, video, 0xC1, 0);
        consumer.setTargetLayer(0);
        int[] seq = {0};
        int[] frame = {0};
        java.util.function.IntConsumer frameWithKeyframeOn = key -> {
            long ts = 3000L * frame[0];
            int f = frame[0]++;
            room.receive(publisher, TestMedia.vp8(LOW, 1000 + seq[0], ts, 500 + f, f, 0, false, key == 0, 320, 180, 100), t0);
            room.receive(publisher, TestMedia.vp8(mid, 4000 + seq[0], ts, 2000 + f, f, 0, false, key == 1, 640, 360, 300), t0);
            room.receive(publisher, TestMedia.vp8(HIGH, 7000 + seq[0], ts, 9000 + f, f, 0, false, key == 2, 1280, 720, 600), t0);
            seq[0]++;
        };
        frameWithKeyframeOn.accept(0);
        assertEquals(0, consumer.layers.current());

        consumer.setTargetLayer(2);
        frameWithKeyframeOn.accept(-1);
        assertEquals(0, consumer.layers.current(), "no keyframe yet: the current layer stays");
        frameWithKeyframeOn.accept(1);
        assertEquals(1, consumer.layers.current(), "the middle layer's keyframe is a step towards the target");
        frameWithKeyframeOn.accept(0);
        assertEquals(1, consumer.layers.current(), "never back below for a lower keyframe");
        frameWithKeyframeOn.accept(2);
        assertEquals(2, consumer.layers.current(), "the target's keyframe ends the climb");

        consumer.setTargetLayer(0);
        frameWithKeyframeOn.accept(1);
        assertEquals(2, consumer.layers.current(), "down, a middle keyframe is not taken: it would still cost too much");
        frameWithKeyframeOn.accept(0);
        assertEquals(0, consumer.layers.current());

        List<RtpPacket> got = EmbeddedRoom.rtp(room.sent().get(subscriber), 0xC1);
        for (int k = 1; k < got.size(); k++) {
            assertEquals((got.get(k - 1).sequenceNumber() + 1) & 0xFFFF, got.get(k).sequenceNumber(), "no jump in sequence at " + k);
            assertEquals(pictureId(got.get(k - 1)) + 1, pictureId(got.get(k)), "picture IDs follow at " + k);
        }
        // Each switch frame carries the old layer's packet and the new one's keyframe (same capture time).
        assertEquals(frame[0] + 2, got.size(), "one packet per frame, two at each of the two switches up");
    }

    @Test
    void aNackIsAnsweredFromTheCacheOnTheRtxStream() {
        Transport publisher = room.transport();
        Producer video = room.video(publisher, LOW);
        Transport subscriber = room.transport();
        room.consume(subscriber, video, 0xC1, 0xC2);
        room.sent();
        for (int seq = 0; seq < 5; seq++) {
            room.receive(publisher, TestMedia.vp8(LOW, 1000 + seq, 3000L * seq, 10 + seq, seq, 0, false, seq == 0, 640, 360, 200), t0);
        }
        List<RtpPacket> got = EmbeddedRoom.rtp(room.sent().get(subscriber), 0xC1);
        assertEquals(5, got.size());
        int lost = got.get(2).sequenceNumber();
        byte[] nack = new byte[64];
        int len = RtcpWriters.writeNack(nack, 0, 0x5EED, 0xC1, new int[] {lost}, 1);
        room.receiveRtcp(subscriber, java.util.Arrays.copyOf(nack, len), t0 + 30_000_000L);
        List<RtpPacket> rtx = EmbeddedRoom.rtp(room.sent().get(subscriber), 0xC2);
        assertEquals(1, rtx.size(), "one RTX packet answers the NACK");
        RtpPacket answer = rtx.get(0);
        int osn = (answer.buffer()[answer.payloadOffset()] & 0xFF) << 8 | (answer.buffer()[answer.payloadOffset() + 1] & 0xFF);
        assertEquals(lost, osn, "RFC 4588: the original sequence number leads the payload");
        assertEquals(101, answer.payloadType());
    }

    /**
     * A viewer whose link collapsed is being moved to the small layer: the large layer's packets it
     * NACKs are not resent (they would only delay the small layer's keyframe), nor once it is on
     * the small layer; the small layer's are.
     */
    @Test
    void nacksForALayerTheViewerIsLeavingOrLeftAreNotAnswered() {
        Transport publisher = room.transport();
        Producer video = room.video(publisher, LOW, HIGH);
        Transport subscriber = room.transport();
        Consumer consumer = room.consume(subscriber, video, 0xC1, 0xC2);
        consumer.setTargetLayer(1);
        room.sent();
        int seq = 0;
        for (int frame = 0; frame < 4; frame++, seq++) {
            long ts = 3000L * frame;
            room.receive(publisher, TestMedia.vp8(HIGH, 7000 + seq, ts, 9000 + frame, frame, 0, false, frame == 0, 1280, 720, 600), t0);
            room.receive(publisher, TestMedia.vp8(LOW, 1000 + seq, ts, 500 + frame, frame, 0, false, frame == 0, 320, 180, 100), t0);
        }
        List<RtpPacket> large = EmbeddedRoom.rtp(room.sent().get(subscriber), 0xC1);
        assertEquals(4, large.size());
        int lostLarge = large.get(2).sequenceNumber();
        double refusedBefore = refused(subscriber, "superseded");

        // The link collapses: down to layer 0, nothing more of layer 1 while its keyframe is awaited.
        consumer.abandonCurrent = true;
        consumer.setTargetLayer(0);
        byte[] nack = new byte[64];
        int len = RtcpWriters.writeNack(nack, 0, 0x5EED, 0xC1, new int[] {lostLarge}, 1);
        room.receiveRtcp(subscriber, java.util.Arrays.copyOf(nack, len), t0 + 30_000_000L);
        assertEquals(0, EmbeddedRoom.rtp(room.sent().get(subscriber), 0xC2).size(), "no resend of the layer being left");

        // Layer 0's keyframe starts it; the old layer's packets stay unanswered, the new one's are.
        long later = t0 + 1_000_000_000L;
        room.receive(publisher, TestMedia.vp8(LOW, 1000 + seq, 3000L * seq, 500 + seq, seq, 0, false, true, 320, 180, 100), later);
        seq++;
        room.receive(publisher, TestMedia.vp8(LOW, 1000 + seq, 3000L * seq, 500 + seq, seq, 0, false, false, 0, 0, 100), later);
        consumer.abandonCurrent = false;
        List<RtpPacket> small = EmbeddedRoom.rtp(room.sent().get(subscriber), 0xC1);
        assertEquals(2, small.size(), "layer 0 from its keyframe");
        room.receiveRtcp(subscriber, java.util.Arrays.copyOf(nack, len), later + 30_000_000L);
        assertEquals(0, EmbeddedRoom.rtp(room.sent().get(subscriber), 0xC2).size(), "nor once the viewer is on layer 0");
        len = RtcpWriters.writeNack(nack, 0, 0x5EED, 0xC1, new int[] {small.get(1).sequenceNumber()}, 1);
        room.receiveRtcp(subscriber, java.util.Arrays.copyOf(nack, len), later + 60_000_000L);
        assertEquals(1, EmbeddedRoom.rtp(room.sent().get(subscriber), 0xC2).size(), "the current layer's packet is resent");
        room.tick(later + 100_000_000L, false); // the transports report their refusals on the tick
        assertEquals(2.0, refused(subscriber, "superseded") - refusedBefore, "both refusals counted");
    }

    private double refused(Transport subscriber, String reason) {
        return subscriber.metrics().registry().get("stagecast.media.nack.refused").tag("reason", reason).functionCounter().count();
    }

    @Test
    void keyframeRequestsOfManySubscribersReachThePublisherOnce() {
        Transport publisher = room.transport();
        Producer video = room.video(publisher, LOW);
        Transport a = room.transport();
        Transport b = room.transport();
        room.consume(a, video, 0xC1, 0);
        room.consume(b, video, 0xD1, 0);
        room.receive(publisher, TestMedia.vp8(LOW, 1000, 0, 10, 0, 0, false, true, 640, 360, 200), t0);
        room.sent();
        byte[] pli = new byte[12];
        RtcpWriters.writePli(pli, 0, 0x5EED, 0xC1);
        room.receiveRtcp(a, pli, t0 + 600_000_000L);
        RtcpWriters.writePli(pli, 0, 0x5EED, 0xD1);
        room.receiveRtcp(b, pli, t0 + 610_000_000L);
        room.receiveRtcp(a, pli.clone(), t0 + 620_000_000L);
        List<byte[]> plis = EmbeddedRoom.rtcp(room.sent().get(publisher), 206, 1);
        assertEquals(1, plis.size(), "three requests within the interval, one PLI");
        assertEquals(LOW, mediaSsrc(plis.get(0)));
    }

    @Test
    void aPacketLostFromAPublisherWithoutNackIsRepairedByAKeyframeRequestWithinTwoTicks() {
        Transport publisher = room.transport();
        CodecSpec noNack = new CodecSpec("VP8", EmbeddedRoom.VP8_PT, 90_000, 1, null, -1, List.of("nack pli"));
        Producer video = room.video(publisher, noNack, LOW);
        room.consume(room.transport(), video, 0xC1, 0);
        long t = t0 + 1_000_000_000L; // past the start's PLI interval
        room.receive(publisher, TestMedia.vp8(LOW, 1000, 0, 10, 0, 0, false, true, 640, 360, 200), t);
        room.tick(t, false);
        room.sent();
        room.receive(publisher, TestMedia.vp8(LOW, 1001, 3000, 11, 1, 0, false, false, 640, 360, 200), t + 33_000_000L);
        room.receive(publisher, TestMedia.vp8(LOW, 1003, 9000, 13, 3, 0, false, false, 640, 360, 200), t + 99_000_000L);
        room.tick(t + 100_000_000L, false);
        Map<Transport, List<byte[]>> first = room.sent();
        assertEquals(0, EmbeddedRoom.rtcp(first.getOrDefault(publisher, List.of()), 206, 1).size(),
                "a tick's room for reordering first");
        room.tick(t + 120_000_000L, false);
        List<byte[]> toPublisher = room.sent().getOrDefault(publisher, List.of());
        List<byte[]> plis = EmbeddedRoom.rtcp(toPublisher, 206, 1);
        assertEquals(1, plis.size(), "the gap that will not be filled asks for a keyframe");
        assertEquals(LOW, mediaSsrc(plis.get(0)));
        assertEquals(0, EmbeddedRoom.rtcp(toPublisher, 205, 1).size(), "no NACK to a publisher that did not offer it");
    }

    @Test
    void aPacketNackedWithoutAnAnswerEndsInAKeyframeRequest() {
        Transport publisher = room.transport();
        Producer video = room.video(publisher, LOW);
        room.consume(room.transport(), video, 0xC1, 0);
        long t = t0 + 1_000_000_000L;
        room.receive(publisher, TestMedia.vp8(LOW, 1000, 0, 10, 0, 0, false, true, 640, 360, 200), t);
        room.tick(t, false);
        room.sent();
        room.receive(publisher, TestMedia.vp8(LOW, 1002, 6000, 12, 2, 0, false, false, 640, 360, 200), t + 66_000_000L);
        int nacks = 0;
        int plis = 0;
        long now = t + 70_000_000L;
        for (int i = 0; i < 8 && plis == 0; i++, now += 60_000_000L) {
            room.tick(now, false);
            List<byte[]> toPublisher = room.sent().getOrDefault(publisher, List.of());
            nacks += EmbeddedRoom.rtcp(toPublisher, 205, 1).size();
            plis += EmbeddedRoom.rtcp(toPublisher, 206, 1).size();
        }
        assertEquals(5, nacks, "NACKed as often as the retries allow");
        assertEquals(1, plis, "then a keyframe repairs what the NACKs did not");
    }

    @Test
    void framesOfADroppedTemporalLayerLeaveNoGapInSequenceOrPictureIds() {
        Transport publisher = room.transport();
        Producer video = room.video(publisher, LOW);
        Transport subscriber = room.transport();
        Consumer consumer = room.consume(subscriber, video, 0xC1, 0);
        room.run();
        consumer.layers.setTargetTemporal(0);
        int[] pattern = {0, 2, 1, 2}; // libwebrtc's three-layer pattern
        int seq = 0;
        for (int frame = 0; frame < 16; frame++) {
            int tid = pattern[frame % 4];
            for (int part = 0; part < 2; part++, seq++) { // two packets per frame
                byte[] p = TestMedia.vp8(LOW, 3000 + seq, 3000L * frame, 200 + frame, frame / 4, tid, false,
                        frame == 0 && part == 0, 640, 360, 300);
                if (part == 1) {
                    p[20] &= (byte) ~0x10; // S = 0: a continuation packet
                }
                room.receive(publisher, p, t0);
            }
        }
        List<RtpPacket> got = EmbeddedRoom.rtp(room.sent().get(subscriber), 0xC1);
        assertEquals(8, got.size(), "the four TL0 frames, two packets each");
        for (int k = 1; k < got.size(); k++) {
            assertEquals((got.get(k - 1).sequenceNumber() + 1) & 0xFFFF, got.get(k).sequenceNumber(), "no gap at " + k);
        }
        for (int k = 2; k < got.size(); k += 2) {
            assertEquals(pictureId(got.get(k - 2)) + 1, pictureId(got.get(k)), "consecutive picture IDs");
        }
    }

    /**
     * Found by PacketPathFuzzTarget in CI: a publisher's SR whose header claims one report block
     * in a 10-byte packet read its NTP timestamp past the end. It is dropped; media goes on.
     */
    @Test
    void aSenderReportShorterThanItsSenderInfoIsIgnored() {
        byte[] shortSr = {(byte) 0x81, (byte) 200, 0, 1, 0, 0, 0, (byte) 0xA0, 0, 0};
        byte[] noBlocks = {(byte) 0x80, (byte) 200, 0, 1, 0, 0, 0, (byte) 0xA0}; // a whole header, no sender info
        assertMediaFlowsAfter(true, shortSr, noBlocks);
    }

    /** Found by CI-length fuzzing (PacketPathFuzzTarget, regression-short-fir): the FCI was read past the packet. */
    @Test
    void aFirWithoutAnEntryIsIgnored() {
        byte[] noEntry = {(byte) 0x84, (byte) 206, 0, 2, 0, 0, 0, 9, 0, 0, 0, 0}; // header and SSRCs only
        assertMediaFlowsAfter(false, noEntry);
    }

    /** An audio publisher and a viewer; {@code rtcp} from one of them (the publisher or the viewer), then a packet. */
    private void assertMediaFlowsAfter(boolean fromPublisher, byte[]... rtcp) {
        Transport publisher = room.transport();
        Producer audio = room.audio(publisher, 0xA0);
        Transport subscriber = room.transport();
        room.consume(subscriber, audio, 0xC0, 0);
        room.sent();
        for (byte[] packet : rtcp) {
            room.receiveRtcp(fromPublisher ? publisher : subscriber, packet, t0);
        }
        room.receive(publisher, TestMedia.opus(0xA0, 100, 960L, 30), t0 + 20_000_000L);
        assertEquals(1, EmbeddedRoom.rtp(room.sent().get(subscriber), 0xC0).size(), "media still flows");
    }

    private static int mediaSsrc(byte[] rtcp) {
        return (rtcp[8] & 0xFF) << 24 | (rtcp[9] & 0xFF) << 16 | (rtcp[10] & 0xFF) << 8 | (rtcp[11] & 0xFF);
    }

    private static int pictureId(RtpPacket p) {
        int at = PictureIdFields.pictureIdAt(VideoCodec.VP8, p.buffer(), p.payloadOffset(), p.payloadLength());
        return PictureIdFields.readPictureId(p.buffer(), at);
    }
}
