package io.stagecast.sfu.router;

import io.stagecast.sfu.rtp.RtpExtensionUris;
import io.stagecast.sfu.rtp.RtpPacket;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class RtpStreamTableTest {
    @Test
    void anUnknownSsrcIsLearntFromMidAndRid() {
        EmbeddedRoom room = new EmbeddedRoom();
        try {
            ProducerSpec spec = new ProducerSpec(MediaKind.VIDEO, "v", EmbeddedRoom.VP8,
                    List.of(new StreamSpec(0, "q"), new StreamSpec(0, "f")),
                    Map.of(RtpExtensionUris.MID, 1, RtpExtensionUris.RID, 2));
            Producer producer = room.router.createProducer(room.transport(), spec);
            List<Producer> learnt = new java.util.concurrent.CopyOnWriteArrayList<>();
            room.router.setEvents(new RouterEvents() {
                @Override
                public void onStreamLearned(Producer p) {
                    learnt.add(p);
                }
            });
            RtpStreamTable table = new RtpStreamTable();
            table.add(producer.stream(0));
            table.add(producer.stream(1));
            RtpPacket full = new RtpPacket();
            byte[] f = withMidRid(0xF00D, "v", "f");
            assertSame(producer.stream(1), table.find(full.wrap(f, 0, f.length)), "rid f is the second stream");
            assertEquals(0xF00D, producer.stream(1).ssrc());
            byte[] other = withMidRid(0xBEEF, "a", "q");
            assertNull(table.find(full.wrap(other, 0, other.length)), "another mid is not this producer's");
            assertSame(producer.stream(1), table.bySsrc(0xF00D));
            assertSame(producer.stream(1), table.find(full.wrap(f, 0, f.length)), "known now by its SSRC");
            assertEquals(List.of(producer), learnt, "signaling told once: the producer's relay spec changed");
            assertEquals(0xF00D, producer.relaySpec().streams().get(1).ssrc());
        } finally {
            room.close();
        }
    }

    /** RTP with one-byte elements mid (id 1) and rid (id 2). */
    private static byte[] withMidRid(int ssrc, String mid, String rid) {
        byte[] p = new byte[12 + 4 + 12 + 10];
        p[0] = (byte) 0x90;
        p[1] = 96;
        p[8] = (byte) (ssrc >> 24);
        p[9] = (byte) (ssrc >> 16);
        p[10] = (byte) (ssrc >> 8);
        p[11] = (byte) ssrc;
        p[12] = (byte) 0xBE;
        p[13] = (byte) 0xDE;
        p[15] = 3;
        int i = 16;
        p[i++] = (byte) (1 << 4 | (mid.length() - 1));
        for (char c : mid.toCharArray()) {
            p[i++] = (byte) c;
        }
        p[i++] = (byte) (2 << 4 | (rid.length() - 1));
        for (char c : rid.toCharArray()) {
            p[i++] = (byte) c;
        }
        return p;
    }
}
