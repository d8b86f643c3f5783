package io.stagecast.sfu.client;

import io.stagecast.sfu.MediaConfig;
import io.stagecast.sfu.dtls.DtlsRole;
import io.stagecast.sfu.metrics.DropReason;
import io.stagecast.sfu.rtcp.ReportBlock;
import io.stagecast.sfu.rtcp.RtcpWriters;
import io.stagecast.sfu.transport.TransportState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.stagecast.sfu.client.LoopbackNode.eventually;
import static io.stagecast.sfu.client.LoopbackNode.settle;
import static io.stagecast.sfu.client.LoopbackNode.stateOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SRTP media and SRTCP feedback through a node between two synthetic peers, over real UDP. */
class MediaOverUdpTest {
    private static final int SUBSCRIBER_RTCP_SSRC = 0x7777;
    private static LoopbackNode loopback;

    @BeforeAll
    static void startNode() throws InterruptedException {
        loopback = new LoopbackNode(MediaConfig.loopback());
    }

    @AfterAll
    static void stopNode() {
        loopback.close();
    }

    @ParameterizedTest
    @EnumSource(DtlsRole.class)
    void subscriberReceivesThePublishedStreamAsItsConsumer(DtlsRole peerRole) throws Exception {
        try (PublishedTrack track = PublishedTrack.audio(loopback, peerRole, true)) {
            Set<Integer> payloadMarks = ConcurrentHashMap.newKeySet();
            track.subscriber.setRtpListener((rtp, nanos) -> payloadMarks.add(rtp.buffer()[rtp.payloadOffset()] & 0xFF));

            for (int i = 0; i < 50; i++) {
                track.sendAudio(i);
            }

            eventually("50 packets reach the subscriber", () -> track.subscriber.rtpReceived() == 50);
            ReceivedStream stream = track.subscriber.stream(track.consumedSsrc);
            assertEquals(List.of(track.consumedSsrc), track.subscriber.receivedSsrcs());
            assertEquals(50, stream.packets());
            assertEquals(0, stream.sequenceGaps(), "sequence numbers continue one by one");
            assertEquals(PublishedTrack.OPUS_PT, stream.lastPayloadType());
            assertEquals(50, payloadMarks.size(), "every payload arrived intact");
            assertEquals(0, track.subscriber.authFailures());
            assertEquals(0, track.publisher.authFailures());
        }
    }

    @ParameterizedTest
    @EnumSource(DtlsRole.class)
    void subscriberReportsReachTheNodeAsValidSrtcp(DtlsRole peerRole) throws Exception {
        try (PublishedTrack track = PublishedTrack.audio(loopback, peerRole, true)) {
            for (int i = 0; i < 10; i++) {
                track.sendAudio(i);
            }
            eventually("media flows", () -> track.subscriber.rtpReceived() == 10);
            double authBefore = loopback.drops(DropReason.SRTP_AUTH_FAILED);
            double malformedBefore = loopback.drops(DropReason.MALFORMED);
            double replayBefore = loopback.drops(DropReason.REPLAY);
            double receivedBefore = loopback.node.metrics().packetsReceived();

            ReportBlock block = new ReportBlock().set(track.consumedSsrc, 0, 0,
                    track.subscriber.lastReceivedSeq(track.consumedSsrc), 0, 0, 0);
            byte[] rtcp = new byte[200];
            int len = RtcpWriters.writeReceiverReport(rtcp, 0, SUBSCRIBER_RTCP_SSRC, new ReportBlock[] {block}, 1);
            for (int i = 0; i < 5; i++) {
                assertTrue(track.subscriber.sendRtcp(rtcp, len));
            }

            eventually("the reports arrive", () -> loopback.node.metrics().packetsReceived() >= receivedBefore + 5);
            settle(track.subscriberTransport);
            assertEquals(authBefore, loopback.drops(DropReason.SRTP_AUTH_FAILED));
            assertEquals(malformedBefore, loopback.drops(DropReason.MALFORMED));
            assertEquals(replayBefore, loopback.drops(DropReason.REPLAY));
            // And the node's own SRTCP the other way: a sender report for the consumed stream.
            eventually("the subscriber gets a sender report", () -> track.subscriber.senderReportsReceived() >= 1);
            assertEquals(TransportState.CONNECTED, stateOf(track.subscriberTransport));
        }
    }

