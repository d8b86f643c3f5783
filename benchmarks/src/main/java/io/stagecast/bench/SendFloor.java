package io.stagecast.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The kernel + channel floor of forwarding: the node's own channel setup (one epoll datagram
 * channel on one event loop, 4 MB socket buffers) sends pre-built packets of the forwarded
 * stream's sizes to N loopback receivers the way the node's egress does (one write per receiver,
 * one flush per source packet), with no SFU logic and no SRTP. It reports the CPU (user + system,
 * from /proc) of the sending thread per sent packet; on loopback that includes the receivers'
 * UDP delivery, which runs in the sender's system calls, as it does for the node.
 *
 * <p>The receivers run on their own event loop (pinned with --receiver-cpu) and only count.
 */
@Command(name = "send-floor", mixinStandardHelpOptions = true,
        description = "Sends pre-built packets to N loopback receivers with the node's channel setup; CPU per packet of the sender.")
public final class SendFloor implements Callable<Integer> {
    @Option(names = "--receivers", defaultValue = "100", description = "N receivers (the viewers)")
    int receivers;
    @Option(names = "--video-bytes", defaultValue = "1070", description = "size of a video packet as the node sends it (what viewers of the load generator receive)")
    int videoBytes;
    @Option(names = "--audio-bytes", defaultValue = "108", description = "size of an audio packet as the node sends it")
    int audioBytes;
    @Option(names = "--video-rate", defaultValue = "180", description = "source video packets per second (0 with --audio-rate 0: as fast as possible, video only)")
    int videoRate;
    @Option(names = "--audio-rate", defaultValue = "50", description = "source audio packets per second")
    int audioRate;
    @Option(names = "--duration", defaultValue = "PT10S", description = "measurement window (ISO-8601)")
    Duration duration;
    @Option(names = "--sender-cpu", defaultValue = "0", description = "CPU the sending thread is pinned to (-1: not pinned)")
    int senderCpu;
    @Option(names = "--receiver-cpu", defaultValue = "1", description = "CPU the receiving thread is pinned to (-1: not pinned)")
    int receiverCpu;
    @Option(names = "--gso", defaultValue = "1", description = "video packets per receiver sent in one UDP GSO send"
            + " (UDP_SEGMENT, Netty's SegmentedDatagramPacket; 1: no GSO, one datagram per write as the node)")
    int gso;

