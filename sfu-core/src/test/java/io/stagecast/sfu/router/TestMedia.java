package io.stagecast.sfu.router;

/** RTP packets for the router's tests, written byte by byte (RFC 3550, RFC 7741, RFC 8285). */
final class TestMedia {
    private TestMedia() {
    }

    /**
     * A VP8 packet with a full payload descriptor: 15-bit picture ID, TL0PICIDX, TID and Y, and a
     * keyframe header announcing {@code width} x {@code height} when {@code keyframe}.
     */
    static byte[] vp8(int ssrc, int seq, long ts, int pictureId, int tl0, int tid, boolean layerSync, boolean keyframe,
                      int width, int height, int payloadBytes) {
        byte[] p = new byte[12 + 8 + 6 + 10 + payloadBytes];
        header(p, EmbeddedRoom.VP8_PT, seq, ts, ssrc, true);
        int i = 12;
        // one-byte extension block with the transport-wide sequence (id 3), as a publisher stamps it
        p[i++] = (byte) 0xBE;
        p[i++] = (byte) 0xDE;
        p[i++] = 0;
        p[i++] = 1;
        p[i++] = (byte) (EmbeddedRoom.TRANSPORT_CC_ID << 4 | 1);
        p[i++] = (byte) (seq >> 8);
        p[i++] = (byte) seq;
        p[i++] = 0;
        p[i++] = (byte) 0x90; // X, S, PID 0
        p[i++] = (byte) 0xE0; // I L T
        p[i++] = (byte) (0x80 | (pictureId >> 8 & 0x7F));
        p[i++] = (byte) pictureId;
        p[i++] = (byte) tl0;
        p[i++] = (byte) (tid << 6 | (layerSync ? 0x20 : 0));
        if (keyframe) {
            p[i++] = 0x10; // frame tag, P = 0: a keyframe; show_frame
            p[i++] = 0;
            p[i++] = 0;
            p[i++] = (byte) 0x9d;
            p[i++] = 0x01;
            p[i++] = 0x2a;
            p[i++] = (byte) width;
            p[i++] = (byte) (width >> 8);
            p[i++] = (byte) height;
            p[i] = (byte) (height >> 8);
        } else {
            p[i] = 0x11; // P = 1: an interframe
        }
        return p;
    }

    static byte[] opus(int ssrc, int seq, long ts, int level) {
        byte[] p = new byte[12 + 8 + 40];
        header(p, EmbeddedRoom.OPUS_PT, seq, ts, ssrc, false);
        p[0] |= 0x10;
        p[12] = (byte) 0xBE;
        p[13] = (byte) 0xDE;
        p[15] = 1;
        p[16] = (byte) (4 << 4); // audio level, one byte
        p[17] = (byte) level;
        return p;
    }

    private static void header(byte[] p, int pt, int seq, long ts, int ssrc, boolean extension) {
        p[0] = (byte) (0x80 | (extension ? 0x10 : 0));
        p[1] = (byte) pt;
        p[2] = (byte) (seq >> 8);
        p[3] = (byte) seq;
        p[4] = (byte) (ts >> 24);
        p[5] = (byte) (ts >> 16);
        p[6] = (byte) (ts >> 8);
        p[7] = (byte) ts;
        p[8] = (byte) (ssrc >> 24);
        p[9] = (byte) (ssrc >> 16);
        p[10] = (byte) (ssrc >> 8);
        p[11] = (byte) ssrc;
    }
}
