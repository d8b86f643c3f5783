package io.stagecast.bench;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.stagecast.sfu.buffer.PacketBuffer;
import io.stagecast.sfu.metrics.MediaMetrics;
import io.stagecast.sfu.rtcp.TransportCcFeedback;
import io.stagecast.sfu.router.CodecSpec;
import io.stagecast.sfu.router.ConsumerSpec;
import io.stagecast.sfu.router.MediaKind;
import io.stagecast.sfu.router.Producer;
import io.stagecast.sfu.router.ProducerSpec;
import io.stagecast.sfu.router.Router;
import io.stagecast.sfu.router.StreamSpec;
import io.stagecast.sfu.srtp.SrtpMasterKeys;
import io.stagecast.sfu.srtp.SrtpProfile;
import io.stagecast.sfu.transport.EmbeddedPacketPath;
import io.stagecast.sfu.transport.Transport;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One publisher and {@code subscribers} subscribers of its one track on the server's real packet
 * path, over an {@link EmbeddedChannel} instead of the UDP socket. What the server writes waits for
 * the next flush in {@link SocketSink}, the stand-in for sendmmsg, which releases it at the flush as
 * the epoll channel does once the kernel has the bytes: the server flushes every 32 writes, so its
 * pooled datagrams come back while hot in cache, as on the node. (Until 2026-12-02 the fixture held
 * every datagram of a fan-out until the benchmark's own flush: 1,000 subscribers kept 1,000
 * 1.5 KB buffers live, and fan-out 1,000 measured L2 misses on them that the node does not have.)
 * Everything runs on the calling thread.
 */
final class ForwardingFixture {
    static final int PUBLISHER_SSRC = 0x50B11511;
    static final InetSocketAddress PUBLISHER_ADDRESS = new InetSocketAddress("127.0.0.1", 40000);
    static final InetSocketAddress NODE_ADDRESS = new InetSocketAddress("127.0.0.1", 10000);

    private final SocketSink sink = new SocketSink();
    final EmbeddedChannel channel = new EmbeddedChannel(sink);
    final MediaMetrics metrics = new MediaMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    final EmbeddedPacketPath path;
    final Transport publisher;
    /** The publisher's own keys: what it protects with. */
    final SrtpMasterKeys publisherKeys;
    final boolean video;
    final Transport[] subscribers;
    /** Each subscriber's side of transport-cc: feedback on the transport-wide sequence the node stamps. */
    private final TransportCcFeedback[] feedback;
    private final int[] nextTransportSeq;
    private final byte[] rtcp = new byte[PacketBuffer.CAPACITY];
    private final PacketBuffer rtcpView = new PacketBuffer(rtcp);

    ForwardingFixture(SrtpProfile profile, int packetBytes, int subscribers) {
        this(profile, packetBytes, subscribers, false);
    }

    /** With {@code gso}, the subscribers' video leaves in UDP GSO runs, as on the node's epoll socket. */
    ForwardingFixture(SrtpProfile profile, int packetBytes, int subscribers, boolean gso) {
        path = new EmbeddedPacketPath(channel, metrics, gso);
        SplittableRandom random = new SplittableRandom(42);
        video = RtpTemplates.isVideo(packetBytes);
        publisher = path.createTransport();
        SrtpMasterKeys nodeKeys = TestKeys.random(profile, random);
        publisherKeys = TestKeys.peerOf(nodeKeys);
        path.connect(publisher, PUBLISHER_ADDRESS, nodeKeys);
        publisher.setPublishAllowed(true);
        Router router = new Router("bench", channel.eventLoop());
        CodecSpec codec = video
                ? new CodecSpec("VP8", RtpTemplates.VIDEO_PAYLOAD_TYPE, 90_000, 1, null, -1, List.of("nack", "nack pli", "ccm fir", "transport-cc"))
                : new CodecSpec("opus", RtpTemplates.AUDIO_PAYLOAD_TYPE, 48_000, 2, "minptime=10;useinbandfec=1", -1, List.of("transport-cc"));
        Producer producer = router.createProducer(publisher, new ProducerSpec(video ? MediaKind.VIDEO : MediaKind.AUDIO,
                video ? "1" : "0", codec, List.of(new StreamSpec(PUBLISHER_SSRC, null)), RtpTemplates.PUBLISHER_EXTENSIONS));
        this.subscribers = new Transport[subscribers];
        this.feedback = new TransportCcFeedback[subscribers];
        this.nextTransportSeq = new int[subscribers];
        for (int i = 0; i < subscribers; i++) {
            Transport subscriber = path.createTransport();
            this.subscribers[i] = subscriber;
            feedback[i] = new TransportCcFeedback(0x5EED_0000 + i, 0x5000_0000 + 2 * i);
            path.connect(subscriber, new InetSocketAddress("127.0.0.1", 41000 + i), TestKeys.random(profile, random));
            ConsumerSpec spec = new ConsumerSpec(0x5000_0000 + 2 * i, video ? 0x5000_0001 + 2 * i : 0,
                    video ? 100 : 109, video ? 101 : -1, RtpTemplates.SUBSCRIBER_EXTENSIONS);
            router.createConsumer(subscriber, producer, spec);
        }
        channel.runPendingTasks();
        discardWritten();
    }

