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
import io.stagecast.sfu.rtp.PictureIdFields;
import io.stagecast.sfu.rtp.VideoCodec;
import io.stagecast.sfu.transport.Transport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static io.stagecast.sfu.client.LoopbackNode.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A subscriber switched from one simulcast layer to another sees one VP8 picture numbering: each
 * layer's encoder numbers its pictures from its own random start, and a receiver drops a frame
 * (even a keyframe) whose picture ID is older than the last one it decoded, so without the
 * rewrite a switch to a layer numbered lower freezes the picture (seen with Firefox simulcast).
 */
class SimulcastPictureIdTest {
    private static final int[][] SIZES = {{320, 180}, {1280, 720}};
    /** The top layer's numbers are lower than the bottom layer's: the case that froze. */
    private static final int[] PICTURE_ID_START = {30000, 100};
    private static final int[] TL0_START = {200, 7};
    private static LoopbackNode loopback;

    @BeforeAll
    static void startNode() throws InterruptedException {
        loopback = new LoopbackNode(MediaConfig.loopback());
    }

    @AfterAll
    static void stopNode() {
        loopback.close();
    }

    @Test
    void pictureIdsAndTl0PicIdxStayContinuousAcrossALayerSwitch() throws Exception {
        try (SyntheticPeer publisher = new SyntheticPeer(DtlsRole.CLIENT);
             SyntheticPeer subscriber = new SyntheticPeer(DtlsRole.CLIENT)) {
            Transport publisherTransport = loopback.connected(publisher);
            publisherTransport.setPublishAllowed(true);
            Transport subscriberTransport = loopback.connected(subscriber);
            Router router = loopback.node.createRouter("picture-ids");
            CodecSpec vp8 = new CodecSpec("VP8", 96, 90000, 0, "", -1, List.of("nack", "nack pli"));
            Producer producer = router.createProducer(publisherTransport, new ProducerSpec(MediaKind.VIDEO, "1", vp8,
                    List.of(new StreamSpec(0x100, "q"), new StreamSpec(0x200, "f")), Map.of()));
            router.createConsumer(subscriberTransport, producer, new ConsumerSpec(0x5555, 0, 96, -1, Map.of()));
            LoopbackNode.settle(publisherTransport, subscriberTransport);
            List<int[]> received = Collections.synchronizedList(new ArrayList<>());
            subscriber.setRtpListener((rtp, nanos) -> {
                byte[] b = rtp.buffer();
                int at = PictureIdFields.pictureIdAt(VideoCodec.VP8, b, rtp.payloadOffset(), rtp.payloadLength());
                int tl0 = PictureIdFields.tl0PicIdxAt(VideoCodec.VP8, b, rtp.payloadOffset(), rtp.payloadLength());
                int layer = b[rtp.payloadOffset() + rtp.payloadLength() - 1];
                received.add(new int[] {rtp.sequenceNumber(), PictureIdFields.readPictureId(b, at), b[tl0] & 0xFF, layer});
            });

            // 1 s of the bottom layer alone, then both, one packet per picture, a keyframe a second.
            for (int i = 0; i < 75; i++) {
                for (int layer = 0; layer < 2; layer++) {
                    if (layer == 1 && i < 30) {
                        continue;
                    }
                    int picture = i - (layer == 1 ? 30 : 0);
                    boolean keyframe = picture % 30 == 0;
                    publisher.sendRtp(0x100 * (layer + 1), 96, 1000 + picture, 3000L * picture, true,
                            vp8Payload(keyframe, SIZES[layer], PICTURE_ID_START[layer] + picture,
                                    TL0_START[layer] + picture, layer));
                }
                Thread.sleep(33);
            }
            eventually("the subscriber switched to the top layer", () -> {
                synchronized (received) {
                    return !received.isEmpty() && received.get(received.size() - 1)[3] == 1;
                }
            });
            List<int[]> inOrder;
            synchronized (received) {
                inOrder = new ArrayList<>(received);
            }
            inOrder.sort((a, b) -> Integer.compare(a[0], b[0]));
            assertTrue(inOrder.stream().anyMatch(p -> p[3] == 0), "the bottom layer came first");
            for (int k = 1; k < inOrder.size(); k++) {
                int[] before = inOrder.get(k - 1);
                int[] after = inOrder.get(k);
                if (after[0] != before[0] + 1) {
                    continue; // a packet lost on the way: nothing to compare
                }
                assertEquals((before[1] + 1) & 0x7FFF, after[1],
                        "picture ID after " + before[1] + " (layer " + before[3] + " -> " + after[3] + ")");
                assertEquals((before[2] + 1) & 0xFF, after[2], "TL0PICIDX after " + before[2]);
            }
            router.close();
            LoopbackNode.closeAndSettle(publisherTransport);
            LoopbackNode.closeAndSettle(subscriberTransport);
        }
    }

    /**
     * A one-packet VP8 frame (RFC 7741 4.2): X, S; I and L with a 15-bit picture ID and
     * TL0PICIDX; a keyframe carries its size (RFC 6386 9.1); the last byte names the layer.
     */
    private static byte[] vp8Payload(boolean keyframe, int[] size, int pictureId, int tl0, int layer) {
        // Small enough that the top layer (~150 kbit/s at 30 fps) fits the subscriber's starting
        // estimate (300 kbit/s, no feedback here) with the allocator's margin: the switch up must
        // not depend on whether the allocation runs before the top layer's first rating.
        byte[] p = new byte[300 * (layer + 1)];
        p[0] = (byte) 0x90;
        p[1] = (byte) 0xC0;
        p[2] = (byte) (0x80 | ((pictureId >> 8) & 0x7F));
        p[3] = (byte) pictureId;
        p[4] = (byte) tl0;
        p[5] = (byte) (keyframe ? 0x00 : 0x01);
        if (keyframe) {
            p[8] = (byte) 0x9d;
            p[9] = 0x01;
            p[10] = 0x2a;
            p[11] = (byte) size[0];
            p[12] = (byte) (size[0] >>> 8);
            p[13] = (byte) size[1];
            p[14] = (byte) (size[1] >>> 8);
        }
        p[p.length - 1] = (byte) layer;
        return p;
    }
}
