package io.stagecast.bench;

import io.stagecast.sfu.rtp.RtpExtensionUris;

import java.util.Map;

/**
 * RTP packets shaped as Chromium sends them: a one-byte header extension block (RFC 8285) with
 * mid, abs-send-time and transport-cc (and the audio level for audio), then a VP8 payload
 * descriptor (RFC 7741 4.2) or an Opus frame. The ids are the publisher's; subscribers are given
 * different ones so that the egress path really rewrites them.
 */
final class RtpTemplates {
    static final int VIDEO_PAYLOAD_TYPE = 96;
    static final int AUDIO_PAYLOAD_TYPE = 111;
    static final int VIDEO_PACKET_BYTES = 1200;
    static final int AUDIO_PACKET_BYTES = 100;

    /** Publisher side, as in a Chromium offer. */
    static final Map<String, Integer> PUBLISHER_EXTENSIONS = Map.of(
            RtpExtensionUris.AUDIO_LEVEL, 1,
            RtpExtensionUris.ABS_SEND_TIME, 2,
            RtpExtensionUris.TRANSPORT_CC, 3,
            RtpExtensionUris.MID, 4);
    /** Subscriber side: other ids, so every forwarded packet is remapped. */
    static final Map<String, Integer> SUBSCRIBER_EXTENSIONS = Map.of(
            RtpExtensionUris.AUDIO_LEVEL, 10,
            RtpExtensionUris.ABS_SEND_TIME, 3,
            RtpExtensionUris.TRANSPORT_CC, 5,
            RtpExtensionUris.MID, 1);

    private RtpTemplates() {
    }

    static boolean isVideo(int packetBytes) {
        return packetBytes >= 200;
    }

    /**
     * Writes a complete RTP packet of {@code length} bytes at {@code buf[0]}.
     *
     * @param keyframe for video: the first packet of a VP8 key frame (S=1, P=0), else an inter
     *                 frame's continuation packet
     * @return the offset of the payload
     */
    static int write(byte[] buf, int length, int ssrc, int seq, long timestamp, boolean video, boolean keyframe) {
        buf[0] = (byte) 0x90; // V=2, X=1
        buf[1] = (byte) (video ? VIDEO_PAYLOAD_TYPE : AUDIO_PAYLOAD_TYPE);
        setSequence(buf, seq);
        setTimestamp(buf, timestamp);
        putInt(buf, 8, ssrc);
        // RFC 8285 4.2 one-byte header: 0xBEDE, length in 32-bit words.
        int i = 12;
        buf[i++] = (byte) 0xBE;
        buf[i++] = (byte) 0xDE;
        int lengthAt = i;
        i += 2;
        int start = i;
        if (!video) {
            buf[i++] = (byte) (1 << 4); // audio level, 1 byte: voice, -40 dBov
            buf[i++] = (byte) (0x80 | 40);
        }
        buf[i++] = (byte) ((2 << 4) | 2); // abs-send-time, 3 bytes
        buf[i++] = 0;
        buf[i++] = 0;
        buf[i++] = 0;
        buf[i++] = (byte) ((3 << 4) | 1); // transport-cc, 2 bytes
        buf[i++] = 0;
        buf[i++] = 0;
        buf[i++] = (byte) (4 << 4); // mid, 1 byte
        buf[i++] = (byte) (video ? '1' : '0');
        while ((i - start) % 4 != 0) {
            buf[i++] = 0;
        }
        int words = (i - start) / 4;
        buf[lengthAt] = (byte) (words >>> 8);
        buf[lengthAt + 1] = (byte) words;
        int payload = i;
        for (int p = payload; p < length; p++) {
            buf[p] = (byte) (p * 31);
        }
        if (video) {
            buf[payload] = (byte) (keyframe ? 0x10 : 0x00); // S=1 only on a frame's first packet
            buf[payload + 1] = (byte) (keyframe ? 0x00 : 0x01); // VP8 header P bit: 0 = key frame
        }
        return payload;
    }

    static void setSequence(byte[] buf, int seq) {
        buf[2] = (byte) (seq >>> 8);
        buf[3] = (byte) seq;
    }

    /** RTP's marker bit (RFC 3550 5.1): for video, the last packet of a frame. */
    static void setMarker(byte[] buf, boolean marker) {
        buf[1] = (byte) (marker ? buf[1] | 0x80 : buf[1] & 0x7F);
    }

    static void setTimestamp(byte[] buf, long timestamp) {
        putInt(buf, 4, (int) timestamp);
    }

    static void putInt(byte[] buf, int off, int value) {
        buf[off] = (byte) (value >>> 24);
        buf[off + 1] = (byte) (value >>> 16);
        buf[off + 2] = (byte) (value >>> 8);
        buf[off + 3] = (byte) value;
    }
}
