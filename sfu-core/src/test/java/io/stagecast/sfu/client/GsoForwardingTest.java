package io.stagecast.sfu.client;

import io.stagecast.sfu.MediaConfig;
import io.stagecast.sfu.dtls.DtlsRole;
import io.stagecast.sfu.metrics.MediaMetrics;
import io.stagecast.sfu.router.CodecSpec;
import io.stagecast.sfu.router.ConsumerSpec;
import io.stagecast.sfu.router.MediaKind;
import io.stagecast.sfu.router.Producer;
import io.stagecast.sfu.router.ProducerSpec;
import io.stagecast.sfu.router.Router;
import io.stagecast.sfu.router.StreamSpec;
import io.stagecast.sfu.transport.LoopConfinement;
import io.stagecast.sfu.transport.Transport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static io.stagecast.sfu.client.LoopbackNode.eventually;
import static io.stagecast.sfu.client.LoopbackNode.settle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * UDP GSO over real UDP on loopback ({@code media.gso}): a publisher on loop 0 sends paced VP8
 * frames of {@value #EQUAL} equal packets and a shorter last one; viewers on both loops (the
 * other loop's through the producer's replica) receive every packet, decrypt it, whole and in
 * order within its frame. With GSO on the node's counters show runs of more than one segment
 * per send; with it off, none.
 */
class GsoForwardingTest {
    private static final int VP8_PT = 96;
    private static final int OPUS_PT = 111;
    private static final int FRAMES = 40;
    private static final int EQUAL = 4;
    private static final int PACKETS = FRAMES * (EQUAL + 1);
    private static final int VIEWERS_PER_LOOP = 2;

    /** One received packet: frame, index in the frame, marker, payload intact. */
    private record Got(int seq, long timestamp, int frame, int index, boolean marker, boolean intact) {
    }

