package io.stagecast.bench;

import io.stagecast.sfu.dtls.DtlsCertificate;
import org.HdrHistogram.Recorder;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Puts M synthetic publishers and N synthetic viewers on a running node through its own WebSocket
 * signaling, each a real WebRTC endpoint (ICE, DTLS, SRTP), and reports what the viewers get:
 * delivered packets per second, loss, forwarding latency, join time, and, for a node on this
 * machine, the server process's CPU per delivered packet (from /proc, so the generator's own CPU
 * does not count).
 *
 * <p>Bounded: it joins, measures for {@code --duration}, leaves, and exits. Join tokens come from
 * one {@link JoinCredentials} source: the node's secret, an API key (the node mints them), or
 * given tokens. It talks only to this machine's loopback unless {@code --allow-remote} is given
 * ({@link NodeTarget}).
 */
@Command(name = "load-generator", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Synthetic WebRTC publishers and viewers against a stagecast node: joins, measures for "
                + "--duration, prints a progress line per --report-interval and a report, and leaves.",
                "Targets only this machine's loopback unless --allow-remote is given."})
public final class LoadGenerator implements Callable<Integer> {
    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080",
            description = "the node's HTTP(S) base URL (default ${DEFAULT-VALUE}; a loopback host unless --allow-remote)")
    URI url;
    @Option(names = NodeTarget.ALLOW_REMOTE,
            description = "permit a node on another machine (URL host and the media addresses of its SDP)")
    boolean allowRemote;
    @ArgGroup(exclusive = true, multiplicity = "1", heading = "Join tokens (exactly one source):%n")
    JoinCredentials.Options credentials;
    @Option(names = "--room", description = "room to use (default: load; with given tokens: their room)")
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
    @Option(names = "--report-interval", defaultValue = "PT1S",
            description = "one progress line per interval: joining (who sends, who receives), then measuring (ISO-8601)")
    Duration reportInterval;
    @Option(names = "--pacing-factor", defaultValue = "2.5", description = "a frame's packets leave at this multiple of the video bitrate (Chromium's pacer: 2.5)")
    double pacingFactor;
    @Option(names = "--receive-threads", defaultValue = "1", description = "event-loop threads reading all viewers' sockets")
    int receiveThreads;
    @Option(names = "--datagrams-per-read", defaultValue = "8", description = "recvmmsg batch per viewer socket (1: recvmsg)")
    int datagramsPerRead;
    @Option(names = "--auth-sample", defaultValue = "16", description = "authenticate (SRTP) one in this many packets per stream, count all (power of two; 1: every packet)")
    int authSample;
    @Option(names = "--server-pid", defaultValue = "0",
            description = "the node's process id on this machine, for its CPU time (0: not measured)")
    long serverPid;
    @Option(names = "--json", paramLabel = "FILE", description = "also write the report's figures as JSON to FILE")
    Path json;

    private PrintStream out = System.out;
    private LoadResult result;

    public static void main(String[] args) {
        System.exit(commandLine(new LoadGenerator(), new PrintWriter(System.err, true)).execute(args));
    }

    /** Runs with picocli arguments and returns the figures (for tests); a refusal's message is in the exception. */
    static LoadResult run(PrintStream out, String... args) {
        LoadGenerator generator = new LoadGenerator();
        generator.out = out;
        StringWriter errors = new StringWriter();
        int exit = commandLine(generator, new PrintWriter(errors, true)).execute(args);
        System.err.print(errors);
        if (exit != 0 || generator.result == null) {
            throw new IllegalStateException("load generator failed with exit code " + exit + ": " + errors.toString().strip());
        }
        return generator.result;
    }

    /**
     * An operator's mistake (a refused option, an unusable token, a node that refuses the joins) is
     * one line naming what to change, not a usage screen or a stack trace.
     */
    private static CommandLine commandLine(LoadGenerator generator, PrintWriter err) {
        CommandLine line = new CommandLine(generator);
        line.setErr(err);
        line.setParameterExceptionHandler((e, args) -> {
            // picocli's messages start with "Error: "; the program's name says that already.
            err.println("load-generator: " + e.getMessage().replaceFirst("^Error: ", "") + " (--help lists the options)");
            return line.getCommandSpec().exitCodeOnInvalidInput();
        });
        line.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof IllegalArgumentException) {
                err.println("load-generator: " + e.getMessage());
                return command.getCommandSpec().exitCodeOnInvalidInput();
            }
            if (e instanceof IllegalStateException) {
                err.println("load-generator: " + e.getMessage());
                return command.getCommandSpec().exitCodeOnExecutionException();
            }
            throw e;
        });
        return line;
    }

    @Override
    public Integer call() throws Exception {
        NodeTarget node = NodeTarget.of(url, allowRemote);
        if (publishers < 1 || viewers < 0 || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("need at least one publisher and a positive duration");
        }
        if (authSample < 1 || Integer.bitCount(authSample) != 1) {
            throw new IllegalArgumentException("--auth-sample must be a power of two: " + authSample);
        }
        if (serverPid > 0 && !node.loopback()) {
            throw new IllegalArgumentException("--server-pid reads this machine's /proc: only for a node on loopback");
        }
        VideoPacing pacing = new VideoPacing(videoBitrate, fps, audioBitrate, maxPayload, keyframeInterval.toNanos(),
                pacingFactor);
        ProgressReporter progress = new ProgressReporter(out, reportInterval);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        JoinCredentials tokens = JoinCredentials.of(credentials, room, publishers, viewers, http, node);
        // Checked before anything joins: a wrong pid would otherwise surface after the joins.
        ProcessCpu serverCpu = serverPid > 0 ? new ProcessCpu(serverPid) : null;
        // One key pair for every synthetic peer on loopback: generating one each made joins take seconds.
        DtlsCertificate certificate = DtlsCertificate.generate();
        Recorder latency = new Recorder(3);
        Recorder frameLatency = new Recorder(3);
        List<SyntheticPublisher> pubs = new CopyOnWriteArrayList<>();
        List<SyntheticViewer> views = new CopyOnWriteArrayList<>();
        out.printf(Locale.ROOT, "load: %d publisher(s) of %d bit/s video at %d fps (%d x %d-byte packets per frame) + %d bit/s audio,"
                        + " %d viewer(s), %s room %s -> %.0f pkt/s expected at the viewers%n", publishers, videoBitrate, fps,
                pacing.packetsPerFrame(), pacing.frameBytes() / pacing.packetsPerFrame(), audioBitrate, viewers, node,
                tokens.room(), pacing.packetsPerSecond() * publishers * viewers);
        out.printf("load: %s%n", tokens.describe());
        if (!node.loopback() && "http".equalsIgnoreCase(url.getScheme())) {
            out.println("load: warning: plain http to another machine: the join and API tokens cross the network in clear");
        }
        ProgressReporter.JoinCounts counts = new ProgressReporter.JoinCounts(publishers, viewers,
                () -> (int) views.stream().filter(v -> v.joinNanos() >= 0).count());
        ReceiveLoops loops = new ReceiveLoops(receiveThreads, datagramsPerRead, node.bindAddress());
        try {
            long deadline = System.nanoTime() + joinTimeout.toNanos();
            try (ProgressReporter.Running joining = progress.whileJoining(counts)) {
                for (int i = 0; i < publishers; i++) {
                    SyntheticPublisher publisher = new SyntheticPublisher(i, pacing, certificate, node);
                    pubs.add(publisher);
                    join("publisher " + i, tokens.publisherToken(i)
                            .thenCompose(token -> publisher.start(http, url, tokens.room(), token)), deadline);
                    counts.publishersSending.incrementAndGet();
                }
                out.printf("load: %d publisher(s) sending%n", publishers);
                joinViewers(http, tokens, latency, frameLatency, views, deadline, loops, certificate, node, counts);
                awaitFirstMedia(views, deadline);
            }
            if (!warmup.isNegative() && !warmup.isZero()) {
                out.printf("load: warming up for %s%n", warmup);
                Thread.sleep(warmup.toMillis());
            }
            result = new MeasurementWindow(out, progress, duration, publishers, viewers, views, latency, frameLatency,
                    serverCpu, serverPid > 0 ? new ServerThreads(serverPid) : null, new NodeMetrics(http, node)).measure();
            LoadReport report = new LoadReport(result, node, tokens.room(), authSample);
            out.print(report.text());
            out.println(result.summary());
            if (json != null) {
                report.writeJson(json);
                out.printf("load: figures written to %s%n", json);
            }
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

    /** Waits for a publisher's join; its failure ends the run, since nobody would have media to receive. */
    private static void join(String who, CompletableFuture<Void> joining, long deadline) throws InterruptedException {
        try {
            joining.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(who + " could not join: " + describe(cause(e)), cause(e));
        } catch (TimeoutException e) {
            throw new IllegalStateException(who + " did not connect within --join-timeout", e);
        }
    }

    /** At most --join-concurrency joins (token included) in flight: the node runs DTLS handshakes on a bounded pool. */
    private void joinViewers(HttpClient http, JoinCredentials tokens, Recorder latency, Recorder frameLatency,
                             List<SyntheticViewer> views, long deadline, ReceiveLoops loops, DtlsCertificate certificate,
                             NodeTarget node, ProgressReporter.JoinCounts counts) throws InterruptedException {
        Semaphore inFlight = new Semaphore(joinConcurrency);
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        List<CompletableFuture<Void>> joins = new CopyOnWriteArrayList<>();
        for (int i = 0; i < viewers; i++) {
            if (!inFlight.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                break;
            }
            SyntheticViewer viewer = new SyntheticViewer(latency, frameLatency, loops, certificate, authSample, node);
            views.add(viewer);
            counts.viewersStarted.incrementAndGet();
            // The viewer's join clock starts in start(), after its token arrived: minting is not joining.
            joins.add(tokens.viewerToken(i)
                    .thenCompose(token -> viewer.start(http, url, tokens.room(), token))
                    .whenComplete((ok, error) -> {
                        inFlight.release();
                        if (error != null) {
                            counts.viewersFailed.incrementAndGet();
                            firstFailure.compareAndSet(null, cause(error));
                        }
                    }));
        }
        for (CompletableFuture<Void> join : joins) {
            try {
                join.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // counted by the callback, or still connecting at the deadline
            }
        }
        int failed = counts.viewersFailed.get();
        out.printf("load: %d of %d viewer(s) connected%s%n", joins.size() - failed, viewers,
                failed > 0 ? " (" + failed + " failed, the first: " + describe(firstFailure.get()) + ")" : "");
    }

    private static Throwable cause(Throwable e) {
        Throwable cause = e;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String describe(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    private static void awaitFirstMedia(List<SyntheticViewer> views, long deadline) throws InterruptedException {
        while (System.nanoTime() < deadline && views.stream().anyMatch(v -> v.joinNanos() < 0)) {
            Thread.sleep(50);
        }
    }
}
