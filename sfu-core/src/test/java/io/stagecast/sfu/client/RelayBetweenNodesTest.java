package io.stagecast.sfu.client;

import io.stagecast.sfu.MediaConfig;
import io.stagecast.sfu.dtls.DtlsRole;
import io.stagecast.sfu.router.CodecSpec;
import io.stagecast.sfu.router.Consumer;
import io.stagecast.sfu.router.ConsumerSpec;
import io.stagecast.sfu.router.MediaKind;
import io.stagecast.sfu.router.Producer;
import io.stagecast.sfu.router.ProducerSpec;
import io.stagecast.sfu.router.Router;
import io.stagecast.sfu.router.StreamSpec;
import io.stagecast.sfu.rtcp.ReportBlock;
import io.stagecast.sfu.rtcp.RtcpWriters;
import io.stagecast.sfu.rtp.RtpExtensionUris;
import io.stagecast.sfu.srtp.SrtpMasterKeys;
import io.stagecast.sfu.srtp.SrtpProfile;
import io.stagecast.sfu.transport.Transport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static io.stagecast.sfu.client.LoopbackNode.eventually;
import static io.stagecast.sfu.client.LoopbackNode.onLoop;
import static io.stagecast.sfu.client.LoopbackNode.settle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14, item 3, in the media plane: two nodes on loopback (origin and edge, each its own
 * {@code MediaNode}, real UDP between them), a relay transport at each end keyed through what
 * would be the cluster's control channel, the origin's {@code RelayConsumer} of each track and
 * the edge's producer of it. A publisher on the origin; viewers on both nodes.
 */
class RelayBetweenNodesTest {
    private static final int VIDEO_SSRC = 0x4444;
    private static final int AUDIO_SSRC = 0x1111;
    private static final int VP8_PT = 96;
    private static final int OPUS_PT = 111;
    private static final CodecSpec VP8 = new CodecSpec("VP8", VP8_PT, 90000, 0, "", -1, List.of("nack", "nack pli"));
    private static final CodecSpec OPUS = new CodecSpec("opus", OPUS_PT, 48000, 2, "", -1, List.of());

    private static LoopbackNode origin;
    private static LoopbackNode edge;

    private final List<AutoCloseable> opened = new ArrayList<>();
    private SyntheticPeer publisher;
    private Transport publisherTransport;
    private Router originRouter;
    private Router edgeRouter;
    private Producer video;
    private Producer audio;
    private Transport originRelay;
    private Transport edgeRelay;
    private Consumer relayedVideo;
    private Consumer relayedAudio;
    private Producer edgeVideo;
    private Producer edgeAudio;

    /** Short, so an idle relay without its keep-alive would be closed within the test (peers check every 2 s). */
    private static final java.time.Duration CONSENT = java.time.Duration.ofMillis(3500);

    @BeforeAll
    static void startNodes() throws InterruptedException {
        origin = new LoopbackNode(MediaConfig.loopback().withConsentTimeout(CONSENT));
        edge = new LoopbackNode(MediaConfig.loopback().withConsentTimeout(CONSENT));
    }