    @ParameterizedTest(name = "gso={0}")
    @ValueSource(booleans = {true, false})
    void everyViewerOnBothLoopsGetsEveryPacketOfEveryFrameInOrder(boolean gso) throws Exception {
        if (gso) {
            Assumptions.assumeTrue(MediaConfig.gsoSupported(), "UDP GSO (epoll, UDP_SEGMENT) on this machine");
        }
        long violationsBefore = LoopConfinement.violations();
        try (LoopbackNode loopback = new LoopbackNode(MediaConfig.loopback().withEventLoops(2).withGso(gso))) {
            SyntheticPeer publisher = new SyntheticPeer(DtlsRole.CLIENT);
            Transport publisherTransport = loopback.connected(publisher, 0);
            publisherTransport.setPublishAllowed(true);
            Router router = loopback.node.createRouter("gso");
            Producer audio = router.createProducer(publisherTransport, new ProducerSpec(MediaKind.AUDIO, "0",
                    new CodecSpec("opus", OPUS_PT, 48000, 2, "", -1, List.of()), List.of(new StreamSpec(0x1111, null)),
                    Map.of()));
            Producer video = router.createProducer(publisherTransport, new ProducerSpec(MediaKind.VIDEO, "1",
                    new CodecSpec("VP8", VP8_PT, 90000, 0, "", -1, List.of("nack", "nack pli")),
                    List.of(new StreamSpec(0x4444, null)), Map.of()));
            List<SyntheticPeer> viewers = new ArrayList<>();
            List<Transport> transports = new ArrayList<>();
            List<List<Got>> received = new ArrayList<>();
            for (int loop = 0; loop < 2; loop++) {
                for (int i = 0; i < VIEWERS_PER_LOOP; i++) {
                    SyntheticPeer viewer = new SyntheticPeer(DtlsRole.CLIENT);
                    List<Got> got = Collections.synchronizedList(new ArrayList<>());
                    viewer.setRtpListener((packet, nanos) -> {
                        if (packet.ssrc() == 0x5555) {
                            got.add(read(packet));
                        }
                    });
                    Transport transport = loopback.connected(viewer, loop);
                    assertEquals(loop, transport.loopIndex());
                    router.createConsumer(transport, audio, new ConsumerSpec(0x2222, 0, OPUS_PT, -1, Map.of()));
                    router.createConsumer(transport, video, new ConsumerSpec(0x5555, 0, VP8_PT, -1, Map.of()));
                    viewers.add(viewer);
                    transports.add(transport);
                    received.add(got);
                }
            }
            for (int round = 0; round < 2; round++) { // the replica's hand-over: origin's loop, then back
                for (Transport t : transports) {
                    settle(t);
                }
                settle(publisherTransport);
            }
            MediaMetrics metrics = loopback.node.metrics();
            long sendsBefore = metrics.gsoSends();
            long segmentsBefore = metrics.gsoSegments();

            int seq = 7000;
            for (int frame = 0; frame < FRAMES; frame++) {
                for (int index = 0; index <= EQUAL; index++) {
                    boolean last = index == EQUAL;
                    publisher.sendRtp(0x4444, VP8_PT, seq++, 3000L * frame, last, payload(frame, index, last));
                    Thread.sleep(2); // paced like a browser's or the load generator's packetizer
                }
                publisher.sendRtp(0x1111, OPUS_PT, 100 + frame, 960L * frame, false, new byte[] {1, 2, 3, 4});
            }
            for (int v = 0; v < viewers.size(); v++) {
                SyntheticPeer viewer = viewers.get(v);
                List<Got> got = received.get(v);
                eventually("viewer " + v + " (loop " + v / VIEWERS_PER_LOOP + ") gets " + PACKETS + " video packets",
                        () -> got.size() == PACKETS);
                assertEquals(0, viewer.authFailures(), "every packet decrypts");
                eventually("viewer " + v + " gets the audio beside", () -> viewer.stream(0x2222) != null
                        && viewer.stream(0x2222).packets() == FRAMES);
                synchronized (got) {
                    for (int i = 0; i < PACKETS; i++) {
                        Got g = got.get(i);
                        assertTrue(g.intact(), "packet " + i + " whole: " + g);
                        assertEquals(i / (EQUAL + 1), g.frame(), "frames in order at " + i);
                        assertEquals(i % (EQUAL + 1), g.index(), "in order within the frame at " + i);
                        assertEquals(g.index() == EQUAL, g.marker(), "marker on the last");
                        if (i > 0) {
                            assertEquals((got.get(i - 1).seq() + 1) & 0xFFFF, g.seq(), "sequence continues at " + i);
                        }
                    }
                }
            }
            long sends = metrics.gsoSends() - sendsBefore;
            long segments = metrics.gsoSegments() - segmentsBefore;
            var registry = loopback.node.metrics().registry();
            double scraped = registry.get("stagecast.media.send.gso.sends").functionCounter().count();
            if (gso) {
                assertTrue(sends > 0, "GSO sends");
                double perSend = (double) segments / sends;
                // Every frame's 5 packets to each viewer could be one send; paced 2 ms apart, a
                // frame is cut only by a loop's tick or a late packet.
                assertTrue(perSend > 1.5, "segments per send " + perSend);
                assertTrue(segments >= PACKETS * viewers.size() / 2,
                        "most video went out segmented: " + segments + " of " + PACKETS * viewers.size());
                assertTrue(scraped >= sends, "/metrics counts them");
            } else {
                assertEquals(0, sends, "no GSO send with media.gso off");
                assertEquals(0, segments);
                assertEquals(0, scraped);
            }
            for (SyntheticPeer viewer : viewers) {
                viewer.close();
            }
            publisher.close();
            router.close();
            for (Transport t : transports) {
                LoopbackNode.closeAndSettle(t);
            }
            LoopbackNode.closeAndSettle(publisherTransport);
        }
        assertEquals(violationsBefore, LoopConfinement.violations(), "loop-owned state touched off its loop");
    }

    /**
     * VP8 (RFC 7741): the first packet of a frame has S=1 and the payload header (P=0 and the
     * start code on frame 0, a keyframe); the rest S=0. Equal packets 1000 B, the last 620 B;
     * after the descriptor, frame and index, then a filler that tells a cut or merged segment.
     */
    private static byte[] payload(int frame, int index, boolean last) {
        byte[] p = new byte[last ? 620 : 1000];
        if (index == 0) {
            p[0] = 0x10;
            p[1] = (byte) (frame == 0 ? 0x00 : 0x01);
            p[2] = (byte) 0x9d;
            p[3] = 0x01;
            p[4] = 0x2a;
        }
        p[8] = (byte) frame;
        p[9] = (byte) index;
        for (int i = 10; i < p.length; i++) {
            p[i] = (byte) (frame * 7 + index + i);
        }
        return p;
    }

    private static Got read(io.stagecast.sfu.rtp.RtpPacket packet) {
        byte[] b = packet.buffer();
        int off = packet.payloadOffset();
        int len = packet.payloadLength();
        int frame = b[off + 8] & 0xFF;
        int index = b[off + 9];
        boolean intact = len == (index == EQUAL ? 620 : 1000);
        for (int i = 10; intact && i < len; i++) {
            intact = b[off + i] == (byte) (frame * 7 + index + i);
        }
        return new Got(packet.sequenceNumber(), packet.timestamp(), frame, index, packet.marker(), intact);
    }
}
