package io.stagecast.sfu.client;

import io.stagecast.sfu.MediaConfig;
import io.stagecast.sfu.dtls.DtlsRole;
import io.stagecast.sfu.router.CodecSpec;
import io.stagecast.sfu.router.ConsumerSpec;
import io.stagecast.sfu.router.MediaKind;
import io.stagecast.sfu.router.Producer;
import io.stagecast.sfu.router.ProducerSpec;
import io.stagecast.sfu.router.Router;
import io.stagecast.sfu.router.StreamSpec;
import io.stagecast.sfu.transport.Transport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.stagecast.sfu.client.LoopbackNode.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 8 item 15: simulcast layers are ranked by what they carry, not by where a=simulcast lists
 * them. Firefox offers {@code a=simulcast:send h;m;l} (high to low, with a=ssrc lines for each),
 * Chromium {@code q;h;f} (low to high); either way a subscriber gets the 1280x720 layer.
 */
class SimulcastLayerOrderTest {
    private static final int[][] LAYERS = {{1280, 720}, {640, 360}, {320, 180}}; // h, m, l
    private static LoopbackNode loopback;

    @BeforeAll
    static void startNode() throws InterruptedException {
        loopback = new LoopbackNode(MediaConfig.loopback());
    }

    @AfterAll
    static void stopNode() {
        loopback.close();
    }

    /**
     * @param sizeInKeyframes true: every layer sends the same number of bytes and only its VP8
     *     keyframe header tells its size; false: keyframes say nothing (as with H.264 here) and the
     *     layers differ in bitrate only
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void theLayerCarryingTheMostIsForwardedWhateverItsPlaceInTheOffer(boolean sizeInKeyframes) throws Exception {
        try (SyntheticPeer publisher = new SyntheticPeer(DtlsRole.CLIENT);
             SyntheticPeer subscriber = new SyntheticPeer(DtlsRole.CLIENT)) {
            Transport publisherTransport = loopback.connected(publisher);
            publisherTransport.setPublishAllowed(true);
            Transport subscriberTransport = loopback.connected(subscriber);
            Router router = loopback.node.createRouter("order-" + sizeInKeyframes);
            CodecSpec vp8 = new CodecSpec("VP8", 96, 90000, 0, "", -1, List.of("nack", "nack pli"));
            // As Firefox offers it: h first.
            Producer producer = router.createProducer(publisherTransport, new ProducerSpec(MediaKind.VIDEO, "1", vp8,
                    List.of(new StreamSpec(0x100, "h"), new StreamSpec(0x200, "m"), new StreamSpec(0x300, "l")), Map.of()));
            router.createConsumer(subscriberTransport, producer, new ConsumerSpec(0x5555, 0, 96, -1, Map.of()));
            LoopbackNode.settle(publisherTransport, subscriberTransport);
            AtomicInteger lastLayer = new AtomicInteger(-1);
            AtomicInteger fromTop = new AtomicInteger();
            subscriber.setRtpListener((rtp, nanos) -> {
                int layer = rtp.buffer()[rtp.payloadOffset() + rtp.payloadLength() - 1];
                lastLayer.set(layer);
                if (layer == 0) {
                    fromTop.incrementAndGet();
                }
            });

            // 3 s at 30 packets per layer per second, a keyframe on every layer each second.
            for (int i = 0; i < 90; i++) {
                for (int layer = 0; layer < LAYERS.length; layer++) {
                    boolean keyframe = i % 30 == 0;
                    int size = sizeInKeyframes ? 600 : 1000 / (layer + 1);
                    publisher.sendRtp(0x100 * (layer + 1), 96, 1000 + i, 3000L * i, true,
                            vp8Payload(keyframe, sizeInKeyframes, LAYERS[layer], size, layer));
                }
                Thread.sleep(33);
            }
            eventually("the subscriber gets the 1280x720 layer", () -> lastLayer.get() == 0 && fromTop.get() > 10);
            assertEquals(0, lastLayer.get(), "h, listed first, carries 1280x720: it is the top layer");
            router.close();
            LoopbackNode.closeAndSettle(publisherTransport);
            LoopbackNode.closeAndSettle(subscriberTransport);
        }
    }

    /** One-packet VP8 frame (RFC 7741); a keyframe may carry its size (RFC 6386 9.1); the last byte names the layer. */
    private static byte[] vp8Payload(boolean keyframe, boolean withSize, int[] size, int length, int layer) {
        byte[] p = new byte[length];
        p[0] = 0x10;
        p[1] = (byte) (keyframe ? 0x00 : 0x01);
        if (keyframe && withSize) {
            p[4] = (byte) 0x9d;
            p[5] = 0x01;
            p[6] = 0x2a;
            p[7] = (byte) size[0];
            p[8] = (byte) (size[0] >>> 8);
            p[9] = (byte) size[1];
            p[10] = (byte) (size[1] >>> 8);
        }
        p[length - 1] = (byte) layer;
        return p;
    }
}
