package io.stagecast.sfu.client;

import io.stagecast.sfu.MediaConfig;
import io.stagecast.sfu.dtls.DtlsRole;
import io.stagecast.sfu.metrics.DropReason;
import io.stagecast.sfu.metrics.NackRefusal;
import io.stagecast.sfu.router.CodecSpec;
import io.stagecast.sfu.router.ConsumerSpec;
import io.stagecast.sfu.router.MediaKind;
import io.stagecast.sfu.router.Producer;
import io.stagecast.sfu.router.ProducerSpec;
import io.stagecast.sfu.router.Router;
import io.stagecast.sfu.router.StreamSpec;
import io.stagecast.sfu.rtcp.ReportBlock;
import io.stagecast.sfu.rtcp.RtcpWriters;
import io.stagecast.sfu.rtp.RtpExtensionUris;
import io.stagecast.sfu.transport.Transport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.stagecast.sfu.client.LoopbackNode.eventually;
import static io.stagecast.sfu.client.LoopbackNode.settle;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How the node answers a subscriber's NACKs, seen from the subscriber's socket: a resend without
 * RTX is the first send's exact bytes (issue 8 item 2: one SRTP index, one packet), a NACK repeated
 * within a round trip is answered once, and one NACK packet gets at most 128 answers (item 16).
 */
class RetransmissionOverUdpTest {
    private static final int PUBLISHED_SSRC = 0x4444;
    private static final int CONSUMED_SSRC = 0x5555;
    private static final int RTX_SSRC = 0x5556;
    private static final int SUBSCRIBER_RTCP_SSRC = 0x7777;
    /** Extension ids as a browser's offer might number them, different on each side. */
    private static final int PUB_ABS_SEND_TIME = 2;
    private static final int PUB_TRANSPORT_CC = 3;
    private static final int SUB_ABS_SEND_TIME = 5;
    private static final int SUB_TRANSPORT_CC = 6;

    private static LoopbackNode loopback;

    @BeforeAll
    static void startNode() throws InterruptedException {
        loopback = new LoopbackNode(MediaConfig.loopback());
    }

    @AfterAll
    static void stopNode() {
        loopback.close();
    }

    /** A publisher of VP8 with abs-send-time and transport-cc, and one subscriber with or without RTX. */
    private static final class Setup implements AutoCloseable {
        final SyntheticPeer publisher = new SyntheticPeer(DtlsRole.CLIENT);
        final SyntheticPeer subscriber = new SyntheticPeer(DtlsRole.CLIENT);
        Transport publisherTransport;
        Transport subscriberTransport;
        Router router;

        Setup(boolean rtx) throws Exception {
            try {
                publisherTransport = loopback.connected(publisher);
                publisherTransport.setPublishAllowed(true);
                subscriberTransport = loopback.connected(subscriber);
                router = loopback.node.createRouter("nack");
                CodecSpec vp8 = new CodecSpec("VP8", 96, 90000, 0, "", -1, List.of("nack", "nack pli", "transport-cc"));
                Producer producer = router.createProducer(publisherTransport, new ProducerSpec(MediaKind.VIDEO, "1", vp8,
                        List.of(new StreamSpec(PUBLISHED_SSRC, null)),
                        Map.of(RtpExtensionUris.ABS_SEND_TIME, PUB_ABS_SEND_TIME, RtpExtensionUris.TRANSPORT_CC, PUB_TRANSPORT_CC)));
                router.createConsumer(subscriberTransport, producer, new ConsumerSpec(CONSUMED_SSRC, rtx ? RTX_SSRC : 0, 96,
                        rtx ? 97 : -1,
                        Map.of(RtpExtensionUris.ABS_SEND_TIME, SUB_ABS_SEND_TIME, RtpExtensionUris.TRANSPORT_CC, SUB_TRANSPORT_CC)));
                LoopbackNode.settle(publisherTransport, subscriberTransport);
            } catch (Exception | AssertionError e) {
                close();
                throw e;
            }
        }

