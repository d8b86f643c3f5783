package io.stagecast.bench;

import io.stagecast.sfu.dtls.DtlsCertificate;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.JoinTokens;
import io.stagecast.signaling.token.RandomIds;
import io.stagecast.signaling.token.Role;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Puts M synthetic publishers and N synthetic viewers on a running node through its own WebSocket
 * signaling, each a real WebRTC endpoint (ICE, DTLS, SRTP), and reports what the viewers get:
 * delivered packets per second, loss, forwarding latency, join time, and the server process's CPU
 * per million delivered packets (from /proc, so the generator's own CPU does not count).
 *
 * <p>Bounded: it joins, measures for {@code --duration}, leaves, and exits. It only ever talks to
 * 127.0.0.1, and refuses any other signaling or media address.
 */
@Command(name = "load-generator", mixinStandardHelpOptions = true,
        description = "Synthetic WebRTC publishers and viewers against a stagecast node on 127.0.0.1.")
public final class LoadGenerator implements Callable<Integer> {
    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "the node's HTTP base URL (host must be 127.0.0.1)")
    URI url;
    @Option(names = "--token-secret", required = true, description = "the node's token.secret, to mint join tokens")
    String tokenSecret;
    @Option(names = "--room", defaultValue = "load", description = "room to use")
    String room;
    @Option(names = "--publishers", defaultValue = "1", description = "M: publishers (video + audio each)")
    int publishers;
    @Option(names = "--viewers", defaultValue = "10", description = "N: viewers")
    int viewers;
    @Option(names = "--video-bitrate", defaultValue = "1500000", description = "video bit/s per publisher")
    int videoBitrate;
    @Option(names = "--fps", defaultValue = "30", description = "video frames per second")
    int fps;
    @Option(names = "--audio-bitrate", defaultValue = "32000", description = "audio bit/s per publisher (0: no audio)")
    int audioBitrate;
    @Option(names = "--max-payload", defaultValue = "1100", description = "largest video RTP payload, bytes")
    int maxPayload;
    @Option(names = "--keyframe-interval", defaultValue = "PT3S", description = "periodic key frames (ISO-8601), besides PLI answers")
    Duration keyframeInterval;
    @Option(names = "--duration", defaultValue = "PT10S", description = "measurement window after everyone joined (ISO-8601)")
    Duration duration;
    @Option(names = "--warmup", defaultValue = "PT0S", description = "forwarding time after everyone joined and before the window (ISO-8601): keeps JIT compilation out of the figures")
    Duration warmup;
    @Option(names = "--join-timeout", defaultValue = "PT60S", description = "longest wait for all viewers' first media")
    Duration joinTimeout;
    @Option(names = "--join-concurrency", defaultValue = "16", description = "viewers joining at once")
    int joinConcurrency;
    @Option(names = "--report-interval", defaultValue = "PT1S", description = "progress line interval")
    Duration reportInterval;
    @Option(names = "--pacing-factor", defaultValue = "2.5", description = "a frame's packets leave at this multiple of the video bitrate (Chromium's pacer: 2.5)")
    double pacingFactor;
    @Option(names = "--receive-threads", defaultValue = "1", description = "event-loop threads reading all viewers' sockets")
    int receiveThreads;
    @Option(names = "--datagrams-per-read", defaultValue = "8", description = "recvmmsg batch per viewer socket (1: recvmsg)")
    int datagramsPerRead;
    @Option(names = "--auth-sample", defaultValue = "16", description = "authenticate (SRTP) one in this many packets per stream, count all (power of two; 1: every packet)")
    int authSample;
    @Option(names = "--server-pid", defaultValue = "0", description = "the node's process id, for its CPU time (0: not measured)")
    long serverPid;

    private PrintStream out = System.out;
    private LoadResult result;
    /** Latency of the sampled packets that end a frame (RTP marker), beside the per-packet one. */
    private Recorder frameLatency;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadGenerator()).execute(args));
    }

    /** Runs with picocli arguments and returns the figures (for tests). */
    static LoadResult run(PrintStream out, String... args) {
        LoadGenerator generator = new LoadGenerator();
        generator.out = out;
        int exit = new CommandLine(generator).execute(args);
        if (exit != 0 || generator.result == null) {
            throw new IllegalStateException("load generator failed with exit code " + exit);
        }
        return generator.result;
    }

    static void requireLoopback(String host) {
        if (!"127.0.0.1".equals(host)) {
            throw new IllegalArgumentException("the load generator only targets 127.0.0.1, not " + host);
        }
    }

    @Override
    public Integer call() throws Exception {
        requireLoopback(url.getHost());
        if (publishers < 1 || viewers < 0 || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("need at least one publisher and a positive duration");
        }
        VideoPacing pacing = new VideoPacing(videoBitrate, fps, audioBitrate, maxPayload, keyframeInterval.toNanos(),
                pacingFactor);
        if (authSample < 1 || Integer.bitCount(authSample) != 1) {
            throw new IllegalArgumentException("--auth-sample must be a power of two: " + authSample);
        }
        // One key pair for every synthetic peer: generating one each made joins take seconds.
        DtlsCertificate certificate = DtlsCertificate.generate();
        ProcessCpu ownCpu = new ProcessCpu(ProcessHandle.current().pid());
        JoinTokens tokens = new JoinTokens(tokenSecret.getBytes(StandardCharsets.UTF_8), Clock.systemUTC());
        ProcessCpu serverCpu = serverPid > 0 ? new ProcessCpu(serverPid) : null;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Recorder latency = new Recorder(3);
        frameLatency = new Recorder(3);
        List<SyntheticPublisher> pubs = new ArrayList<>();
        List<SyntheticViewer> views = new ArrayList<>();
        out.printf(Locale.ROOT, "load: %d publisher(s) of %d bit/s video at %d fps (%d x %d-byte packets per frame) + %d bit/s audio,"
                        + " %d viewer(s), %s -> %.0f pkt/s expected at the viewers%n", publishers, videoBitrate, fps,
                pacing.packetsPerFrame(), pacing.frameBytes() / pacing.packetsPerFrame(), audioBitrate, viewers, url,
                pacing.packetsPerSecond() * publishers * viewers);
        ReceiveLoops loops = new ReceiveLoops(receiveThreads, datagramsPerRead);
        try {
            long deadline = System.nanoTime() + joinTimeout.toNanos();
            for (int i = 0; i < publishers; i++) {
                SyntheticPublisher publisher = new SyntheticPublisher(i, pacing, certificate);
                pubs.add(publisher);
                publisher.start(http, url, room, token(tokens, "publisher-" + i, Role.MODERATOR))
                        .get(joinTimeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            out.printf("load: %d publisher(s) sending%n", publishers);
            joinViewers(http, tokens, latency, views, deadline, loops, certificate);
            awaitFirstMedia(views, deadline);
            if (!warmup.isNegative() && !warmup.isZero()) {
                out.printf("load: warming up for %s%n", warmup);
                Thread.sleep(warmup.toMillis());
            }
            result = measure(pubs, views, latency, serverCpu, ownCpu, http);
            out.println(result.summary());
            return 0;
        } finally {
            for (SyntheticViewer viewer : views) {
                viewer.close();
            }
            for (SyntheticPublisher publisher : pubs) {
                publisher.close();
            }
            Thread.sleep(200); // the peers' close_notify leave through the loops
            loops.close();
        }
    }

    private String token(JoinTokens tokens, String name, Role role) {
        return tokens.mint(JoinGrant.of(room, RandomIds.participantId(), name, role, Instant.now().plus(Duration.ofHours(1))));
    }

    /** At most --join-concurrency joins in flight: the node runs DTLS handshakes on a bounded pool. */
    private void joinViewers(HttpClient http, JoinTokens tokens, Recorder latency, List<SyntheticViewer> views,
                             long deadline, ReceiveLoops loops, DtlsCertificate certificate) throws InterruptedException {
        Semaphore inFlight = new Semaphore(joinConcurrency);
        List<CompletableFuture<Void>> joins = new ArrayList<>();
        for (int i = 0; i < viewers; i++) {
            if (!inFlight.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                break;
            }
            SyntheticViewer viewer = new SyntheticViewer(latency, frameLatency, loops, certificate, authSample);
            views.add(viewer);
            joins.add(viewer.start(http, url, room, token(tokens, "viewer-" + i, Role.ATTENDEE))
                    .whenComplete((ok, error) -> inFlight.release()));
        }
        int failed = 0;
        for (CompletableFuture<Void> join : joins) {
            try {
                join.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                failed++;
            }
        }
        out.printf("load: %d of %d viewer(s) connected%s%n", joins.size() - failed, viewers,
                failed > 0 ? " (" + failed + " failed)" : "");
    }

    private void awaitFirstMedia(List<SyntheticViewer> views, long deadline) throws InterruptedException {
        while (System.nanoTime() < deadline && views.stream().anyMatch(v -> v.joinNanos() < 0)) {
            Thread.sleep(50);
        }
    }

    private LoadResult measure(List<SyntheticPublisher> pubs, List<SyntheticViewer> views, Recorder latency,
                               ProcessCpu serverCpu, ProcessCpu ownCpu, HttpClient http) throws InterruptedException {
        Histogram join = new Histogram(3);
        int joined = 0;
        for (SyntheticViewer viewer : views) {
            long nanos = viewer.joinNanos();
            if (nanos >= 0) {
                join.recordValue(nanos / 1_000);
                joined++;
            }
        }
        latency.getIntervalHistogram(); // forget the join phase
        frameLatency.getIntervalHistogram();
        Histogram window = new Histogram(3);
        Histogram frameWindow = new Histogram(3);
        long startNanos = System.nanoTime();
        long startReceived = received(views);
        long startExpected = expected(views);
        double startCpu = serverCpu == null ? Double.NaN : serverCpu.seconds();
        double startOwnCpu = ownCpu.seconds();
        double startServerSystem = serverCpu == null ? Double.NaN : serverCpu.systemSeconds();
        double startOwnSystem = ownCpu.systemSeconds();
        double startServerUser = serverCpu == null ? Double.NaN : serverCpu.userSeconds();
        double lastOwnCpu = startOwnCpu;
        double startForwarded = serverForwarded(http);
        double startGsoSends = serverCounter(http, "stagecast_media_send_gso_sends_total");
        double startGsoSegments = serverCounter(http, "stagecast_media_send_gso_segments_total");
        ServerThreads threads = serverPid > 0 ? new ServerThreads(serverPid) : null;
        Map<String, long[]> startThreads = threads == null ? Map.of() : threads.snapshot();
        long lastNanos = startNanos;
        long lastReceived = startReceived;
        long lastExpected = startExpected;
        double lastCpu = startCpu;
        double lastServerUser = startServerUser;
        double lastServerSystem = startServerSystem;
        long end = startNanos + duration.toNanos();
        while (true) {
            long now = System.nanoTime();
            if (now >= end) {
                break;
            }
            Thread.sleep(Math.max(1, Math.min(reportInterval.toMillis(), (end - now) / 1_000_000)));
            now = System.nanoTime();
            Histogram interval = latency.getIntervalHistogram();
            window.add(interval);
            frameWindow.add(frameLatency.getIntervalHistogram());
            long rec = received(views);
            long exp = expected(views);
            double cpu = serverCpu == null ? Double.NaN : serverCpu.seconds();
            // Split read right after the total (the same /proc tick in practice), so user + kernel = total.
            lastServerUser = serverCpu == null ? Double.NaN : serverCpu.userSeconds();
            lastServerSystem = serverCpu == null ? Double.NaN : serverCpu.systemSeconds();
            double own = ownCpu.seconds();
            double seconds = (now - lastNanos) / 1e9;
            long delivered = rec - lastReceived;
            out.printf(Locale.ROOT, "t=%5.1fs delivered %8.0f pkt/s loss %6.3f%% latency p50 %6.2f ms p99 %6.2f ms max %7.2f ms"
                            + " server cpu %5.1f%% %6.2f us/pkt generator cpu %5.1f%%%n", (now - startNanos) / 1e9, delivered / seconds,
                    lossPercent(delivered, exp - lastExpected), interval.getValueAtPercentile(50) / 1e3,
                    interval.getValueAtPercentile(99) / 1e3, interval.getMaxValue() / 1e3,
                    100 * (cpu - lastCpu) / seconds, 1e6 * (cpu - lastCpu) / Math.max(1, delivered),
                    100 * (own - lastOwnCpu) / seconds);
            lastOwnCpu = own;
            lastNanos = now;
            lastReceived = rec;
            lastExpected = exp;
            lastCpu = cpu;
        }
        double seconds = (lastNanos - startNanos) / 1e9;
        long delivered = lastReceived - startReceived;
        long expected = lastExpected - startExpected;
        double cpuSeconds = lastCpu - startCpu;
        if (threads != null) {
            out.print(ServerThreads.report(startThreads, threads.snapshot(), lastReceived - startReceived,
                    (lastNanos - startNanos) / 1e9));
        }
        double serverUser = lastServerUser - startServerUser;
        double serverSystem = lastServerSystem - startServerSystem;
        long authFailures = 0;
        long authenticated = 0;
        for (SyntheticViewer viewer : views) {
            authFailures += viewer.authFailures();
            authenticated += viewer.authenticated();
        }
        out.printf(Locale.ROOT, "load: kernel share of CPU in the window: server %.0f%%, generator %.0f%%%n",
                serverCpu == null ? Double.NaN : 100 * (serverCpu.systemSeconds() - startServerSystem) / cpuSeconds,
                100 * (ownCpu.systemSeconds() - startOwnSystem) / (lastOwnCpu - startOwnCpu));
        double gsoSends = serverCounter(http, "stagecast_media_send_gso_sends_total") - startGsoSends;
        double gsoSegments = serverCounter(http, "stagecast_media_send_gso_segments_total") - startGsoSegments;
        out.printf(Locale.ROOT, "load: node gso in the window: %.0f sends, %.0f segments (%.2f per send), %.1f%% of delivered%n",
                gsoSends, gsoSegments, gsoSends > 0 ? gsoSegments / gsoSends : 0,
                100 * gsoSegments / Math.max(1, lastReceived - startReceived));
        int smallest = Integer.MAX_VALUE;
        int largest = 0;
        for (SyntheticViewer viewer : views) {
            smallest = Math.min(smallest, viewer.counters.smallest());
            largest = Math.max(largest, viewer.counters.largest());
        }
        out.printf("load: SRTP packet sizes received: %d-%d bytes%n", smallest == Integer.MAX_VALUE ? 0 : smallest, largest);
        return new LoadResult(pubs.size(), viewers, joined, seconds, delivered, expected, delivered / seconds,
                expected <= 0 ? 0 : Math.max(0, expected - delivered) / (double) expected,
                window.getValueAtPercentile(50) / 1e3, window.getValueAtPercentile(99) / 1e3, window.getMaxValue() / 1e3,
                join.getValueAtPercentile(50) / 1e3, join.getMaxValue() / 1e3, authenticated, authFailures, cpuSeconds,
                cpuSeconds / Math.max(1, delivered) * 1e6, (serverForwarded(http) - startForwarded) / seconds,
                lastOwnCpu - startOwnCpu, window.getValueAtPercentile(99.9) / 1e3, serverUser, serverSystem,
                frameWindow.getValueAtPercentile(50) / 1e3, frameWindow.getValueAtPercentile(99) / 1e3);
    }

    private static double lossPercent(long received, long expected) {
        return expected <= 0 ? 0 : 100.0 * Math.max(0, expected - received) / expected;
    }

    private static long received(List<SyntheticViewer> views) {
        long sum = 0;
        for (SyntheticViewer viewer : views) {
            sum += viewer.counters.received();
        }
        return sum;
    }

    private static long expected(List<SyntheticViewer> views) {
        long sum = 0;
        for (SyntheticViewer viewer : views) {
            sum += viewer.counters.expected();
        }
        return sum;
    }

    /** The node's stagecast_media_packets_forwarded_total from /metrics, NaN when unreadable. */
    private double serverForwarded(HttpClient http) {
        return serverCounter(http, "stagecast_media_packets_forwarded_total");
    }

    /** A counter of the node's /metrics (its first line of that name), NaN when unreadable. */
    private double serverCounter(HttpClient http, String name) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(url.resolve("/metrics"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            for (String line : response.body().split("\n")) {
                if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        } catch (Exception e) {
            // The figure is optional: a node without /metrics still gets measured by its viewers.
        }
        return Double.NaN;
    }
}
