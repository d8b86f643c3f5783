package io.stagecast.sfu.router;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.stagecast.sfu.buffer.PacketBuffer;
import io.stagecast.sfu.metrics.MediaMetrics;
import io.stagecast.sfu.rtp.RtpExtensionUris;
import io.stagecast.sfu.rtp.RtpPacket;
import io.stagecast.sfu.srtp.SrtpMasterKeys;
import io.stagecast.sfu.srtp.SrtpProfile;
import io.stagecast.sfu.srtp.SrtpResult;
import io.stagecast.sfu.srtp.SrtpTransformer;
import io.stagecast.sfu.transport.EmbeddedPacketPath;
import io.stagecast.sfu.transport.Transport;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A router on the embedded packet path for unit tests: transports connected without ICE or
 * DTLS, packets injected after SRTP unprotect, and what the node sends read back and decrypted
 * with each peer's keys.
 */
final class EmbeddedRoom implements AutoCloseable {
    static final int VP8_PT = 96;
    static final int OPUS_PT = 111;
    static final int RTX_PT = 97;
    static final int TRANSPORT_CC_ID = 3;
    static final int SUBSCRIBER_TRANSPORT_CC_ID = 5;
    static final CodecSpec VP8 = new CodecSpec("VP8", VP8_PT, 90_000, 1, null, RTX_PT,
            List.of("nack", "nack pli", "ccm fir", "transport-cc"));
    static final CodecSpec OPUS = new CodecSpec("opus", OPUS_PT, 48_000, 2, null, -1, List.of("transport-cc"));

    final EmbeddedChannel channel = new EmbeddedChannel();
    final MediaMetrics metrics = MediaMetrics.noop();
    final EmbeddedPacketPath path = new EmbeddedPacketPath(channel, metrics);
    final Router router = new Router("test", channel.eventLoop());
    private final SplittableRandom random = new SplittableRandom(7);
    private final Map<InetSocketAddress, SrtpTransformer> peers = new HashMap<>();
    private final Map<Transport, InetSocketAddress> addresses = new HashMap<>();
    private int nextPort = 42000;
    private final PacketBuffer in = new PacketBuffer();

    /** A connected transport; its peer's SRTP context decrypts what the node sends it. */
    Transport transport() {
        Transport transport = path.createTransport();
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", nextPort++);
        SrtpMasterKeys keys = keys();
        path.connect(transport, address, keys);
        transport.setPublishAllowed(true);
        peers.put(address, new SrtpTransformer(new SrtpMasterKeys(keys.profile(), keys.remoteKey(), keys.remoteSalt(),
                keys.localKey(), keys.localSalt())));
        addresses.put(transport, address);
        run();
        return transport;
    }

    Producer video(Transport publisher, int... ssrcs) {
        return video(publisher, VP8, ssrcs);
    }

    Producer video(Transport publisher, CodecSpec codec, int... ssrcs) {
        List<StreamSpec> streams = new ArrayList<>();
        for (int i = 0; i < ssrcs.length; i++) {
            streams.add(new StreamSpec(ssrcs[i], ssrcs.length > 1 ? "r" + i : null));
        }
        Producer producer = router.createProducer(publisher, new ProducerSpec(MediaKind.VIDEO, "1", codec, streams,
                Map.of(RtpExtensionUris.TRANSPORT_CC, TRANSPORT_CC_ID)));
        run();
        return producer;
    }

    Producer audio(Transport publisher, int ssrc) {
        Producer producer = router.createProducer(publisher, new ProducerSpec(MediaKind.AUDIO, "0", OPUS,
                List.of(new StreamSpec(ssrc, null)), Map.of(RtpExtensionUris.TRANSPORT_CC, TRANSPORT_CC_ID,
                RtpExtensionUris.AUDIO_LEVEL, 4)));
        run();
        return producer;
    }

