package io.stagecast.sfu.srtp;

import io.stagecast.sfu.buffer.PacketBuffer;

import java.util.Arrays;

/**
 * Fuzz target: SRTP and SRTCP unprotect (RFC 3711, RFC 7714) of any bytes under both profiles
 * must answer a result, never throw, and never pass authentication; and any packet we protect must
 * unprotect, on the peer's context, to exactly what was protected (the round trip), as a browser
 * would read it.
 */
public final class SrtpFuzzTarget {
    private static final SrtpTransformer[] RECEIVERS = new SrtpTransformer[2];
    private static final SrtpMasterKeys[] SENDER_KEYS = new SrtpMasterKeys[2];
    private static final SrtpMasterKeys[] PEER_KEYS = new SrtpMasterKeys[2];
    private static final PacketBuffer PACKET = new PacketBuffer();

    static {
        SrtpProfile[] profiles = {SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES_CM_128_HMAC_SHA1_80};
        for (int i = 0; i < 2; i++) {
            SrtpProfile p = profiles[i];
            byte[] a = filled(p.keyLength, 1);
            byte[] as = filled(p.saltLength, 2);
            byte[] b = filled(p.keyLength, 3);
            byte[] bs = filled(p.saltLength, 4);
            RECEIVERS[i] = new SrtpTransformer(new SrtpMasterKeys(p, a, as, b, bs));
            SENDER_KEYS[i] = new SrtpMasterKeys(p, a, as, b, bs);
            PEER_KEYS[i] = new SrtpMasterKeys(p, b, bs, a, as);
        }
    }

    private SrtpFuzzTarget() {
    }

    private static byte[] filled(int n, int v) {
        byte[] out = new byte[n];
        Arrays.fill(out, (byte) v);
        return out;
    }

    public static void fuzzerTestOneInput(byte[] data) {
        if (data.length < 1 || data.length > PacketBuffer.MTU) {
            return; // the demux drops these before SRTP
        }
        int profile = data[0] & 1;
        byte[] packet = Arrays.copyOfRange(data, 1, data.length);
        for (boolean rtcp : new boolean[] {false, true}) {
            load(packet);
            SrtpResult result = rtcp ? RECEIVERS[profile].unprotectRtcp(PACKET) : RECEIVERS[profile].unprotectRtp(PACKET);
            if (result == null || result == SrtpResult.OK) {
                throw new IllegalStateException("forged " + (rtcp ? "SRTCP" : "SRTP") + " passed: " + result);
            }
        }
        // The round trip of what we would send: a plain RTP (or RTCP) packet made of the input, as
        // the first packet of a fresh association (later ones of a real sender follow its sequence).
        boolean rtcp = (data[0] & 2) != 0;
        SrtpTransformer sender = new SrtpTransformer(SENDER_KEYS[profile]);
        SrtpTransformer peer = new SrtpTransformer(PEER_KEYS[profile]);
        try {
            roundTrip(packet, rtcp, sender, peer);
        } finally {
            sender.close();
            peer.close();
        }
    }

    private static void roundTrip(byte[] packet, boolean rtcp, SrtpTransformer sender, SrtpTransformer peer) {
        load(packet);
        SrtpResult protectedResult = rtcp ? sender.protectRtcp(PACKET) : sender.protectRtp(PACKET);
        if (protectedResult == SrtpResult.OK) {
            byte[] sent = Arrays.copyOfRange(PACKET.getBuffer(), PACKET.getOffset(), PACKET.getOffset() + PACKET.getLength());
            load(sent);
            SrtpResult back = rtcp ? peer.unprotectRtcp(PACKET) : peer.unprotectRtp(PACKET);
            if (back == SrtpResult.OK && !Arrays.equals(packet, 0, packet.length, PACKET.getBuffer(), PACKET.getOffset(),
                    PACKET.getOffset() + PACKET.getLength())) {
                throw new IllegalStateException("a packet we protected unprotects to other bytes");
            }
            if (back != SrtpResult.OK) {
                throw new IllegalStateException("a packet we protected is refused by the peer: " + back);
            }
        }
    }

    private static void load(byte[] bytes) {
        System.arraycopy(bytes, 0, PACKET.getBuffer(), 0, bytes.length);
        PACKET.setOffset(0);
        PACKET.setLength(bytes.length);
    }
}