    /**
     * What a tick of the node does with allocation on, with what subscribers send meanwhile: every
     * subscriber's transport-cc feedback on the {@code packets} sent to it since the last call
     * (arrived as far apart as they were sent, over an idle path: spaced evenly between the last
     * call and this one; a fixed 1 ms spacing reads as a queue building whenever the benchmark
     * forwards faster than a packet a millisecond, and sends the estimator into overuse, cuts and
     * re-allocations that a real path would not cause) enters the node (the estimator's input), then the tick of every
     * transport runs (estimator tick, allocation every 100 ms, probes, the publisher's RTCP).
     */
    private long lastFeedbackNanos;

    /** @return the datagrams the ticks wrote (sent and dropped per transport, see below) */
    int feedbackAndTick(int packets, long nowNanos) {
        long from = lastFeedbackNanos == 0 ? nowNanos - packets * 1_000_000L : lastFeedbackNanos;
        long spacing = Math.max(1, (nowNanos - from) / packets);
        lastFeedbackNanos = nowNanos;
        for (int i = 0; i < subscribers.length; i++) {
            for (int k = 0; k < packets; k++) {
                feedback[i].onPacket(nextTransportSeq[i], (from + (k + 1) * spacing) / 1000);
                nextTransportSeq[i] = (nextTransportSeq[i] + 1) & 0xFFFF;
            }
            int len = feedback[i].build(rtcp, 0, PacketBuffer.MTU);
            if (len > 0) {
                path.receiveDecryptedRtcp(subscribers[i], rtcpView.wrap(rtcp, 0, len), nowNanos);
            }
        }
        path.tick(publisher, nowNanos, false);
        int written = discardWritten();
        for (Transport subscriber : subscribers) {
            path.tick(subscriber, nowNanos, false);
            // What a tick wrote leaves before the next transport's tick, as on the socket, where
            // the sender's flush every 32 writes hands the datagrams back to the loop's pool: the
            // embedded channel would otherwise hold every transport's probes and RTCP at once, past
            // the pool's cap (1,000 subscribers x 50 probe packets), and count Netty buffers the
            // node does not make.
            written += discardWritten();
        }
        return written;
    }

    /** Sends what the server wrote and drops it; returns how many datagrams there were since the last call. */
    int discardWritten() {
        channel.flushOutbound();
        int n = sink.sent;
        sink.sent = 0;
        return n;
    }

    /** The socket: a flush sends (releases) what was written since the last one. */
    private static final class SocketSink extends ChannelOutboundHandlerAdapter {
        private final Object[] pending = new Object[256];
        private int waiting;
        int sent;

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (waiting == pending.length) {
                flush(ctx);
            }
            pending[waiting++] = msg;
            promise.trySuccess();
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            for (int i = 0; i < waiting; i++) {
                ReferenceCountUtil.release(pending[i]);
                pending[i] = null;
            }
            sent += waiting;
            waiting = 0;
        }
    }

    void close() {
        channel.finishAndReleaseAll();
    }
}
