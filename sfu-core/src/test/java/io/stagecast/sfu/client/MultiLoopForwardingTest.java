package io.stagecast.sfu.client;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.util.ResourceLeakDetector;
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
import io.stagecast.sfu.transport.LoopConfinement;
import io.stagecast.sfu.transport.Transport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.stagecast.sfu.client.LoopbackNode.eventually;
import static io.stagecast.sfu.client.LoopbackNode.settle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 10: transports of one room on different media loops, over real UDP on loopback. A
 * publisher's packets reach viewers on its own loop directly and viewers on the other loop
 * through that loop's replica; state stays on its loop (checked by {@link LoopConfinement}'s
 * assertions, surefire runs with -ea); closing everything while packets flow on both loops
 * leaks nothing (Netty's leak detector on PARANOID) and throws nowhere.
 */
class MultiLoopForwardingTest {
    private static final int OPUS_PT = 111;
    private static final int VP8_PT = 96;
    /** Short, so that consent expiry is part of the teardown under load. */
    private static final java.time.Duration CONSENT_TIMEOUT = java.time.Duration.ofSeconds(2);
    private static LoopbackNode loopback;
    private static ResourceLeakDetector.Level leakLevel;
    private static final ListAppender<ILoggingEvent> problems = new ListAppender<>();

    @BeforeAll
    static void startNode() throws InterruptedException {
        leakLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        problems.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(problems);
        loopback = new LoopbackNode(MediaConfig.loopback().withEventLoops(2).withConsentTimeout(CONSENT_TIMEOUT));
    }

    @AfterAll
    static void stopNode() {
        loopback.close();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(problems);
        ResourceLeakDetector.setLevel(leakLevel);
    }

    /** Viewers, half on each loop, of one audio and one video track published on {@code publisherLoop}. */
    private static final class Room implements AutoCloseable {
        final SyntheticPeer publisher = new SyntheticPeer(DtlsRole.CLIENT);
        final List<SyntheticPeer> viewers = new ArrayList<>();
        final List<Transport> viewerTransports = new ArrayList<>();
        final Transport publisherTransport;
        final Router router;
        final Producer audio;
        final Producer video;

        Room(int publisherLoop, int viewersPerLoop) throws Exception {
            publisherTransport = loopback.connected(publisher, publisherLoop);
            publisherTransport.setPublishAllowed(true);
            router = loopback.node.createRouter("multi-loop");
            audio = router.createProducer(publisherTransport, new ProducerSpec(MediaKind.AUDIO, "0",
                    new CodecSpec("opus", OPUS_PT, 48000, 2, "", -1, List.of()), List.of(new StreamSpec(0x1111, null)),
                    Map.of()));
            video = router.createProducer(publisherTransport, new ProducerSpec(MediaKind.VIDEO, "1",
                    new CodecSpec("VP8", VP8_PT, 90000, 0, "", -1, List.of("nack", "nack pli")),
                    List.of(new StreamSpec(0x4444, null)), Map.of()));
            for (int loop = 0; loop < 2; loop++) {
                for (int i = 0; i < viewersPerLoop; i++) {
                    SyntheticPeer viewer = new SyntheticPeer(DtlsRole.CLIENT);
                    viewers.add(viewer);
                    Transport transport = loopback.connected(viewer, loop);
                    assertEquals(loop, transport.loopIndex());
                    viewerTransports.add(transport);
                    router.createConsumer(transport, audio, new ConsumerSpec(0x2222, 0, OPUS_PT, -1, Map.of()));
                    router.createConsumer(transport, video, new ConsumerSpec(0x5555, 0, VP8_PT, -1, Map.of()));
                }
            }
            for (Transport t : viewerTransports) {
                settle(t);
            }
            settle(publisherTransport);
            // The replicas' hand-over (origin's loop, then back) has run once both loops settled again.
            for (Transport t : viewerTransports) {
                settle(t);
            }
            settle(publisherTransport);
        }

        void sendAudio(int i) {
            publisher.sendRtp(0x1111, OPUS_PT, 1000 + i, 960L * i, false, new byte[] {(byte) i, 1, 2, 3});
        }

        /** One-packet VP8 frames (RFC 7741: S=1, partition 0; P=0 a keyframe). */
        void sendVideo(int i, boolean keyframe) {
            byte[] payload = new byte[900];
            payload[0] = 0x10;
            payload[1] = (byte) (keyframe ? 0x00 : 0x01);
            payload[2] = (byte) 0x9d;
            payload[3] = 0x01;
            payload[4] = 0x2a;
            publisher.sendRtp(0x4444, VP8_PT, 5000 + i, 3000L * i, true, payload);
        }

        @Override
        public void close() {
            for (SyntheticPeer viewer : viewers) {
                viewer.close();
            }
            publisher.close();
            router.close();
            for (Transport t : viewerTransports) {
                LoopbackNode.closeAndSettle(t);
            }
            LoopbackNode.closeAndSettle(publisherTransport);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void everyViewerOnEitherLoopReceivesEveryPacket(int publisherLoop) throws Exception {
        long violationsBefore = LoopConfinement.violations();
        try (Room room = new Room(publisherLoop, 3)) {
            room.sendVideo(0, true);
            for (int i = 1; i <= 300; i++) {
                room.sendAudio(i);
                if (i % 3 == 0) {
                    room.sendVideo(i / 3, false);
                }
                if (i % 50 == 0) {
                    Thread.sleep(5); // paced a little: the peers' sockets are not what is measured
                }
            }
            for (SyntheticPeer viewer : room.viewers) {
                eventually("viewer " + viewer + " gets 300 audio and 101 video packets",
                        () -> viewer.stream(0x2222) != null && viewer.stream(0x2222).packets() == 300
                                && viewer.stream(0x5555) != null && viewer.stream(0x5555).packets() == 101);
                assertEquals(0, viewer.stream(0x2222).sequenceGaps(), "audio sequence continues");
                assertEquals(0, viewer.stream(0x5555).sequenceGaps(), "video sequence continues");
                assertEquals(0, viewer.authFailures());
            }
            // A keyframe request from a viewer on the other loop reaches the publisher.
            SyntheticPeer remote = room.viewers.get(publisherLoop == 0 ? 3 : 0);
            long before = room.publisher.keyframeRequestsReceived();
            byte[] rtcp = new byte[64];
            int len = RtcpWriters.writeReceiverReport(rtcp, 0, 0x7777, new ReportBlock[0], 0);
            len += RtcpWriters.writePli(rtcp, len, 0x7777, 0x5555);
            assertTrue(remote.sendRtcp(rtcp, len));
            eventually("the other loop's PLI reaches the publisher", () -> room.publisher.keyframeRequestsReceived() > before);
            // Per loop in /metrics: both loops read datagrams, own transports, report busy and queue.
            var registry = loopback.node.metrics().registry();
            for (String loop : List.of("0", "1")) {
                assertTrue(registry.get("stagecast.media.loop.packets").tag("loop", loop).functionCounter().count() > 0,
                        "loop " + loop + " read datagrams");
                assertTrue(registry.get("stagecast.media.loop.transports").tag("loop", loop).gauge().value() >= 3,
                        "loop " + loop + " owns its transports");
                double busy = registry.get("stagecast.media.loop.busy").tag("loop", loop).gauge().value();
                assertTrue(busy >= 0 && busy <= 1, "busy fraction " + busy);
                assertTrue(registry.get("stagecast.media.loop.queue").tag("loop", loop).gauge().value() >= 0);
            }
        }
        assertEquals(violationsBefore, LoopConfinement.violations(), "loop-owned state touched off its loop");
    }

    @Test
    void eachTransportsCandidateNamesItsOwnLoopsPort() {
        Transport first = loopback.node.createTransport(0, null);
        Transport second = loopback.node.createTransport(1, null);
        try {
            assertEquals(loopback.node.ports(), List.of(first.localPort(), second.localPort()));
            assertTrue(first.localPort() != second.localPort(), "one port per loop");
            assertTrue(loopback.node.iceCandidates(second).get(0).endsWith(" " + second.localPort() + " typ host"),
                    loopback.node.iceCandidates(second).toString());
            assertTrue(loopback.node.iceCandidates(first).get(0).endsWith(" " + first.localPort() + " typ host"));
        } finally {
            LoopbackNode.closeAndSettle(first);
            LoopbackNode.closeAndSettle(second);
        }
    }

    @Test
    void teardownWhilePacketsFlowOnTwoLoopsLeaksNothing() throws Exception {
        long violationsBefore = LoopConfinement.violations();
        problems.list.clear();
        int transportsBefore = loopback.node.transportCount();
        Room room = new Room(0, 4);
        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicBoolean silenced = new AtomicBoolean(false);
        Thread sender = new Thread(() -> {
            int i = 0;
            room.sendVideo(i++, true);
            while (sending.get()) {
                room.sendAudio(i);
                room.sendVideo(i, i % 30 == 0);
                // RTCP from every viewer too: receiver reports, PLIs and NACKs cross the loops.
                int v = i % room.viewers.size();
                SyntheticPeer viewer = room.viewers.get(v);
                if (silenced.get() && (v == 1 || v == 5)) {
                    i++;
                    continue; // authenticated SRTCP would prove consent
                }
                byte[] rtcp = new byte[128];
                int len = RtcpWriters.writeReceiverReport(rtcp, 0, 0x7777, new ReportBlock[0], 0);
                len += RtcpWriters.writePli(rtcp, len, 0x7777, 0x5555);
                len += RtcpWriters.writeNack(rtcp, len, 0x7777, 0x5555, new int[] {(i - 3) & 0xFFFF}, 1);
                viewer.sendRtcp(rtcp, len);
                i++;
                if (i % 20 == 0) {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }, "multi-loop-sender");
        sender.start();
        try {
            eventually("media flows to the last viewer", () -> room.viewers.get(7).rtpReceived() > 100);
            // Two viewers (one per loop) go silent: their consent expires while packets flow.
            silenced.set(true);
            room.viewers.get(1).stopConsent();
            room.viewers.get(5).stopConsent();
            // Others leave on both loops, then the track, the room, the publisher.
            for (int i = 0; i < room.viewerTransports.size(); i += 2) {
                room.viewerTransports.get(i).close();
                Thread.sleep(20);
            }
            eventually("the silent viewers' consent expires", CONSENT_TIMEOUT.multipliedBy(4),
                    () -> room.viewerTransports.get(1).state() == io.stagecast.sfu.transport.TransportState.CLOSED
                            && room.viewerTransports.get(5).state() == io.stagecast.sfu.transport.TransportState.CLOSED);
            room.video.close();
            Thread.sleep(100);
            room.router.close();
            Thread.sleep(100);
        } finally {
            sending.set(false);
            sender.join(5000);
            room.close();
        }
        eventually("every transport of the room is gone", () -> loopback.node.transportCount() == transportsBefore);
        // Leaks are found when a leaked buffer is collected and the detector next looks.
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
            io.netty.buffer.ByteBuf probe = io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(64);
            probe.release();
        }
        assertEquals(violationsBefore, LoopConfinement.violations(), "loop-owned state touched off its loop");
        List<String> seen = new ArrayList<>();
        for (ILoggingEvent event : new ArrayList<>(problems.list)) {
            boolean leak = event.getFormattedMessage().contains("LEAK");
            if (leak || (event.getLevel().isGreaterOrEqual(Level.WARN) && event.getThrowableProxy() != null)) {
                seen.add(event.getLevel() + " " + event.getLoggerName() + ": " + event.getFormattedMessage()
                        + (event.getThrowableProxy() == null ? "" : " " + event.getThrowableProxy().getClassName()));
            }
        }
        assertEquals(List.of(), seen, "no exception and no leaked buffer while tearing down on two loops");
    }
}
