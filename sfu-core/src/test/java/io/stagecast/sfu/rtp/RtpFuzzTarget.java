package io.stagecast.sfu.rtp;

import java.util.Arrays;

/**
 * Fuzz target: the RTP flyweight (RFC 3550 5.1 header, CSRCs, padding; RFC 8285 one- and two-byte
 * header extensions, read and rewritten in place), RTX (RFC 4588) both ways, and each codec's
 * keyframe, picture id and temporal layer readers on the payload. Nothing may throw, read or write
 * outside the packet, and a valid packet's parts must add up to its length.
 */
public final class RtpFuzzTarget {
    private static final RtpPacket PACKET = new RtpPacket();
    private static final byte[] ID_MAP = new byte[256];
    private static final byte[] SCRATCH = new byte[4096];
    private static final VideoCodec[] CODECS = VideoCodec.values();
    private static long sink;

    static {
        for (int i = 0; i < ID_MAP.length; i++) {
            ID_MAP[i] = (byte) (i % 3 == 0 ? 0 : (i * 7) % 15); // some dropped, some moved
        }
    }

    private RtpFuzzTarget() {
    }

    public static void fuzzerTestOneInput(byte[] data) {
        // The packet sits inside a larger array, as in the loop's receive buffer: reads past it show.
        byte[] buf = new byte[data.length + 64];
        Arrays.fill(buf, (byte) 0x5A);
        System.arraycopy(data, 0, buf, 32, data.length);
        byte[] before = buf.clone();
        RtpPacket.isRtcp(buf, 32, data.length);
        RtpPacket rtp = PACKET.wrap(buf, 32, data.length);
        if (rtp.isValid()) {
            if (rtp.headerLength() + rtp.payloadLength() + rtp.paddingLength() != data.length || rtp.payloadLength() < 0) {
                throw new IllegalStateException("header " + rtp.headerLength() + " + payload " + rtp.payloadLength()
                        + " + padding " + rtp.paddingLength() + " != " + data.length);
            }
            sink += rtp.version() + rtp.csrcCount() + rtp.payloadType() + rtp.sequenceNumber() + rtp.timestamp() + rtp.ssrc();
            for (int i = 0; i < rtp.csrcCount(); i++) {
                sink += rtp.csrc(i);
            }
            for (int id = 0; id <= 255; id++) {
                int at = rtp.extensionOffset(id);
                int len = rtp.extensionLength(id);
                if (at >= 0 && (at < 32 || at + len > 32 + data.length)) {
                    throw new IllegalStateException("extension " + id + " at " + at + "+" + len + " outside the packet");
                }
                sink += rtp.audioLevel(id) + rtp.transportSequenceNumber(id) + rtp.absSendTime(id);
                rtp.voiceActivity(id);
                rtp.extensionEquals(id, new byte[] {1, 2});
            }
            for (VideoCodec codec : CODECS) {
                int off = rtp.payloadOffset();
                int len = rtp.payloadLength();
                KeyframeDetector.isKeyframe(codec, buf, off, len);
                sink += PictureIdFields.pictureIdAt(codec, buf, off, len) + PictureIdFields.tl0PicIdxAt(codec, buf, off, len);
            }
            sink += Vp8TemporalFields.temporalId(buf, rtp.payloadOffset(), rtp.payloadLength());
            Vp8TemporalFields.layerSync(buf, rtp.payloadOffset(), rtp.payloadLength());
            Vp8TemporalFields.startsFrame(buf, rtp.payloadOffset(), rtp.payloadLength());
            int rtx = RtxPackets.toRtx(buf, 32, data.length, SCRATCH, 0, 97, 0x1234, 7);
            if (rtx > 0 && RtxPackets.fromRtx(SCRATCH, 0, rtx, rtp.payloadType(), rtp.ssrc()) < 0) {
                throw new IllegalStateException("an RTX packet we made does not read back");
            }
            rtp.setTransportSequenceNumber(3, 42);
            rtp.setAbsSendTimeValue(2, 12345);
            rtp.remapExtensionIds(ID_MAP);
            rtp.setMarker(!rtp.marker());
            rtp.setPayloadType(100);
            rtp.setSequenceNumber(65535);
            rtp.setTimestamp(0xFFFFFFFFL);
            rtp.setSsrc(0x5555);
        } else {
            for (VideoCodec codec : CODECS) {
                KeyframeDetector.isKeyframe(codec, buf, 32, data.length);
            }
        }
        for (int i = 0; i < 32; i++) {
            if (buf[i] != before[i] || buf[32 + data.length + i] != before[32 + data.length + i]) {
                throw new IllegalStateException("a write outside the packet at " + i);
            }
        }
    }
}
