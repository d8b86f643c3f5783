package io.stagecast.sfu.srtp;

import io.stagecast.sfu.buffer.PacketBuffer;
import java.util.HexFormat;

/** Builds plain RTP/RTCP packets and transformer pairs for the tests. */
final class TestPackets {
    static final int RTP_HEADER = 12;

    private TestPackets() {
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    /** Our side and the peer's side of one DTLS-SRTP association (keys mirrored). */
    static SrtpTransformer[] pair(SrtpProfile profile) {
        byte[] material = new byte[profile.keyingMaterialLength()];
        for (int i = 0; i < material.length; i++) {
            material[i] = (byte) (31 * i + 7);
        }
        return new SrtpTransformer[] {
            new SrtpTransformer(SrtpMasterKeys.fromKeyingMaterial(profile, material, false)),
            new SrtpTransformer(SrtpMasterKeys.fromKeyingMaterial(profile, material, true)),
        };
    }

    /** Writes a V=2, PT=96 RTP packet with a recognisable payload into {@code pkt}. */
    static PacketBuffer rtp(PacketBuffer pkt, int ssrc, int seq, int payloadLength) {
        byte[] b = pkt.getBuffer();
        b[0] = (byte) 0x80;
        b[1] = 96;
        b[2] = (byte) (seq >> 8);
        b[3] = (byte) seq;
        writeInt(b, 4, seq * 960);
        writeInt(b, 8, ssrc);
        for (int i = 0; i < payloadLength; i++) {
            b[RTP_HEADER + i] = (byte) (i * 7 + seq);
        }
        return pkt.wrap(b, 0, RTP_HEADER + payloadLength);
    }

    /** Writes a receiver report (RFC 3550 6.4.2) from {@code ssrc} with one report block. */
    static PacketBuffer rtcpReceiverReport(PacketBuffer pkt, int ssrc, int reportedSsrc) {
        byte[] b = pkt.getBuffer();
        b[0] = (byte) 0x81;
        b[1] = (byte) 201;
        b[2] = 0;
        b[3] = 7;
        writeInt(b, 4, ssrc);
        writeInt(b, 8, reportedSsrc);
        for (int i = 12; i < 32; i++) {
            b[i] = (byte) i;
        }
        return pkt.wrap(b, 0, 32);
    }

    static byte[] copyOf(PacketBuffer pkt) {
        byte[] out = new byte[pkt.getLength()];
        System.arraycopy(pkt.getBuffer(), pkt.getOffset(), out, 0, out.length);
        return out;
    }

    static void writeInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >> 24);
        b[at + 1] = (byte) (v >> 16);
        b[at + 2] = (byte) (v >> 8);
        b[at + 3] = (byte) v;
    }
}
