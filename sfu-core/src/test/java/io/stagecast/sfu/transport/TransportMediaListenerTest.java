package io.stagecast.sfu.transport;

import io.netty.channel.embedded.EmbeddedChannel;
import io.stagecast.sfu.buffer.PacketBuffer;
import io.stagecast.sfu.metrics.MediaMetrics;
import io.stagecast.sfu.rtcp.RtcpCompound;
import io.stagecast.sfu.rtcp.RtcpWriters;
import io.stagecast.sfu.rtp.RtpPacket;
import io.stagecast.sfu.srtp.SrtpMasterKeys;
import io.stagecast.sfu.srtp.SrtpProfile;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a transport hands up: decrypted RTP, each RTCP packet of a compound, ticks, the end. */
class TransportMediaListenerTest {
    @Test
    void mediaGoesUpThroughTheListenerAndTheEndIsReported() {
        EmbeddedChannel channel = new EmbeddedChannel();
        EmbeddedPacketPath path = new EmbeddedPacketPath(channel, MediaMetrics.noop());
        Transport transport = path.createTransport();
        SrtpProfile profile = SrtpProfile.AES_CM_128_HMAC_SHA1_80;
        path.connect(transport, new InetSocketAddress("127.0.0.1", 40001), new SrtpMasterKeys(profile,
                new byte[profile.keyLength], new byte[profile.saltLength], new byte[profile.keyLength], new byte[profile.saltLength]));
        List<String> events = new ArrayList<>();
        transport.setMediaListener(new MediaListener() {
            @Override
            public void onRtp(RtpPacket rtp, long nowNanos) {
                events.add("rtp " + rtp.sequenceNumber());
            }

            @Override
            public void onRtcp(RtcpCompound rtcp, long nowNanos) {
                events.add("rtcp " + rtcp.packetType());
            }

            @Override
            public void onTick(long nowNanos, boolean reportsDue) {
                events.add("tick");
            }

            @Override
            public void onClosed() {
                events.add("closed");
            }
        });
        byte[] rtp = new byte[40];
        rtp[0] = (byte) 0x80;
        rtp[1] = 96;
        rtp[3] = 7;
        path.receiveDecryptedRtp(transport, new PacketBuffer().wrap(rtp, 0, rtp.length), System.nanoTime());
        assertEquals(List.of(), events, "nothing is published before signaling allows it");
        transport.setPublishAllowed(true);
        channel.runPendingTasks();
        path.receiveDecryptedRtp(transport, new PacketBuffer().wrap(rtp, 0, rtp.length), System.nanoTime());

        byte[] compound = new byte[64];
        int len = RtcpWriters.writePli(compound, 0, 1, 2);
        len += RtcpWriters.writePli(compound, len, 1, 3);
        path.receiveDecryptedRtcp(transport, new PacketBuffer().wrap(compound, 0, len), System.nanoTime());
        path.tick(transport, System.nanoTime(), false);
        transport.close();
        channel.runPendingTasks();
        assertEquals(List.of("rtp 7", "rtcp 206", "rtcp 206", "tick", "closed"), events);
        assertTrue(transport.state() == TransportState.CLOSED);
        channel.finishAndReleaseAll();
    }
}
