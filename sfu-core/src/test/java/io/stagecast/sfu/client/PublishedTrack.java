package io.stagecast.sfu.client;

import io.stagecast.sfu.dtls.DtlsRole;
import io.stagecast.sfu.router.CodecSpec;
import io.stagecast.sfu.router.Consumer;
import io.stagecast.sfu.router.ConsumerSpec;
import io.stagecast.sfu.router.MediaKind;
import io.stagecast.sfu.router.Producer;
import io.stagecast.sfu.router.ProducerSpec;
import io.stagecast.sfu.router.Router;
import io.stagecast.sfu.router.StreamSpec;
import io.stagecast.sfu.transport.Transport;

import java.util.List;
import java.util.Map;

/**
 * One publisher peer, one subscriber peer, each connected to its own transport of the node, and
 * a track of the publisher's consumed by the subscriber.
 */
final class PublishedTrack implements AutoCloseable {
    static final int OPUS_PT = 111;
    static final int VP8_PT = 96;
    static final int VP8_RTX_PT = 97;

    final SyntheticPeer publisher;
    final SyntheticPeer subscriber;
    final Transport publisherTransport;
    final Transport subscriberTransport;
    final Router router;
    final Producer producer;
    final Consumer consumer;
    final int publishedSsrc;
    final int consumedSsrc;

    private PublishedTrack(LoopbackNode loopback, DtlsRole peerRole, boolean publishAllowed, ProducerSpec produced,
                           ConsumerSpec consumed) throws Exception {
        publisher = new SyntheticPeer(peerRole);
        subscriber = new SyntheticPeer(peerRole);
        try {
            publisherTransport = loopback.connected(publisher);
            publisherTransport.setPublishAllowed(publishAllowed);
            subscriberTransport = loopback.connected(subscriber);
            router = loopback.node.createRouter("room");
            producer = router.createProducer(publisherTransport, produced);
            consumer = router.createConsumer(subscriberTransport, producer, consumed);
            LoopbackNode.settle(publisherTransport, subscriberTransport);
        } catch (Exception | AssertionError e) {
            close();
            throw e;
        }
        publishedSsrc = produced.streams().get(0).ssrc();
        consumedSsrc = consumed.ssrc();
    }

    /** Opus from SSRC 0x1111 to the subscriber as 0x2222. */
    static PublishedTrack audio(LoopbackNode loopback, DtlsRole peerRole, boolean publishAllowed) throws Exception {
        CodecSpec opus = new CodecSpec("opus", OPUS_PT, 48000, 2, "", -1, List.of());
        return new PublishedTrack(loopback, peerRole, publishAllowed,
                new ProducerSpec(MediaKind.AUDIO, "0", opus, List.of(new StreamSpec(0x1111, null)), Map.of()),
                new ConsumerSpec(0x2222, 0, OPUS_PT, -1, Map.of()));
    }

    /** VP8 with NACK and RTX: SSRC 0x4444 to the subscriber as 0x5555, retransmissions as 0x5556. */
    static PublishedTrack video(LoopbackNode loopback) throws Exception {
        CodecSpec vp8 = new CodecSpec("VP8", VP8_PT, 90000, 0, "", VP8_RTX_PT, List.of("nack", "nack pli"));
        return new PublishedTrack(loopback, DtlsRole.CLIENT, true,
                new ProducerSpec(MediaKind.VIDEO, "1", vp8, List.of(new StreamSpec(0x4444, null)), Map.of()),
                new ConsumerSpec(0x5555, 0x5556, VP8_PT, VP8_RTX_PT, Map.of()));
    }

    /** An Opus-sized packet whose payload starts with {@code index}. */
    void sendAudio(int index) {
        byte[] payload = new byte[60];
        payload[0] = (byte) index;
        publisher.sendRtp(publishedSsrc, OPUS_PT, 1000 + index, 960L * index, false, payload);
    }

    /**
     * A one-packet VP8 frame (RFC 7741 4.2: S=1, partition 0; 4.3: P=0 marks a keyframe) whose
     * payload's last byte is {@code index}.
     */
    void sendVideo(int index, boolean keyframe) {
        byte[] payload = {0x10, (byte) (keyframe ? 0x00 : 0x01), (byte) 0x9d, 0x01, 0x2a, (byte) index};
        publisher.sendRtp(publishedSsrc, VP8_PT, 5000 + index, 3000L * index, true, payload);
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
