package io.stagecast.sfu.router;

import io.stagecast.sfu.rtcp.RtcpWriters;
import io.stagecast.sfu.rtp.RtpPacket;
import io.stagecast.sfu.transport.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-subscriber home: estimate inputs, allocation applied, probes, speaker, layer demand, report. */
class SubscriberLinkTest {
    private static final long TICK = 20_000_000L;
    private static final int LOW = 0x1111;
    private static final int HIGH = 0x2222;
    private final EmbeddedRoom room = new EmbeddedRoom();
    private long now = System.nanoTime();
    private int seq;
    private int picture;

    @AfterEach
    void close() {
        room.close();
    }

    @Test
    void rembFromTheSubscriberCapsItsEstimateInTheReport() throws Exception {
        Transport publisher = room.transport();
        Producer video = room.video(publisher, LOW);
        Transport subscriber = room.transport();
        Consumer consumer = room.consume(subscriber, video, 0xC1, 0xC2);
        byte[] remb = new byte[64];
        int len = RtcpWriters.writeRemb(remb, 0, 0x5EED, 300_000, new int[] {0xC1}, 1);
        room.receiveRtcp(subscriber, java.util.Arrays.copyOf(remb, len), now);
        room.tick(now, false);
        SubscriberReport report = report(subscriber);
        assertTrue(Math.abs(report.estimateBps() - 300_000) < 1_000, "estimate " + report.estimateBps());
        assertEquals(1, report.consumers().size());
        assertEquals(consumer.id(), report.consumers().get(0).consumerId());
        assertEquals(SubscriberLink.DEFAULT_LAST_N, report.lastN());
    }

    @Test
    void aHiddenTileGetsNoVideoAndResumesAtAKeyframeWhenShown() throws Exception {
        Transport publisher = room.transport();
        Producer video = room.video(publisher, LOW);
        Transport subscriber = room.transport();
        Consumer consumer = room.consume(subscriber, video, 0xC1, 0);
        frames(publisher, LOW, 5, true);
        assertEquals(5, EmbeddedRoom.rtp(room.sent().get(subscriber), 0xC1).size(), "visible: forwarded");

        consumer.setViewport(false, 0, 0);
        room.run();
        room.tick(now, false);
        frames(publisher, LOW, 5, false);
        assertEquals(0, EmbeddedRoom.rtp(room.sent().get(subscriber), 0xC1).size(), "hidden: no video packets");
        assertEquals("hidden", report(subscriber).consumers().get(0).reason());

        consumer.setViewport(true, 640, 360);
        room.run();
        now += TimeUnit.SECONDS.toNanos(1);
        room.tick(now, false);
        List<byte[]> toPublisher = room.sent().get(publisher);
        assertFalse(EmbeddedRoom.rtcp(toPublisher, 206, 1).isEmpty(), "shown again: a PLI for the keyframe to start from");
        frames(publisher, LOW, 3, false);
        assertEquals(0, EmbeddedRoom.rtp(room.sent().get(subscriber), 0xC1).size(), "no start without a keyframe");
        frames(publisher, LOW, 3, true);
        List<RtpPacket> resumed = EmbeddedRoom.rtp(room.sent().get(subscriber), 0xC1);
        assertEquals(3, resumed.size(), "resumes at the keyframe");
    }

    @Test
    void theLoudestAudioBecomesTheDominantSpeakerAndItsCameraIsFavoured() throws Exception {
        List<Producer> dominant = new ArrayList<>();
        room.router.setEvents(new RouterEvents() {
            @Override
            public void onDominantSpeaker(Producer audio) {
                dominant.add(audio);
            }
        });
        Transport quiet = room.transport();
        Transport loud = room.transport();
        room.audio(quiet, 0xA1);
        Producer speaking = room.audio(loud, 0xA2);
        Producer camera = room.video(loud, HIGH);
        Transport viewer = room.transport();
        Consumer watching = room.consume(viewer, camera, 0xC1, 0);
        // 2 s of 20 ms packets: the detector (Volfin and Cohen) wants speech over its medium and
        // long windows before it names anyone, and decides every 300 ms.
        for (int i = 0; i < 100; i++) {
            room.receive(quiet, TestMedia.opus(0xA1, i, 960L * i, 100), now);
            room.receive(loud, TestMedia.opus(0xA2, i, 960L * i, 20), now);
            room.tick(now, false);
            now += TICK;
        }
        assertEquals(List.of(speaking), dominant, "one event, for the speaker");
        now += TICK * 6;
        room.tick(now, false);
        assertSame(camera.transport(), room.router.dominantSpeaker().transport());
        assertEquals(io.stagecast.sfu.bwe.TrackPriority.DOMINANT, watching.demand.priority,
                "the speaker's camera has the dominant speaker's priority");
    }