    @AfterAll
    static void stopNodes() {
        origin.close();
        edge.close();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    /** Publisher on the origin, its VP8 and Opus relayed to the edge. */
    private void relayedRoom() throws Exception {
        publisher = peer();
        publisherTransport = origin.connected(publisher);
        publisherTransport.setPublishAllowed(true);
        opened.add(() -> LoopbackNode.closeAndSettle(publisherTransport));
        originRouter = origin.node.createRouter("room");
        opened.add(originRouter::close);
        video = originRouter.createProducer(publisherTransport, new ProducerSpec(MediaKind.VIDEO, "1", VP8,
                List.of(new StreamSpec(VIDEO_SSRC, null)), Map.of(RtpExtensionUris.TRANSPORT_CC, 3)));
        audio = originRouter.createProducer(publisherTransport, new ProducerSpec(MediaKind.AUDIO, "0", OPUS,
                List.of(new StreamSpec(AUDIO_SSRC, null)), Map.of()));

        // What the control channel carries: the edge asks, with its relay's port and fresh keys;
        // the origin answers with its own end's port and the tracks' specs.
        SrtpMasterKeys keys = SrtpMasterKeys.random(SrtpProfile.AEAD_AES_128_GCM);
        edgeRelay = edge.node.createRelayTransport(null, true);
        opened.add(() -> LoopbackNode.closeAndSettle(edgeRelay));
        originRelay = origin.node.createRelayTransport(null, false);
        opened.add(() -> LoopbackNode.closeAndSettle(originRelay));
        originRelay.connectRelay(loopback(edgeRelay.localPort()), keys.mirrored());
        edgeRelay.setPublishAllowed(true);
        edgeRelay.connectRelay(loopback(originRelay.localPort()), keys);
        relayedVideo = originRouter.createRelayConsumer(originRelay, video);
        relayedAudio = originRouter.createRelayConsumer(originRelay, audio);

        edgeRouter = edge.node.createRouter("room");
        opened.add(edgeRouter::close);
        edgeVideo = edgeRouter.createProducer(edgeRelay, video.relaySpec());
        edgeAudio = edgeRouter.createProducer(edgeRelay, audio.relaySpec());
        settle(publisherTransport, originRelay, edgeRelay);
        eventually("both ends connected", () -> originRelay.isConnected() && edgeRelay.isConnected());
    }

    private static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    private SyntheticPeer peer() {
        SyntheticPeer peer = new SyntheticPeer(DtlsRole.CLIENT);
        opened.add(peer::close);
        return peer;
    }

    /** A viewer of both tracks on {@code node}; its video arrives as 0x5000 + n, its audio as 0x6000 + n. */
    private SyntheticPeer viewer(LoopbackNode node, Router router, Producer v, Producer a, int n) throws Exception {
        SyntheticPeer peer = peer();
        Transport transport = node.connected(peer);
        opened.add(() -> LoopbackNode.closeAndSettle(transport));
        router.createConsumer(transport, v, new ConsumerSpec(0x5000 + n, 0, VP8_PT, -1, Map.of()));
        router.createConsumer(transport, a, new ConsumerSpec(0x6000 + n, 0, OPUS_PT, -1, Map.of()));
        settle(transport);
        return peer;
    }

    private void sendVideo(int index, boolean keyframe) {
        byte[] payload = {0x10, (byte) (keyframe ? 0x00 : 0x01), (byte) 0x9d, 0x01, 0x2a, (byte) index};
        assertTrue(publisher.sendRtp(VIDEO_SSRC, VP8_PT, 5000 + index, 3000L * index, true, payload));
    }

    private void sendAudio(int index) {
        byte[] payload = new byte[60];
        payload[0] = (byte) index;
        assertTrue(publisher.sendRtp(AUDIO_SSRC, OPUS_PT, 1000 + index, 960L * index, false, payload));
    }

    private static long received(SyntheticPeer peer, int ssrc) {
        ReceivedStream stream = peer.stream(ssrc);
        return stream == null ? 0 : stream.packets();
    }

    @Test
    void viewersOnBothNodesGetEveryPacketAndEachTrackCrossesOnce() throws Exception {
        relayedRoom();
        SyntheticPeer here = viewer(origin, originRouter, video, audio, 0);
        List<SyntheticPeer> there = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            there.add(viewer(edge, edgeRouter, edgeVideo, edgeAudio, n));
        }
        int packets = 200;
        for (int i = 0; i < packets; i++) {
            sendVideo(i, i == 0);
            sendAudio(i);
            if (i % 20 == 19) {
                Thread.sleep(5); // a publisher paces its packets; 40 at once could overrun a socket buffer
            }
        }
        eventually("the origin's viewer got every packet", () -> received(here, 0x5000) == packets
                && received(here, 0x6000) == packets);
        for (int n = 1; n <= 3; n++) {
            SyntheticPeer viewer = there.get(n - 1);
            int v = 0x5000 + n;
            int a = 0x6000 + n;
            eventually("edge viewer " + n + " got every packet", () -> received(viewer, v) == packets
                    && received(viewer, a) == packets);
            assertEquals(0, viewer.stream(v).sequenceGaps(), "edge viewer " + n + ": video in order, no gap");
        }
        // Once per packet across the nodes, not once per edge viewer.
        assertEquals(packets, onLoop(originRelay, relayedVideo::packetsSent));
        assertEquals(packets, onLoop(originRelay, relayedAudio::packetsSent));
        assertEquals(1, edge.node.relaySocketCount(), "one relay socket on the edge for the room");
    }

    @Test
    void aPacketTheRelayMissedIsRecoveredByTheEdgesNackFromTheOriginsCache() throws Exception {
        relayedRoom();
        SyntheticPeer here = viewer(origin, originRouter, video, audio, 0);
        SyntheticPeer there = viewer(edge, edgeRouter, edgeVideo, edgeAudio, 1);
        Set<Integer> edgeSeqs = ConcurrentHashMap.newKeySet();
        there.setRtpListener((rtp, nanos) -> {
            if (rtp.ssrc() == 0x5001) {
                edgeSeqs.add(rtp.sequenceNumber());
            }
        });
        for (int i = 0; i < 5; i++) {
            sendVideo(i, i == 0);
        }
        eventually("the first five at the edge", () -> edgeSeqs.size() == 5);
        // The relay misses packet 5 (paused across the nodes only); the origin's viewer has it.
        relayedVideo.setPaused(true);
        settle(originRelay);
        sendVideo(5, false);
        eventually("packet 5 on the origin", () -> received(here, 0x5000) == 6);
        relayedVideo.setPaused(false);
        settle(originRelay);
        for (int i = 6; i < 12; i++) {
            sendVideo(i, false);
            Thread.sleep(20);
        }
        eventually("the edge's viewer has all 12, packet 5 resent from the origin's cache",
                () -> edgeSeqs.size() == 12);
        assertEquals(0, publisher.nacksReceived(), "the publisher was never asked: the origin had the packet");
    }