        /** A one-packet VP8 frame carrying abs-send-time and transport-cc elements, as Chromium sends. */
        void sendVideo(int index, boolean keyframe) {
            byte[] p = new byte[12 + 12 + 200];
            p[0] = (byte) 0x90;
            p[1] = (byte) (0x80 | 96);
            int seq = 5000 + index;
            p[2] = (byte) (seq >>> 8);
            p[3] = (byte) seq;
            int ts = 3000 * index;
            p[4] = (byte) (ts >>> 24);
            p[5] = (byte) (ts >>> 16);
            p[6] = (byte) (ts >>> 8);
            p[7] = (byte) ts;
            p[8] = 0;
            p[9] = 0;
            p[10] = 0x44;
            p[11] = 0x44;
            // RFC 8285 one-byte form: abs-send-time (3 bytes), transport-cc (2 bytes), padding.
            p[12] = (byte) 0xBE;
            p[13] = (byte) 0xDE;
            p[14] = 0;
            p[15] = 2;
            p[16] = (byte) (PUB_ABS_SEND_TIME << 4 | 2);
            p[17] = 1;
            p[18] = 2;
            p[19] = (byte) index;
            p[20] = (byte) (PUB_TRANSPORT_CC << 4 | 1);
            p[21] = (byte) (index >>> 8);
            p[22] = (byte) index;
            p[23] = 0;
            byte[] vp8 = {0x10, (byte) (keyframe ? 0x00 : 0x01), (byte) 0x9d, 0x01, 0x2a, (byte) index};
            System.arraycopy(vp8, 0, p, 24, vp8.length);
            assertTrue(publisher.sendRtpPacket(p, 0, p.length));
        }

        void nack(int... seqs) {
            byte[] rtcp = new byte[1400];
            int len = RtcpWriters.writeReceiverReport(rtcp, 0, SUBSCRIBER_RTCP_SSRC, new ReportBlock[0], 0);
            len += RtcpWriters.writeNack(rtcp, len, SUBSCRIBER_RTCP_SSRC, CONSUMED_SSRC, seqs, seqs.length);
            assertTrue(subscriber.sendRtcp(rtcp, len));
        }

        @Override
        public void close() {
            publisher.close();
            subscriber.close();
            if (router != null) {
                router.close();
            }
            if (publisherTransport != null) {
                LoopbackNode.closeAndSettle(publisherTransport);
            }
            if (subscriberTransport != null) {
                LoopbackNode.closeAndSettle(subscriberTransport);
            }
        }
    }

    private static int seqOf(byte[] datagram) {
        return ((datagram[2] & 0xFF) << 8) | (datagram[3] & 0xFF);
    }

    private static int ssrcOf(byte[] datagram) {
        return ((datagram[8] & 0xFF) << 24) | ((datagram[9] & 0xFF) << 16) | ((datagram[10] & 0xFF) << 8) | (datagram[11] & 0xFF);
    }

    @Test
    void aResendWithoutRtxIsTheFirstSendByteForByte() throws Exception {
        try (Setup s = new Setup(false)) {
            Map<Integer, List<byte[]>> wire = new ConcurrentHashMap<>();
            s.subscriber.setDatagramListener((buf, len) -> {
                if ((buf[0] & 0xC0) == 0x80 && len > 12 && (buf[1] & 0x7F) == 96 && ssrcOf(buf) == CONSUMED_SSRC) {
                    wire.computeIfAbsent(seqOf(buf), k -> new CopyOnWriteArrayList<>()).add(Arrays.copyOf(buf, len));
                }
            });
            List<Integer> seqs = new CopyOnWriteArrayList<>();
            s.subscriber.setRtpListener((rtp, nanos) -> seqs.add(rtp.sequenceNumber()));
            s.sendVideo(0, true);
            for (int i = 1; i < 20; i++) {
                s.sendVideo(i, false);
            }
            eventually("video flows", () -> seqs.size() == 20);
            int lost = seqs.get(7);
            // The node's send time and transport-wide number differ from the publisher's: they were rewritten.
            Thread.sleep(30); // a later send time, so a restamped resend could not match by chance
            double reusedBefore = loopback.drops(DropReason.SRTP_INDEX_REUSED);
            s.nack(lost);

            eventually("the resend arrives", () -> wire.get(lost).size() == 2);
            List<byte[]> copies = wire.get(lost);
            assertArrayEquals(copies.get(0), copies.get(1),
                    "one SRTP index, one packet: the resend must be the first send's bytes, header extensions included");
            assertEquals(reusedBefore, loopback.drops(DropReason.SRTP_INDEX_REUSED));
            assertEquals(1, s.subscriber.replays(), "the subscriber's SRTP sees the very same packet again");
        }
    }