    /** What the node's MediaSocket sets. */
    private static final int SOCKET_BUFFER_BYTES = 4 << 20;
    /** Flat-out mode: source packets per event-loop task, so the loop still runs its I/O in between. */
    private static final int FLAT_OUT_BATCH = 16;
    private static final long TICK_NANOS = 1_000_000;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SendFloor()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        boolean epoll = Epoll.isAvailable();
        MultiThreadIoEventLoopGroup receiveGroup = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("floor-receive", true), epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        MultiThreadIoEventLoopGroup sendGroup = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("floor-send", true), epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        try {
            LongAdder received = new LongAdder();
            ChannelHandler counter = new Counter(received);
            List<InetSocketAddress> targets = new ArrayList<>();
            for (int i = 0; i < receivers; i++) {
                Channel channel = new Bootstrap().group(receiveGroup)
                        .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class).handler(counter)
                        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
                targets.add((InetSocketAddress) channel.localAddress());
            }
            Channel sender = new Bootstrap().group(sendGroup)
                    .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                    .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)
                    .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES)
                    .handler(new ChannelInboundHandlerAdapter())
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            ThreadCpu senderThread = onLoop(sender.eventLoop(), ThreadCpu::current);
            ThreadCpu receiverThread = onLoop(receiveGroup.next(), ThreadCpu::current);
            boolean pinned = (senderCpu < 0 || senderThread.pinTo(senderCpu)) && (receiverCpu < 0 || receiverThread.pinTo(receiverCpu));
            if (gso > 1 && !EpollDatagramChannel.isSegmentedDatagramPacketSupported()) {
                throw new IllegalStateException("UDP_SEGMENT is not supported here");
            }
            Source source = new Source(sender, targets.toArray(new InetSocketAddress[0]), packet(videoBytes * Math.max(1, gso)),
                    packet(audioBytes), videoRate, audioRate, Math.max(1, gso), videoBytes);
            System.out.printf(Locale.ROOT, "send floor: %s, %d receivers, gso %d, video %d B x %s/s, audio %d B x %d/s, sender on cpu %d,"
                            + " receiver on cpu %d%s%n", epoll ? "epoll" : "nio", receivers, gso, videoBytes,
                    source.flatOut() ? "as fast as possible" : Integer.toString(videoRate), audioBytes, source.flatOut() ? 0 : audioRate,
                    senderCpu, receiverCpu, pinned ? "" : " (pinning failed)");
            sender.eventLoop().execute(source::start);
            Thread.sleep(1_000); // warm-up
            long startNanos = System.nanoTime();
            long startSent = source.sent();
            long startReceived = received.sum();
            double startCpu = senderThread.seconds();
            double startUser = senderThread.userSeconds();
            double startSystem = senderThread.systemSeconds();
            double startReceiverCpu = receiverThread.seconds();
            Thread.sleep(duration.toMillis());
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            long sent = source.sent() - startSent;
            long got = received.sum() - startReceived;
            double cpu = senderThread.seconds() - startCpu;
            sender.eventLoop().execute(source::stop);
            System.out.printf(Locale.ROOT, "RESULT send-floor receivers=%d gso=%d sent=%d (%.0f pkt/s) received=%d (%.3f%% not received)"
                            + " senderCpu=%.2fs (%.1f%% of a core) senderCpuPerPacket=%.2fus (user %.2fus, system %.2fus) receiverCpu=%.1f%%%n",
                    receivers, gso, sent, sent / seconds, got, sent == 0 ? 0 : 100.0 * Math.max(0, sent - got) / sent,
                    cpu, 100 * cpu / seconds, 1e6 * cpu / Math.max(1, sent), 1e6 * (senderThread.userSeconds() - startUser) / Math.max(1, sent),
                    1e6 * (senderThread.systemSeconds() - startSystem) / Math.max(1, sent),
                    100 * (receiverThread.seconds() - startReceiverCpu) / seconds);
            sender.close().sync();
            return 0;
        } finally {
            sendGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
            receiveGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
    }

    private static ByteBuf packet(int size) {
        // An SRTP packet is indistinguishable from random bytes after its 12-byte header.
        byte[] bytes = new byte[size];
        ThreadLocalRandom.current().nextBytes(bytes);
        bytes[0] = (byte) 0x80;
        return PooledByteBufAllocator.DEFAULT.directBuffer(size).writeBytes(bytes);
    }

    private interface LoopTask<T> {
        T call() throws Exception;
    }

    private static <T> T onLoop(EventLoop loop, LoopTask<T> task) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                result.complete(task.call());
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(5, TimeUnit.SECONDS);
    }

    /** On the sender's event loop: each source packet is written to every receiver, then one flush. */
    private static final class Source {
        private final Channel channel;
        private final InetSocketAddress[] targets;
        private final ByteBuf video;
        private final ByteBuf audio;
        private final long videoGap;
        private final long audioGap;
        /** Video packets per receiver per send: with more than one, {@link #video} holds that many and leaves in one GSO send. */
        private final int gso;
        private final int segmentBytes;
        private long nextVideo;
        private long nextAudio;
        private volatile long sent;
        private volatile boolean stopped;

        Source(Channel channel, InetSocketAddress[] targets, ByteBuf video, ByteBuf audio, int videoRate, int audioRate,
               int gso, int segmentBytes) {
            this.channel = channel;
            this.gso = gso;
            this.segmentBytes = segmentBytes;
            this.targets = targets;
            this.video = video;
            this.audio = audio;
            this.videoGap = videoRate > 0 ? 1_000_000_000L / videoRate : 0;
            this.audioGap = audioRate > 0 ? 1_000_000_000L / audioRate : 0;
        }

        boolean flatOut() {
            return videoGap == 0 && audioGap == 0;
        }

        long sent() {
            return sent;
        }

        void start() {
            nextVideo = System.nanoTime();
            nextAudio = nextVideo;
            if (flatOut()) {
                channel.eventLoop().execute(this::flatOutBatch);
            } else {
                channel.eventLoop().scheduleAtFixedRate(this::tick, 0, TICK_NANOS, TimeUnit.NANOSECONDS);
            }
        }

        void stop() {
            stopped = true;
        }

        private void flatOutBatch() {
            if (stopped) {
                return;
            }
            for (int i = 0; i < FLAT_OUT_BATCH; i++) {
                fanOut(video);
            }
            channel.eventLoop().execute(this::flatOutBatch);
        }

        /** Sends every source packet that fell due since the last tick (the schedule keeps the average rate exact). */
        private void tick() {
            if (stopped) {
                return;
            }
            long now = System.nanoTime();
            while (videoGap > 0 && nextVideo <= now) {
                fanOut(video);
                nextVideo += videoGap * gso;
            }
            while (audioGap > 0 && nextAudio <= now) {
                fanOut(audio);
                nextAudio += audioGap;
            }
        }

        private void fanOut(ByteBuf packet) {
            if (!channel.isWritable()) {
                channel.flush();
            }
            boolean segmented = gso > 1 && packet == video;
            for (InetSocketAddress target : targets) {
                channel.write(segmented
                        ? new io.netty.channel.unix.SegmentedDatagramPacket(packet.retainedDuplicate(), segmentBytes, target)
                        : new DatagramPacket(packet.retainedDuplicate(), target), channel.voidPromise());
            }
            channel.flush();
            sent += (long) targets.length * (segmented ? gso : 1);
        }
    }

    /** Counts and releases. */
    @ChannelHandler.Sharable
    private static final class Counter extends ChannelInboundHandlerAdapter {
        private final LongAdder received;

        Counter(LongAdder received) {
            this.received = received;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            received.increment();
            ReferenceCountUtil.release(msg);
        }
    }
}