    @Test
    void keyframeRequestsOfEdgeViewersReachThePublisherAggregated() throws Exception {
        relayedRoom();
        List<SyntheticPeer> there = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            there.add(viewer(edge, edgeRouter, edgeVideo, edgeAudio, n));
        }
        sendVideo(0, true);
        eventually("video at the edge", () -> received(there.get(2), 0x5003) == 1);
        Thread.sleep(1100); // past the start's requests and their hold-off
        long before = publisher.keyframeRequestsReceived();
        byte[] rtcp = new byte[256];
        for (int round = 0; round < 3; round++) {
            for (int n = 1; n <= 3; n++) {
                int len = RtcpWriters.writeReceiverReport(rtcp, 0, 0x7000 + n, new ReportBlock[0], 0);
                len += RtcpWriters.writePli(rtcp, len, 0x7000 + n, 0x5000 + n);
                assertTrue(there.get(n - 1).sendRtcp(rtcp, len));
            }
        }
        eventually("a keyframe request reaches the publisher", () -> publisher.keyframeRequestsReceived() > before);
        Thread.sleep(300);
        long asked = publisher.keyframeRequestsReceived() - before;
        assertTrue(asked <= 2, "9 requests from 3 edge viewers reach the publisher as at most 2, got " + asked);
    }

    @Test
    void everySimulcastLayerCrossesAndTheEdgeChoosesForItsViewers() throws Exception {
        relayedRoom();
        int low = 0x8001;
        int high = 0x8002;
        Producer simulcast = originRouter.createProducer(publisherTransport, new ProducerSpec(MediaKind.VIDEO, "2", VP8,
                List.of(new StreamSpec(low, "l"), new StreamSpec(high, "h")), Map.of()));
        Consumer relayed = originRouter.createRelayConsumer(originRelay, simulcast);
        Producer atEdge = edgeRouter.createProducer(edgeRelay, simulcast.relaySpec());
        SyntheticPeer viewer = peer();
        Transport transport = edge.connected(viewer);
        opened.add(() -> LoopbackNode.closeAndSettle(transport));
        edgeRouter.createConsumer(transport, atEdge, new ConsumerSpec(0x9001, 0, VP8_PT, -1, Map.of()));
        settle(transport, originRelay, edgeRelay);
        int frames = 30;
        for (int i = 0; i < frames; i++) {
            for (int ssrc : new int[]{low, high}) {
                byte[] payload = {0x10, (byte) (i == 0 ? 0x00 : 0x01), (byte) 0x9d, 0x01, 0x2a, (byte) i};
                assertTrue(publisher.sendRtp(ssrc, VP8_PT, (ssrc == low ? 100 : 9000) + i, 3000L * i, true, payload));
            }
            Thread.sleep(2);
        }
        // No viewer on the origin wants the high layer, yet it crosses: the edge's viewers may.
        eventually("both layers cross, every packet", () -> {
            try {
                return onLoop(originRelay, relayed::packetsSent) == 2L * frames;
            } catch (Exception e) {
                return false;
            }
        });
        eventually("the edge's viewer starts on a layer of its own allocation", () -> received(viewer, 0x9001) >= frames - 1);
        assertEquals(0, viewer.stream(0x9001).sequenceGaps(), "one layer, continuous numbers");
    }

    /** Frames {@code from} until {@code to} on both layers (0x8001 low, 0x8002 high), frame 0 a keyframe. */
    private void sendSimulcast(int from, int to) throws InterruptedException {
        for (int i = from; i < to; i++) {
            for (int ssrc : new int[]{0x8001, 0x8002}) {
                byte[] payload = {0x10, (byte) (i == 0 ? 0x00 : 0x01), (byte) 0x9d, 0x01, 0x2a, (byte) i};
                assertTrue(publisher.sendRtp(ssrc, VP8_PT, (ssrc == 0x8001 ? 100 : 9000) + i, 3000L * i, true, payload));
            }
            Thread.sleep(2);
        }
    }

    private double originNacks() {
        double n = origin.node.metrics().nacksAnswered();
        for (io.stagecast.sfu.metrics.NackRefusal reason : io.stagecast.sfu.metrics.NackRefusal.values()) {
            n += origin.node.metrics().nacksRefused(reason);
        }
        return n;
    }

    @Test
    void onlyTheLayersTheEdgeNeedsCrossAndOneAskedForAgainResumesWithAKeyframeAndNoNack() throws Exception {
        relayedRoom();
        List<List<Boolean>> demand = new java.util.concurrent.CopyOnWriteArrayList<>();
        Producer simulcast = originRouter.createProducer(publisherTransport, new ProducerSpec(MediaKind.VIDEO, "2", VP8,
                List.of(new StreamSpec(0x8001, "l"), new StreamSpec(0x8002, "h")), Map.of()));
        originRouter.setEvents(new io.stagecast.sfu.router.RouterEvents() {
            @Override
            public void onLayerDemand(Producer producer, List<Boolean> needed) {
                if (producer == simulcast) {
                    demand.add(needed);
                }
            }
        });
        Consumer relayed = originRouter.createRelayConsumer(originRelay, simulcast);
        edgeRouter.createProducer(edgeRelay, simulcast.relaySpec());
        settle(publisherTransport, originRelay, edgeRelay);
        // Counted in ranges, not exactly: a loaded machine may drop a datagram on loopback.
        sendSimulcast(0, 20);
        eventually("both layers cross at first", () -> packetsSent(relayed) >= 36);
        Thread.sleep(100);

        // The edge's viewers need only the low layer: the high one stops crossing, and since no
        // viewer at the origin needs it either, the publisher is told it may pause it.
        relayed.setRelayedStreams(0b01);
        settle(originRelay);
        long first = packetsSent(relayed);
        sendSimulcast(20, 50);
        Thread.sleep(200);
        long lowOnly = packetsSent(relayed) - first;
        assertTrue(lowOnly >= 27 && lowOnly <= 30, "only the low layer's 30 packets of 60 crossed: " + lowOnly);
        eventually("the origin reports the high layer unneeded", java.time.Duration.ofSeconds(6),
                () -> demand.contains(List.of(true, false)));

        // Needed again at the edge: the publisher is asked for a keyframe at once, the layer
        // crosses again, and its jump in sequence numbers at the edge (the 30 packets not relayed,
        // silent for seconds) is a pause, not loss: no NACK reaches the origin.
        long keyframes = publisher.keyframeRequestsReceived();
        double nacks = originNacks();
        relayed.setRelayedStreams(0b11);
        eventually("a keyframe request reaches the publisher", () -> publisher.keyframeRequestsReceived() > keyframes);
        eventually("the origin reports the high layer needed", () -> demand.get(demand.size() - 1).equals(List.of(true, true)));
        long before = packetsSent(relayed);
        sendSimulcast(50, 70);
        eventually("both layers cross again", () -> packetsSent(relayed) - before >= 36);
        Thread.sleep(300); // a few NACK rounds at the edge
        // Without the restart the edge NACKs all 30 skipped packets; a datagram a loaded machine
        // drops on loopback may cost a NACK or two.
        double asked = originNacks() - nacks;
        assertTrue(asked <= 3, "no NACK for the packets the edge chose not to get: " + asked);
    }

    private static long packetsSent(Consumer consumer) {
        try {
            return onLoop(consumer.transport(), consumer::packetsSent);
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void aMutedTrackStopsAtTheOriginForViewersOnEveryNode() throws Exception {
        relayedRoom();
        SyntheticPeer there = viewer(edge, edgeRouter, edgeVideo, edgeAudio, 1);
        sendAudio(0);
        eventually("audio at the edge", () -> received(there, 0x6001) == 1);
        audio.setMuted(true); // what the stage does when a moderator removes the speaker
        settle(publisherTransport);
        long relayed = onLoop(originRelay, relayedAudio::packetsSent);
        for (int i = 1; i < 10; i++) {
            sendAudio(i);
        }
        Thread.sleep(300);
        assertEquals(1, received(there, 0x6001), "nothing after the mute reaches the edge's viewer");
        assertEquals(relayed, onLoop(originRelay, relayedAudio::packetsSent), "nothing crossed to the edge");
    }

    @Test
    void anIdleRelayStaysConnectedAndItsSocketClosesWithIt() throws Exception {
        relayedRoom();
        Thread.sleep(CONSENT.toMillis() + 1500); // nothing published: only the keep-alive reports cross
        assertTrue(onLoop(originRelay, originRelay::isConnected), "the origin's end is up past the consent timeout");
        assertTrue(onLoop(edgeRelay, edgeRelay::isConnected), "the edge's end is up past the consent timeout");
        assertEquals(1, edge.node.relaySocketCount());
        LoopbackNode.closeAndSettle(edgeRelay);
        eventually("the edge's relay socket is closed", () -> edge.node.relaySocketCount() == 0);
    }
}