    @Test
    void aNackRepeatedWithinARoundTripIsAnsweredOnce() throws Exception {
        try (Setup s = new Setup(true)) {
            List<Integer> seqs = new CopyOnWriteArrayList<>();
            List<Integer> rtx = new CopyOnWriteArrayList<>();
            s.subscriber.setRtpListener((rtp, nanos) -> {
                if (rtp.ssrc() != RTX_SSRC) {
                    seqs.add(rtp.sequenceNumber());
                } else if (rtp.payloadLength() > 0) { // not a bandwidth probe's padding-only packet
                    rtx.add(rtp.sequenceNumber());
                }
            });
            s.sendVideo(0, true);
            for (int i = 1; i < 20; i++) {
                s.sendVideo(i, false);
            }
            eventually("video flows", () -> seqs.size() == 20);
            double recentBefore = loopback.node.metrics().nacksRefused(NackRefusal.RECENTLY_SENT);
            // A receiver that repeats its NACK every few ms, as the viewer did.
            for (int i = 0; i < 3; i++) {
                s.nack(seqs.get(4));
                Thread.sleep(5);
            }
            eventually("two repeats are refused", () -> loopback.node.metrics().nacksRefused(NackRefusal.RECENTLY_SENT) == recentBefore + 2);
            assertEquals(1, rtx.size(), "one retransmission for one loss");
            // After the round trip (100 ms while no receiver report told us one), it may be asked again.
            Thread.sleep(150);
            s.nack(seqs.get(4));
            eventually("answered again after the round trip", () -> rtx.size() == 2);
        }
    }

    @Test
    void oneNackPacketGetsAtMost128Answers() throws Exception {
        try (Setup s = new Setup(true)) {
            List<Integer> seqs = new CopyOnWriteArrayList<>();
            List<Integer> rtx = new CopyOnWriteArrayList<>();
            s.subscriber.setRtpListener((rtp, nanos) -> {
                if (rtp.ssrc() != RTX_SSRC) {
                    seqs.add(rtp.sequenceNumber());
                } else if (rtp.payloadLength() > 0) { // not a bandwidth probe's padding-only packet
                    rtx.add(rtp.sequenceNumber());
                }
            });
            s.sendVideo(0, true);
            for (int i = 1; i < 300; i++) {
                s.sendVideo(i, false);
                if (i % 50 == 0) {
                    Thread.sleep(5); // let the 1 MiB socket buffers breathe
                }
            }
            eventually("video flows", () -> seqs.size() == 300);
            double capBefore = loopback.node.metrics().nacksRefused(NackRefusal.OVER_CAP);
            List<Integer> sorted = new ArrayList<>(seqs);
            s.nack(sorted.stream().mapToInt(Integer::intValue).toArray());

            eventually("the rest is counted over the cap", () -> loopback.node.metrics().nacksRefused(NackRefusal.OVER_CAP) == capBefore + 300 - 128);
            eventually("128 retransmissions", () -> rtx.size() == 128);
            Thread.sleep(100);
            assertEquals(128, rtx.size());
        }
    }
}