    Consumer consume(Transport subscriber, Producer producer, int ssrc, int rtxSsrc) {
        boolean video = producer.kind() == MediaKind.VIDEO;
        Consumer consumer = router.createConsumer(subscriber, producer, new ConsumerSpec(ssrc, rtxSsrc,
                video ? 100 : 109, rtxSsrc != 0 ? 101 : -1, Map.of(RtpExtensionUris.TRANSPORT_CC, SUBSCRIBER_TRANSPORT_CC_ID)));
        run();
        return consumer;
    }

    /** A decrypted RTP packet from {@code publisher}'s peer. */
    void receive(Transport publisher, byte[] rtp, long nowNanos) {
        path.receiveDecryptedRtp(publisher, in.wrap(rtp.clone(), 0, rtp.length), nowNanos);
    }

    /** A decrypted RTCP compound from {@code peer}'s peer. */
    void receiveRtcp(Transport peer, byte[] rtcp, long nowNanos) {
        path.receiveDecryptedRtcp(peer, in.wrap(rtcp.clone(), 0, rtcp.length), nowNanos);
    }

    void tick(long nowNanos, boolean reportsDue) {
        for (Transport transport : addresses.keySet()) {
            path.tick(transport, nowNanos, reportsDue);
        }
    }

    void run() {
        channel.runPendingTasks();
    }

    /** What the node sent since the last call, decrypted, per destination transport. */
    Map<Transport, List<byte[]>> sent() {
        run();
        channel.flushOutbound();
        Map<InetSocketAddress, Transport> byAddress = new HashMap<>();
        addresses.forEach((t, a) -> byAddress.put(a, t));
        Map<Transport, List<byte[]>> out = new HashMap<>();
        for (Object o; (o = channel.readOutbound()) != null; ) {
            DatagramPacket datagram = (DatagramPacket) o;
            ByteBuf content = datagram.content();
            byte[] bytes = new byte[PacketBuffer.CAPACITY];
            int len = content.readableBytes();
            content.getBytes(content.readerIndex(), bytes, 0, len);
            datagram.release();
            PacketBuffer pkt = new PacketBuffer(bytes).wrap(bytes, 0, len);
            SrtpTransformer peer = peers.get(datagram.recipient());
            boolean rtcp = RtpPacket.isRtcp(bytes, 0, len);
            SrtpResult result = rtcp ? peer.unprotectRtcp(pkt) : peer.unprotectRtp(pkt);
            if (result != SrtpResult.OK) {
                throw new AssertionError("the node sent a packet its peer cannot decrypt: " + result);
            }
            byte[] plain = new byte[pkt.getLength()];
            System.arraycopy(bytes, pkt.getOffset(), plain, 0, plain.length);
            out.computeIfAbsent(byAddress.get(datagram.recipient()), t -> new ArrayList<>()).add(plain);
        }
        return out;
    }

    /** The RTP packets among {@code sent} with SSRC {@code ssrc}. */
    static List<RtpPacket> rtp(List<byte[]> sent, int ssrc) {
        List<RtpPacket> out = new ArrayList<>();
        if (sent == null) {
            return out;
        }
        for (byte[] p : sent) {
            if (!RtpPacket.isRtcp(p, 0, p.length)) {
                RtpPacket view = new RtpPacket().wrap(p, 0, p.length);
                if (view.ssrc() == ssrc) {
                    out.add(view);
                }
            }
        }
        return out;
    }

    /** The RTCP packets among {@code sent} of type {@code pt} and format {@code fmt} (first of each compound). */
    static List<byte[]> rtcp(List<byte[]> sent, int pt, int fmt) {
        List<byte[]> out = new ArrayList<>();
        if (sent == null) {
            return out;
        }
        for (byte[] p : sent) {
            if (RtpPacket.isRtcp(p, 0, p.length) && (p[1] & 0xFF) == pt && (p[0] & 0x1F) == fmt) {
                out.add(p);
            }
        }
        return out;
    }

    private SrtpMasterKeys keys() {
        SrtpProfile profile = SrtpProfile.AES_CM_128_HMAC_SHA1_80;
        return new SrtpMasterKeys(profile, bytes(profile.keyLength), bytes(profile.saltLength),
                bytes(profile.keyLength), bytes(profile.saltLength));
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
    }
}