    @Test
    void audioPublisherIsNeverAskedForKeyframes() throws Exception {
        try (PublishedTrack track = PublishedTrack.audio(loopback, DtlsRole.CLIENT, true)) {
            for (int i = 0; i < 10; i++) {
                track.sendAudio(i);
            }
            eventually("media flows", () -> track.subscriber.rtpReceived() == 10);
            // A subscriber asking anyway (browsers send PLI only for video, but nothing stops one).
            byte[] rtcp = new byte[64];
            int len = RtcpWriters.writeReceiverReport(rtcp, 0, SUBSCRIBER_RTCP_SSRC, new ReportBlock[0], 0);
            len += RtcpWriters.writePli(rtcp, len, SUBSCRIBER_RTCP_SSRC, track.consumedSsrc);
            assertTrue(track.subscriber.sendRtcp(rtcp, len));

            // Reports come once a second: by the second one, any keyframe request would be there too.
            eventually("two receiver reports", () -> track.publisher.receiverReportsReceived() >= 2);
            assertEquals(0, track.publisher.keyframeRequestsReceived(), "PLI is meaningless for audio");
        }
    }

    @Test
    void subscribersPictureLossReachesThePublisher() throws Exception {
        try (PublishedTrack track = PublishedTrack.video(loopback)) {
            track.sendVideo(0, true);
            for (int i = 1; i < 10; i++) {
                track.sendVideo(i, false);
            }
            eventually("video flows", () -> track.subscriber.rtpReceived() == 10);
            // The node asks once by itself when the consumer is added; count from after that one.
            eventually("the first keyframe request", () -> track.publisher.keyframeRequestsReceived() == 1);
            long requestsBefore = track.publisher.keyframeRequestsReceived();
            double plisBefore = loopback.node.metrics().plisSent();

            byte[] rtcp = new byte[64];
            int len = RtcpWriters.writeReceiverReport(rtcp, 0, SUBSCRIBER_RTCP_SSRC, new ReportBlock[0], 0);
            len += RtcpWriters.writePli(rtcp, len, SUBSCRIBER_RTCP_SSRC, track.consumedSsrc);
            assertTrue(track.subscriber.sendRtcp(rtcp, len));

            eventually("the publisher is asked for a keyframe",
                    () -> track.publisher.keyframeRequestsReceived() > requestsBefore);
            assertTrue(loopback.node.metrics().plisSent() > plisBefore);
            eventually("the publisher gets receiver reports", () -> track.publisher.receiverReportsReceived() >= 1);
        }
    }

    @Test
    void nackIsAnsweredWithAnRtxRetransmission() throws Exception {
        try (PublishedTrack track = PublishedTrack.video(loopback)) {
            List<int[]> received = new CopyOnWriteArrayList<>();
            List<byte[]> retransmissions = new CopyOnWriteArrayList<>();
            track.subscriber.setRtpListener((rtp, nanos) -> {
                byte[] payload = Arrays.copyOfRange(rtp.buffer(), rtp.payloadOffset(),
                        rtp.payloadOffset() + rtp.payloadLength());
                if (rtp.ssrc() == 0x5556) {
                    retransmissions.add(payload);
                } else {
                    received.add(new int[] {rtp.sequenceNumber(), payload[payload.length - 1]});
                }
            });
            track.sendVideo(0, true);
            for (int i = 1; i < 20; i++) {
                track.sendVideo(i, false);
            }
            eventually("video flows", () -> received.size() == 20);
            int lostSeq = received.get(5)[0];
            double answeredBefore = loopback.node.metrics().nacksAnswered();

            byte[] rtcp = new byte[64];
            int len = RtcpWriters.writeReceiverReport(rtcp, 0, SUBSCRIBER_RTCP_SSRC, new ReportBlock[0], 0);
            len += RtcpWriters.writeNack(rtcp, len, SUBSCRIBER_RTCP_SSRC, track.consumedSsrc, new int[] {lostSeq}, 1);
            assertTrue(track.subscriber.sendRtcp(rtcp, len));

            eventually("an RTX packet arrives", () -> !retransmissions.isEmpty());
            byte[] rtx = retransmissions.get(0);
            // RFC 4588 4: the original sequence number, then the original payload.
            assertEquals(lostSeq, ((rtx[0] & 0xFF) << 8) | (rtx[1] & 0xFF));
            assertArrayEquals(new byte[] {0x10, 0x01, (byte) 0x9d, 0x01, 0x2a, 5}, Arrays.copyOfRange(rtx, 2, rtx.length));
            ReceivedStream rtxStream = track.subscriber.stream(0x5556);
            assertEquals(PublishedTrack.VP8_RTX_PT, rtxStream.lastPayloadType());
            eventually("the answer is counted once", () -> loopback.node.metrics().nacksAnswered() == answeredBefore + 1);
            assertEquals(0, track.subscriber.authFailures());
        }
    }

