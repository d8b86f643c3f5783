package io.stagecast.bench;

import io.netty.channel.embedded.EmbeddedChannel;
import io.stagecast.sfu.metrics.MediaMetrics;
import io.stagecast.sfu.router.CodecSpec;
import io.stagecast.sfu.router.MediaKind;
import io.stagecast.sfu.router.Producer;
import io.stagecast.sfu.router.ProducerSpec;
import io.stagecast.sfu.router.Router;
import io.stagecast.sfu.router.StreamSpec;
import io.stagecast.sfu.srtp.SrtpMasterKeys;
import io.stagecast.sfu.srtp.SrtpProfile;
import io.stagecast.sfu.transport.EmbeddedPacketPath;
import io.stagecast.sfu.transport.Transport;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One publisher and {@code subscribers} subscribers of its one track on the server's real packet
 * path, over an {@link EmbeddedChannel} instead of the UDP socket. What the server writes waits for
 * the next flush in the {@link LoopSide}'s socket sink, the stand-in for sendmmsg, which releases it at the flush as
 * the epoll channel does once the kernel has the bytes: the server flushes every 32 writes, so its
 * pooled datagrams come back while hot in cache, as on the node. (Until 2026-12-02 the fixture held
 * every datagram of a fan-out until the benchmark's own flush: 1,000 subscribers kept 1,000
 * 1.5 KB buffers live, and fan-out 1,000 measured L2 misses on them that the node does not have.)
 * With one loop everything runs on the calling thread.
 *
 * <p>With subscribers on several loops ({@link #ForwardingFixture(SrtpProfile, int, int[])}), each
 * {@link LoopSide} has its own socket and a {@link DrivenEventLoop}: the publisher and the first
 * loop's subscribers on loop 0, the router's home, and the rest reached through the router's
 * hand-off between loops, as on the node.
 */
final class ForwardingFixture {
    static final int PUBLISHER_SSRC = 0x50B11511;
    static final InetSocketAddress PUBLISHER_ADDRESS = new InetSocketAddress("127.0.0.1", 40000);
    static final InetSocketAddress NODE_ADDRESS = new InetSocketAddress("127.0.0.1", 10000);

    /** One per media loop; the publisher is on the first. */
    final LoopSide[] sides;
    /** The first loop's (the only one's, with one loop). */
    final EmbeddedChannel channel;
    final MediaMetrics metrics;
    final EmbeddedPacketPath path;
    final Transport publisher;
    /** The publisher's own keys: what it protects with. */
    final SrtpMasterKeys publisherKeys;
    final boolean video;
    /** The first loop's subscribers (all of them, with one loop). */
    final Transport[] subscribers;

    ForwardingFixture(SrtpProfile profile, int packetBytes, int subscribers) {
        this(profile, packetBytes, subscribers, false);
    }

    /** With {@code gso}, the subscribers' video leaves in UDP GSO runs, as on the node's epoll socket. */
    ForwardingFixture(SrtpProfile profile, int packetBytes, int subscribers, boolean gso) {
        this(profile, packetBytes, new int[] {subscribers}, gso);
    }

    /** {@code subscribersPerLoop[i]} subscribers on loop i; more than one loop: each a {@link DrivenEventLoop}. */
    ForwardingFixture(SrtpProfile profile, int packetBytes, int[] subscribersPerLoop) {
        this(profile, packetBytes, subscribersPerLoop, false);
    }

    private ForwardingFixture(SrtpProfile profile, int packetBytes, int[] subscribersPerLoop, boolean gso) {
        this(profile, packetBytes, subscribersPerLoop, gso, false);
    }

    /** The publisher's track relayed to {@code edges} other nodes (one loop), instead of sent to subscribers. */
    static ForwardingFixture relays(SrtpProfile profile, int packetBytes, int edges) {
        return new ForwardingFixture(profile, packetBytes, new int[] {edges}, false, true);
    }

    private ForwardingFixture(SrtpProfile profile, int packetBytes, int[] subscribersPerLoop, boolean gso, boolean relays) {
        sides = new LoopSide[subscribersPerLoop.length];
        for (int i = 0; i < sides.length; i++) {
            sides[i] = new LoopSide(sides.length > 1 ? new DrivenEventLoop() : null, gso);
        }
        LoopSide home = sides[0];
        channel = home.channel;
        metrics = home.metrics;
        path = home.path;
        SplittableRandom random = new SplittableRandom(42);
        video = RtpTemplates.isVideo(packetBytes);
        publisher = path.createTransport();
        SrtpMasterKeys nodeKeys = TestKeys.random(profile, random);
        publisherKeys = TestKeys.peerOf(nodeKeys);
        path.connect(publisher, PUBLISHER_ADDRESS, nodeKeys);
        publisher.setPublishAllowed(true);
        Router router = new Router("bench", home.loop);
        CodecSpec codec = video
                ? new CodecSpec("VP8", RtpTemplates.VIDEO_PAYLOAD_TYPE, 90_000, 1, null, -1, List.of("nack", "nack pli", "ccm fir", "transport-cc"))
                : new CodecSpec("opus", RtpTemplates.AUDIO_PAYLOAD_TYPE, 48_000, 2, "minptime=10;useinbandfec=1", -1, List.of("transport-cc"));
        Producer producer = router.createProducer(publisher, new ProducerSpec(video ? MediaKind.VIDEO : MediaKind.AUDIO,
                video ? "1" : "0", codec, List.of(new StreamSpec(PUBLISHER_SSRC, null)), RtpTemplates.PUBLISHER_EXTENSIONS));
        int first = 0;
        for (int i = 0; i < sides.length; i++) {
            if (relays) {
                sides[i].relayTo(router, producer, subscribersPerLoop[i], profile, random);
            } else {
                sides[i].subscribe(router, producer, first, subscribersPerLoop[i], profile, random, video);
            }
            first += subscribersPerLoop[i];
        }
        this.subscribers = home.subscribers;
        runAllTasks();
        for (LoopSide side : sides) {
            side.discardWritten();
        }
    }

    /**
     * Setup, on the building thread: every loop's tasks until none is left (a consumer attaches on
     * its loop, its replica registers with the origin on loop 0, ...).
     */
    void runAllTasks() {
        for (int round = 0, ran = 1; ran > 0 && round < 100; round++) {
            ran = 0;
            for (LoopSide side : sides) {
                side.channel.runPendingTasks();
                if (side.loop instanceof DrivenEventLoop driven) {
                    ran += driven.runTasks();
                }
            }
        }
    }

    /**
     * What a tick of the node does with allocation on, with what subscribers send meanwhile
     * (one loop): every subscriber's transport-cc feedback on the {@code packets} sent to it
     * since the last call enters the node (the estimator's input, see {@link LoopSide#feedback}),
     * then the tick of every transport runs (estimator tick, allocation every 100 ms, probes, the
     * publisher's RTCP).
     *
     * @return the datagrams the ticks wrote (sent and dropped per transport, see {@link LoopSide#tickSubscribers})
     */
    int feedbackAndTick(int packets, long nowNanos) {
        LoopSide home = sides[0];
        home.feedback(packets, nowNanos);
        path.tick(publisher, nowNanos, false);
        int written = home.discardWritten();
        return written + home.tickSubscribers(nowNanos);
    }

    /** Sends what the first loop's server wrote and drops it; returns how many datagrams there were since the last call. */
    int discardWritten() {
        return sides[0].discardWritten();
    }

    void close() {
        for (LoopSide side : sides) {
            side.close();
        }
    }
}