    @Test
    void aLayerNoViewerNeedsIsReportedUnneededAfterThreeSecondsAndNeededAtOnceAgain() throws Exception {
        List<List<Boolean>> demand = new ArrayList<>();
        room.router.setEvents(new RouterEvents() {
            @Override
            public void onLayerDemand(Producer producer, List<Boolean> needed) {
                demand.add(needed);
            }
        });
        Transport publisher = room.transport();
        Producer video = room.video(publisher, LOW, HIGH);
        Transport subscriber = room.transport();
        Consumer consumer = room.consume(subscriber, video, 0xC1, 0);
        consumer.setViewport(false, 0, 0);
        room.run();
        now = System.nanoTime();
        for (int i = 0; i < 100; i++) { // 2 s of both layers, the high one larger
            seq++;
            picture++;
            room.receive(publisher, TestMedia.vp8(LOW, seq, 3000L * picture, picture, picture, 0, false, i == 0, 320, 180, 200), now);
            room.receive(publisher, TestMedia.vp8(HIGH, seq, 3000L * picture, picture, picture, 0, false, i == 0, 1280, 720, 900), now);
            now += TICK;
            room.tick(now, false);
        }
        assertEquals(List.of(), demand, "not before 3 s without need");
        for (int i = 0; i < 60; i++) {
            now += TICK;
            room.tick(now, false);
        }
        assertEquals(List.of(List.of(true, false)), demand, "the lowest layer stays needed; the other is not");
        assertEquals(1, room.metrics.layersPaused());
        consumer.setViewport(true, 1280, 720);
        room.run();
        for (int i = 0; i < 6; i++) {
            now += TICK;
            room.tick(now, false);
        }
        assertEquals(List.of(true, true), demand.get(demand.size() - 1), "needed again within 100 ms");
        assertEquals(0, room.metrics.layersPaused());
    }

    @Test
    void probePaddingGoesOnTheRtxStreamWithATransportWideSequence() {
        Transport publisher = room.transport();
        Producer video = room.video(publisher, LOW);
        Transport subscriber = room.transport();
        Consumer consumer = room.consume(subscriber, video, 0xC1, 0xC2);
        frames(publisher, LOW, 2, true);
        room.sent();
        int sent = ProbePadding.send(consumer, 250, 7, now);
        assertEquals(250, sent);
        List<RtpPacket> padding = EmbeddedRoom.rtp(room.sent().get(subscriber), 0xC2);
        assertEquals(1, padding.size());
        RtpPacket p = padding.get(0);
        assertTrue(p.hasPadding(), "RFC 3550 5.1 P bit");
        assertEquals(0, p.payloadLength(), "padding only: no payload");
        assertTrue(p.paddingLength() <= 255);
        assertEquals(101, p.payloadType(), "the RTX payload type");
        assertTrue(p.transportSequenceNumber(EmbeddedRoom.SUBSCRIBER_TRANSPORT_CC_ID) >= 0, "stamped for the estimator");
    }

    @Test
    void theDemandListsLayersLowToHighWithTheirSizesAndTemporalRates() {
        Transport publisher = room.transport();
        Producer video = room.video(publisher, HIGH, LOW); // SDP order high first, as Firefox lists rids
        Transport subscriber = room.transport();
        Consumer consumer = room.consume(subscriber, video, 0xC1, 0);
        int[] pattern = {0, 2, 1, 2};
        now = System.nanoTime();
        for (int i = 0; i < 60; i++) { // 1.2 s at 50 frames/s
            seq++;
            picture++;
            int tid = pattern[i % 4];
            room.receive(publisher, TestMedia.vp8(LOW, seq, 1800L * picture, picture, picture / 4, tid, false, i == 0,
                    320, 180, 100 + 100 * (2 - tid)), now);
            room.receive(publisher, TestMedia.vp8(HIGH, seq, 1800L * picture, picture, picture / 4, tid, false, i == 0,
                    1280, 720, 400 + 200 * (2 - tid)), now);
            now += TICK;
            room.tick(now, false);
        }
        io.stagecast.sfu.bwe.TrackDemand d = consumer.demand;
        assertEquals(2, d.layerCount);
        assertEquals(320, d.layerWidth[0], "the low layer first, whatever the SDP order");
        assertEquals(180, d.layerHeight[0]);
        assertEquals(1280, d.layerWidth[1]);
        assertEquals(3, d.temporalCount[1], "TIDs 0-2 seen");
        int base = io.stagecast.sfu.bwe.TrackDemand.MAX_TEMPORAL;
        assertTrue(d.temporalBps[base] > 0 && d.temporalBps[base] < d.temporalBps[base + 1]
                && d.temporalBps[base + 1] < d.temporalBps[base + 2], "cumulative per temporal layer");
        assertTrue(d.layerActive[0] && d.layerActive[1]);
        assertEquals(video.stream(0).ssrc(), HIGH);
        assertEquals(0, consumer.layers.target(), "the allocation (best flowing layer) targets stream 0, the high one");
    }

    @Test
    void lastNIsInTheReport() throws Exception {
        Transport publisher = room.transport();
        Producer video = room.video(publisher, LOW);
        Transport subscriber = room.transport();
        room.consume(subscriber, video, 0xC1, 0);
        room.router.setLastN(subscriber, 3);
        room.run();
        assertEquals(3, report(subscriber).lastN());
    }

    private SubscriberReport report(Transport subscriber) throws Exception {
        var future = room.router.subscriberReport(subscriber);
        room.run();
        return future.get(1, TimeUnit.SECONDS);
    }

    /** {@code n} one-packet frames on {@code ssrc}, the first a keyframe when {@code keyframeFirst}. */
    private void frames(Transport publisher, int ssrc, int n, boolean keyframeFirst) {
        for (int i = 0; i < n; i++) {
            picture++;
            seq++;
            room.receive(publisher, TestMedia.vp8(ssrc, seq, 3000L * picture, picture, picture, 0, false,
                    keyframeFirst && i == 0, 640, 360, 300), now);
        }
    }
}