    @Test
    void mediaFromAPeerNotAllowedToPublishIsDropped() throws Exception {
        try (PublishedTrack track = PublishedTrack.audio(loopback, DtlsRole.CLIENT, false)) {
            double notAllowedBefore = loopback.drops(DropReason.NOT_ALLOWED);
            for (int i = 0; i < 20; i++) {
                track.sendAudio(i);
            }

            eventually("all 20 are dropped", () -> loopback.drops(DropReason.NOT_ALLOWED) == notAllowedBefore + 20);
            settle(track.publisherTransport);
            Thread.sleep(50);
            assertEquals(0, track.subscriber.rtpReceived());

            // Signaling puts the peer on stage: the same track now flows.
            track.publisherTransport.setPublishAllowed(true);
            settle(track.publisherTransport);
            for (int i = 20; i < 30; i++) {
                track.sendAudio(i);
            }
            eventually("media flows once allowed", () -> track.subscriber.rtpReceived() == 10);
            assertEquals(notAllowedBefore + 20, loopback.drops(DropReason.NOT_ALLOWED));
        }
    }

    @Test
    void garbageFromAConnectedPeerIsCountedAndHarmsNothing() throws Exception {
        try (PublishedTrack track = PublishedTrack.audio(loopback, DtlsRole.CLIENT, true)) {
            track.sendAudio(0);
            eventually("media flows", () -> track.subscriber.rtpReceived() == 1);
            Random random = new Random(7983);
            double dropsBefore = loopback.totalDrops();
            int counted = 0;
            for (int i = 0; i < 500; i++) {
                byte[] junk = new byte[1 + random.nextInt(1400)];
                random.nextBytes(junk);
                if ((junk[0] & 0xFF) >= 20 && (junk[0] & 0xFF) <= 63) {
                    junk[0] = (byte) 0x80; // DTLS-range junk goes to BouncyCastle, which discards it unseen
                }
                counted += sendFrom(track, junk) ? 1 : 0;
            }
            for (byte[] truncated : truncatedPackets(random)) {
                counted += sendFrom(track, truncated) ? 1 : 0;
            }
            eventually("every datagram is counted as a drop", () -> loopback.totalDrops() >= dropsBefore + 500 + 6);
            assertEquals(506, counted);

            // DTLS-range junk, including a forged plaintext fatal alert, must not end the association.
            for (int i = 0; i < 200; i++) {
                byte[] junk = new byte[1 + random.nextInt(200)];
                random.nextBytes(junk);
                junk[0] = (byte) (20 + random.nextInt(44));
                sendFrom(track, junk);
            }
            sendFrom(track, new byte[] {21, (byte) 0xfe, (byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 9, 0, 2, 2, 40});
            sendFrom(track, new byte[] {22, (byte) 0xfe, (byte) 0xfd, 0, 0});

            for (int i = 1; i <= 20; i++) {
                track.sendAudio(i);
            }
            eventually("media still flows", () -> track.subscriber.rtpReceived() == 21);
            assertEquals(0, track.subscriber.stream(track.consumedSsrc).sequenceGaps());
            assertEquals(TransportState.CONNECTED, stateOf(track.publisherTransport));
            assertEquals(TransportState.CONNECTED, stateOf(track.subscriberTransport));
        }
    }

    @Test
    void garbageFromStrangersIsCountedAndHarmsNothing() throws Exception {
        try (PublishedTrack track = PublishedTrack.audio(loopback, DtlsRole.CLIENT, true);
             java.net.DatagramSocket stranger = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            Random random = new Random(5764);
            double dropsBefore = loopback.totalDrops();
            for (int i = 0; i < 300; i++) {
                byte[] junk = new byte[1 + random.nextInt(1400)];
                random.nextBytes(junk);
                stranger.send(new java.net.DatagramPacket(junk, junk.length, loopback.address()));
            }
            eventually("every datagram is counted as a drop", () -> loopback.totalDrops() >= dropsBefore + 300);

            for (int i = 0; i < 10; i++) {
                track.sendAudio(i);
            }
            eventually("media flows", () -> track.subscriber.rtpReceived() == 10);
        }
    }

    private static boolean sendFrom(PublishedTrack track, byte[] datagram) {
        return track.publisher.sendRaw(datagram, 0, datagram.length);
    }

    /** Cut-off STUN, RTP and RTCP: each must be refused without reading past its end. */
    private static List<byte[]> truncatedPackets(Random random) {
        byte[] stunHeader = {0, 1, 0, 8, 0x21, 0x12, (byte) 0xa4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        byte[] rtp = new byte[40];
        random.nextBytes(rtp);
        rtp[0] = (byte) 0x80;
        rtp[1] = (byte) PublishedTrack.OPUS_PT;
        rtp[8] = 0;
        rtp[9] = 0;
        rtp[10] = 0x11;
        rtp[11] = 0x11;
        return List.of(
                stunHeader,                                  // announces 8 body bytes, has none
                Arrays.copyOf(stunHeader, 7),                // not even a header
                Arrays.copyOf(rtp, 5),                       // RTP cut inside its fixed header
                rtp,                                         // the publisher's SSRC with a forged tag
                new byte[] {(byte) 0x80, (byte) 201, 0, 7},  // RTCP header only
                new byte[] {(byte) 0xff});                   // outside every RFC 7983 range
    }
}
