package io.stagecast.bench.soak;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * The churn soak of issue 13: while one publisher streams throughout, viewers join and leave for
 * {@code --duration} ({@link ChurnLoop}); then the node must be back where it was. The baseline
 * is taken after a warm-up churn (so the JIT, the DTLS handshake threads and the pools a first
 * join creates are in it) once transports and participants are back to the publisher's alone;
 * the final figures after the churn, once they are back to the baseline's. Every figure is
 * printed with its bound ({@link ChurnLimits}); exit code 1 when one fails.
 *
 * <p>Bounded: the churn stops starting joins at {@code --duration}, the settle waits at most
 * {@code --settle-timeout}. Loopback only (the load generator's classes refuse other hosts).
 */
@Command(name = "churn-soak", mixinStandardHelpOptions = true,
        description = "Viewers join and leave a stagecast node on 127.0.0.1 for a while; heap after GC, files, threads,"
                + " transports and participants must come back to baseline.")
public final class ChurnSoak implements Callable<Integer> {
    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "the node's HTTP base URL (127.0.0.1)")
    URI url;
    @Option(names = "--token-secret", required = true, description = "the node's token.secret, to mint join tokens")
    String tokenSecret;
    @Option(names = "--node-pid", required = true, description = "the node's process id (this JVM's own: the node runs in-process)")
    long nodePid;
    @Option(names = "--jcmd", description = "jcmd of the node's JDK (default: this JVM's)")
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    @Option(names = "--room", defaultValue = "soak-churn", description = "room to use")
    String room;
    @Option(names = "--duration", defaultValue = "PT10M", description = "how long viewers join and leave (ISO-8601)")
    Duration duration;
    @Option(names = "--warmup", defaultValue = "PT20S", description = "churn before the baseline (ISO-8601)")
    Duration warmup;
    @Option(names = "--concurrency", defaultValue = "4", description = "viewers joining or present at once")
    int concurrency;
    @Option(names = "--hold", defaultValue = "PT1S", description = "how long a viewer stays after its first media (ISO-8601)")
    Duration hold;
    @Option(names = "--join-timeout", defaultValue = "PT15S", description = "longest wait for a viewer's first media")
    Duration joinTimeout;
    @Option(names = "--settle-timeout", defaultValue = "PT90S",
            description = "longest wait for transports and participants to come back (covers rooms.reconnect-grace-seconds)")
    Duration settleTimeout;
    @Option(names = "--report-interval", defaultValue = "PT30S", description = "progress line interval")
    Duration reportInterval;
    @Option(names = "--gc-samples", defaultValue = "5", description = "full collections per heap reading; the smallest counts")
    int gcSamples;
    @Option(names = "--max-heap-growth-mb", defaultValue = "8", description = "bound: heap after GC above baseline, MB")
    double maxHeapGrowthMb;
    @Option(names = "--max-file-growth", defaultValue = "10", description = "bound: open file descriptors above baseline")
    int maxFileGrowth;
    @Option(names = "--max-thread-growth", defaultValue = "4", description = "bound: live threads above baseline")
    int maxThreadGrowth;
    @Option(names = "--max-failed-joins-percent", defaultValue = "2", description = "bound: joins without media, percent")
    double maxFailedJoinsPercent;
    @Option(names = "--pool-threads", split = ",", paramLabel = "PREFIX",
            description = "name prefixes of thread pools left out of the thread figure (bounded pools whose idle threads"
                    + " end later than the settle can wait, e.g. dtls-handshake-: 64 threads, 30 s idle)")
    List<String> poolThreads = List.of();
    @Option(names = "--receive-threads", defaultValue = "1", description = "event-loop threads reading the viewers' sockets")
    int receiveThreads;

    private PrintStream out = System.out;
    private ChurnResult result;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ChurnSoak()).execute(args));
    }

    /** Runs with picocli arguments and returns the outcome, pass or fail (for tests). */
    static ChurnResult run(PrintStream out, String... args) {
        ChurnSoak soak = new ChurnSoak();
        soak.out = out;
        int exit = new CommandLine(soak).execute(args);
        if (soak.result == null) {
            throw new IllegalStateException("churn soak failed with exit code " + exit);
        }
        return soak.result;
    }

    @Override
    public Integer call() throws Exception {
        if (!"127.0.0.1".equals(url.getHost())) {
            throw new IllegalArgumentException("the churn soak only targets 127.0.0.1, not " + url.getHost());
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("--duration must be positive: " + duration);
        }
        ChurnLimits limits = new ChurnLimits((long) (maxHeapGrowthMb * 1e6), maxFileGrowth, maxThreadGrowth,
                maxFailedJoinsPercent / 100);
        NodeProbe probe = new NodeProbe(url, nodePid, jcmd, poolThreads);
        SoakTokens tokens = new SoakTokens(tokenSecret, room);
        out.printf(Locale.ROOT, "churn: node %s (pid %d, %s), %d viewer(s) at once for %s after a %s warm-up, hold %s%n",
                url, nodePid, probe.inProcess() ? "in this JVM" : "another process", concurrency, duration, warmup, hold);
        try (SyntheticClients clients = new SyntheticClients(url, receiveThreads);
             SyntheticClients.Publisher publisher = clients.newPublisher(0)) {
            publisher.start(room, tokens.publisher("soak-publisher")).get(joinTimeout.toMillis(), TimeUnit.MILLISECONDS);
            MetricsScrape idle = probe.scrape();
            int idleTransports = (int) idle.sum(MetricsScrape.TRANSPORTS);
            int idleParticipants = (int) idle.sum(MetricsScrape.PARTICIPANTS);
            int idleThreads = probe.countedThreads(idle);
            out.printf("churn: publisher streaming; node has %d transport(s), %d participant(s), %d threads%n",
                    idleTransports, idleParticipants, idleThreads);

            churn(clients, tokens, warmup, "warmup", probe);
            double warmSettle = settle(probe, idleTransports, idleParticipants, idleThreads + maxThreadGrowth);
            out.printf(Locale.ROOT, "churn: warm-up done, settled in %.1f s%n", warmSettle);
            ClassHistogram baselineHeap = probe.heapAfterGc(gcSamples);
            NodeFigures baseline = probe.figures(baselineHeap);
            Map<String, Integer> baselineThreads = probe.threadFamilies();
            out.println("churn: baseline " + baseline.describe() + (poolThreads.isEmpty() ? ""
                    : " (threads without the pools " + poolThreads + ")"));

            long start = System.nanoTime();
            ChurnLoop loop = churn(clients, tokens, duration, "churn", probe);
            double churnSeconds = (System.nanoTime() - start) / 1e9;
            double settleSeconds = settle(probe, baseline.transports(), baseline.participants(),
                    baseline.threads() + maxThreadGrowth);
            ClassHistogram afterHeap = probe.heapAfterGc(gcSamples);
            NodeFigures after = probe.figures(afterHeap);
            out.println("churn: classes whose live bytes grew most: " + afterHeap.largestGrowth(baselineHeap, 5));
            String threadChanges = changed(baselineThreads, probe.threadFamilies());
            out.printf(Locale.ROOT, "churn: publisher sent %d packets, still connected: %s%n", publisher.packetsSent(),
                    publisher.peer().isConnected());
            result = new ChurnResult(baseline, after, loop.joins(), loop.failures(),
                    loop.joinMillis().getValueAtPercentile(50), loop.joinMillis().getValueAtPercentile(99),
                    loop.joinMillis().getMaxValue(), churnSeconds, settleSeconds, threadChanges,
                    limits.judge(baseline, after, loop.joins(), loop.failures()));
            if (!loop.failureReasons().isEmpty()) {
                out.println("churn: first failures: " + loop.failureReasons());
            }
            out.println(result.summary());
            return result.passed() ? 0 : 1;
        }
    }

    /** Runs a churn to its end, printing progress; bounded by its duration plus one join and hold. */
    private ChurnLoop churn(SyntheticClients clients, SoakTokens tokens, Duration length, String name, NodeProbe probe)
            throws InterruptedException {
        ChurnLoop loop = new ChurnLoop(clients, tokens, concurrency, hold, joinTimeout, name);
        long start = System.nanoTime();
        long limit = start + length.plus(joinTimeout).plus(hold).plusSeconds(30).toNanos();
        loop.start(length);
        while (!loop.awaitEnd(reportInterval)) {
            if (System.nanoTime() > limit) {
                loop.stop();
                throw new IllegalStateException(name + " churn did not end within its bound");
            }
            progress(name, loop, probe, (System.nanoTime() - start) / 1e9);
        }
        progress(name, loop, probe, (System.nanoTime() - start) / 1e9);
        return loop;
    }

    private void progress(String name, ChurnLoop loop, NodeProbe probe, double seconds) {
        String node;
        try {
            MetricsScrape m = probe.scrape();
            node = String.format(Locale.ROOT, "node: %d transports, %d participants, heap %.1f MB (not collected), %d files,"
                            + " %d threads", (int) m.sum(MetricsScrape.TRANSPORTS), (int) m.sum(MetricsScrape.PARTICIPANTS),
                    m.sum(MetricsScrape.MEMORY_USED, "area", "heap") / 1e6, (int) m.sum(MetricsScrape.OPEN_FILES),
                    (int) m.sum(MetricsScrape.THREADS));
        } catch (IOException e) {
            node = "node: /metrics unreadable (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        out.printf(Locale.ROOT, "%s t=%5.0fs joins %5d failed %3d open %2d | %s%n", name, seconds, loop.joins(),
                loop.failures(), loop.live(), node);
    }

    /** "name: before -> after" for each thread family whose count differs. */
    static String changed(Map<String, Integer> before, Map<String, Integer> after) {
        Set<String> families = new TreeSet<>(before.keySet());
        families.addAll(after.keySet());
        StringJoiner changes = new StringJoiner(", ", "[", "]");
        for (String family : families) {
            int was = before.getOrDefault(family, 0);
            int is = after.getOrDefault(family, 0);
            if (was != is) {
                changes.add(family + ": " + was + " -> " + is);
            }
        }
        return changes.toString();
    }

    /**
     * Seconds until the node's transports and participants are the targets and its threads at
     * most {@code maxThreads} (the DTLS handshake pools end idle threads after 30 s), -1 after the
     * settle timeout.
     */
    private double settle(NodeProbe probe, int transports, int participants, int maxThreads) throws InterruptedException {
        long start = System.nanoTime();
        long end = start + settleTimeout.toNanos();
        while (System.nanoTime() < end) {
            try {
                MetricsScrape m = probe.scrape();
                if ((int) m.sum(MetricsScrape.TRANSPORTS) == transports && (int) m.sum(MetricsScrape.PARTICIPANTS) == participants
                        && probe.countedThreads(m) <= maxThreads) {
                    return (System.nanoTime() - start) / 1e9;
                }
            } catch (IOException e) {
                // A scrape that failed under load: the next one decides.
            }
            Thread.sleep(250);
        }
        return -1;
    }
}
