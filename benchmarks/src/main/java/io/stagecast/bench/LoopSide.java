package io.stagecast.bench;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stagecast.sfu.buffer.PacketBuffer;
import io.stagecast.sfu.metrics.MediaMetrics;
import io.stagecast.sfu.rtcp.TransportCcFeedback;
import io.stagecast.sfu.router.ConsumerSpec;
import io.stagecast.sfu.router.Producer;
import io.stagecast.sfu.router.Router;
import io.stagecast.sfu.srtp.SrtpProfile;
import io.stagecast.sfu.transport.EmbeddedPacketPath;
import io.stagecast.sfu.transport.Transport;

import java.net.InetSocketAddress;
import java.util.SplittableRandom;

/**
 * One media loop's part of a {@link ForwardingFixture}: its socket (an {@link EmbeddedChannel}
 * ending in a {@link SocketSink}), its packet path, and the subscribers whose transports live on
 * it, with each subscriber's side of transport-cc. Touched only on its loop's thread.
 */
final class LoopSide {
    private final SocketSink sink = new SocketSink();
    final EmbeddedChannel channel = new EmbeddedChannel(sink);
    final MediaMetrics metrics = new MediaMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    /** Where its transports run: the channel's own loop, or a {@link DrivenEventLoop}. */
    final EventLoop loop;
    final EmbeddedPacketPath path;
    Transport[] subscribers = new Transport[0];
    private TransportCcFeedback[] feedback = new TransportCcFeedback[0];
    private int[] nextTransportSeq = new int[0];
    private final byte[] rtcp = new byte[PacketBuffer.CAPACITY];
    private final PacketBuffer rtcpView = new PacketBuffer(rtcp);
    private long lastFeedbackNanos;

    /** @param loop null: the channel's own (everything on the calling thread) */
    LoopSide(EventLoop loop, boolean gso) {
        this.loop = loop == null ? channel.eventLoop() : loop;
        this.path = new EmbeddedPacketPath(channel, this.loop, metrics, gso);
    }

    /** Subscribers {@code first .. first + count) of {@code producer}, on this loop. */
    void subscribe(Router router, Producer producer, int first, int count, SrtpProfile profile, SplittableRandom random,
                   boolean video) {
        subscribers = new Transport[count];
        feedback = new TransportCcFeedback[count];
        nextTransportSeq = new int[count];
        for (int k = 0; k < count; k++) {
            int i = first + k;
            Transport subscriber = path.createTransport();
            subscribers[k] = subscriber;
            feedback[k] = new TransportCcFeedback(0x5EED_0000 + i, 0x5000_0000 + 2 * i);
            path.connect(subscriber, new InetSocketAddress("127.0.0.1", 41000 + i), TestKeys.random(profile, random));
            ConsumerSpec spec = new ConsumerSpec(0x5000_0000 + 2 * i, video ? 0x5000_0001 + 2 * i : 0,
                    video ? 100 : 109, video ? 101 : -1, RtpTemplates.SUBSCRIBER_EXTENSIONS);
            router.createConsumer(subscriber, producer, spec);
        }
    }

    /**
     * {@code count} relays to other nodes instead of subscribers: each a relay transport with a
     * {@code RelayConsumer} of the producer, as an origin has one per edge (issue 14).
     */
    void relayTo(Router router, Producer producer, int count, SrtpProfile profile, SplittableRandom random) {
        subscribers = new Transport[count];
        feedback = new TransportCcFeedback[0];
        nextTransportSeq = new int[0];
        for (int i = 0; i < count; i++) {
            Transport relay = path.createRelayTransport();
            subscribers[i] = relay;
            path.connect(relay, new InetSocketAddress("127.0.0.1", 42000 + i), TestKeys.random(profile, random));
            router.createRelayConsumer(relay, producer);
        }
    }

    /**
     * Every subscriber's transport-cc feedback on the {@code packets} sent to it since the last
     * call enters the node (arrived as far apart as they were sent, over an idle path: spaced
     * evenly between the last call and this one; a fixed 1 ms spacing reads as a queue building
     * whenever the benchmark forwards faster than a packet a millisecond, and sends the estimator
     * into overuse, cuts and re-allocations that a real path would not cause).
     */
    void feedback(int packets, long nowNanos) {
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
    }

    /** Each subscriber's tick (estimator, allocation every 100 ms, probes); returns the datagrams written. */
    int tickSubscribers(long nowNanos) {
        int written = 0;
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

    void close() {
        channel.finishAndReleaseAll();
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
}
