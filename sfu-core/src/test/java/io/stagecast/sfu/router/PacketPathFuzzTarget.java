package io.stagecast.sfu.router;

import io.stagecast.sfu.transport.Transport;

/**
 * Fuzz target: what a peer's decrypted packets do to a room, through the real path (transport,
 * router, consumers) on an embedded channel: RTP from a simulcast VP8 and an Opus publisher (any
 * header, extensions and payload: keyframes, layers, picture ids, transport-cc, audio level),
 * and RTCP compounds from a viewer (NACK, PLI, FIR, REMB, transport-cc, RR, anything) or from the
 * publisher (SR, SDES, BYE, ...), with the loop's ticks between. The room lives across inputs, as
 * a node does; what it sends is read and dropped. No input may throw out of the path.
 *
 * <p>The first byte picks the sender and what the rest is; an RTP packet's SSRC is set to one the
 * room knows (else it would only test the unknown-SSRC drop).
 */
public final class PacketPathFuzzTarget {
    private static final int[] SSRCS = {0x1111, 0x2222, 0x3333, 0x4444};
    private static final EmbeddedRoom ROOM = new EmbeddedRoom();
    private static final Transport PUBLISHER = ROOM.transport();
    private static final Transport VIEWER = ROOM.transport();
    private static final Transport SMALL_VIEWER = ROOM.transport();
    private static long clock = System.nanoTime();
    private static int inputs;

    static {
        Producer video = ROOM.video(PUBLISHER, 0x1111, 0x2222, 0x3333);
        Producer audio = ROOM.audio(PUBLISHER, 0x4444);
        ROOM.consume(VIEWER, video, 0x5555, 0x5556);
        ROOM.consume(VIEWER, audio, 0x6666, 0);
        ROOM.consume(SMALL_VIEWER, video, 0x7777, 0x7778);
    }

    private PacketPathFuzzTarget() {
    }

    public static void fuzzerTestOneInput(byte[] data) {
        if (data.length < 2 || data.length - 1 > io.stagecast.sfu.buffer.PacketBuffer.MTU) {
            return; // the demux drops these (MALFORMED) before any transport sees them
        }
        int mode = data[0] & 0xFF;
        byte[] packet = java.util.Arrays.copyOfRange(data, 1, data.length);
        clock += 1_000_000L * (1 + (mode >> 5)); // 1-8 ms between inputs
        switch (mode & 3) {
            case 0, 1 -> {
                if (packet.length >= 12) {
                    int ssrc = SSRCS[(mode >> 2) & 3];
                    packet[8] = (byte) (ssrc >>> 24);
                    packet[9] = (byte) (ssrc >>> 16);
                    packet[10] = (byte) (ssrc >>> 8);
                    packet[11] = (byte) ssrc;
                }
                ROOM.receive(PUBLISHER, packet, clock);
            }
            case 2 -> ROOM.receiveRtcp((mode & 4) != 0 ? SMALL_VIEWER : VIEWER, packet, clock);
            default -> ROOM.receiveRtcp(PUBLISHER, packet, clock);
        }
        if (++inputs % 16 == 0) {
            ROOM.tick(clock, inputs % 64 == 0);
        }
        ROOM.run();
        ROOM.channel.flushOutbound();
        ROOM.channel.releaseOutbound(); // what the node sent: read and dropped
    }
}
