package io.stagecast.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The measurement window of a load run, after the joins: a progress line per interval, then the
 * figures over the whole window. Everything is read as a difference between the window's start
 * and its end, so the join phase (handshakes, JIT compilation) never counts.
 */
final class MeasurementWindow {
    private final PrintStream out;
    private final ProgressReporter progress;
    private final Duration duration;
    private final List<SyntheticViewer> views;
    private final int publishers;
    private final int viewersRequested;
    private final Recorder latency;
    private final Recorder frameLatency;
    /** Both null when the node's CPU is not measured (no --server-pid). */
    private final ProcessCpu serverCpu;
    private final ServerThreads serverThreads;
    private final ProcessCpu ownCpu;
    private final NodeMetrics metrics;

    MeasurementWindow(PrintStream out, ProgressReporter progress, Duration duration, int publishers,
                      int viewersRequested, List<SyntheticViewer> views, Recorder latency, Recorder frameLatency,
                      ProcessCpu serverCpu, ServerThreads serverThreads, NodeMetrics metrics) {
        this.out = out;
        this.progress = progress;
        this.duration = duration;
        this.publishers = publishers;
        this.viewersRequested = viewersRequested;
        this.views = views;
        this.latency = latency;
        this.frameLatency = frameLatency;
        this.serverCpu = serverCpu;
        this.serverThreads = serverThreads;
        this.ownCpu = new ProcessCpu(ProcessHandle.current().pid());
        this.metrics = metrics;
    }

    LoadResult measure() throws InterruptedException {
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
        long startReceived = received();
        long startExpected = expected();
        double startCpu = serverSeconds();
        double startServerUser = serverCpu == null ? Double.NaN : serverCpu.userSeconds();
        double startServerSystem = serverCpu == null ? Double.NaN : serverCpu.systemSeconds();
        double startOwnCpu = ownCpu.seconds();
        double startOwnSystem = ownCpu.systemSeconds();
        double startForwarded = metrics.counter(NodeMetrics.FORWARDED);
        double startGsoSends = metrics.counter(NodeMetrics.GSO_SENDS);
        double startGsoSegments = metrics.counter(NodeMetrics.GSO_SEGMENTS);
        Map<String, long[]> startThreads = serverThreads == null ? Map.of() : serverThreads.snapshot();
        long lastNanos = startNanos;
        long lastReceived = startReceived;
        long lastExpected = startExpected;
        double lastCpu = startCpu;
        double lastOwnCpu = startOwnCpu;
        double lastServerUser = startServerUser;
        double lastServerSystem = startServerSystem;
        long end = startNanos + duration.toNanos();
        while (true) {
            long now = System.nanoTime();
            if (now >= end) {
                break;
            }
            Thread.sleep(Math.max(1, Math.min(progress.interval().toMillis(), (end - now) / 1_000_000)));
            now = System.nanoTime();
            Histogram interval = latency.getIntervalHistogram();
            window.add(interval);
            frameWindow.add(frameLatency.getIntervalHistogram());
            long rec = received();
            long exp = expected();
            double cpu = serverSeconds();
            // Split read right after the total (the same /proc tick in practice), so user + kernel = total.
            lastServerUser = serverCpu == null ? Double.NaN : serverCpu.userSeconds();
            lastServerSystem = serverCpu == null ? Double.NaN : serverCpu.systemSeconds();
            double own = ownCpu.seconds();
            double seconds = (now - lastNanos) / 1e9;
            long delivered = rec - lastReceived;
            progress.measuring((now - startNanos) / 1e9, delivered / seconds, lossPercent(delivered, exp - lastExpected),
                    lossPercent(rec - startReceived, exp - startExpected), interval, 100 * (cpu - lastCpu) / seconds,
                    1e6 * (cpu - lastCpu) / Math.max(1, delivered), 100 * (own - lastOwnCpu) / seconds);
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
        if (serverThreads != null) {
            out.print(ServerThreads.report(startThreads, serverThreads.snapshot(), delivered, seconds));
        }
        long authFailures = 0;
        long authenticated = 0;
        for (SyntheticViewer viewer : views) {
            authFailures += viewer.authFailures();
            authenticated += viewer.authenticated();
        }
        out.printf(Locale.ROOT, "load: kernel share of CPU in the window: server %.0f%%, generator %.0f%%%n",
                serverCpu == null ? Double.NaN : 100 * (serverCpu.systemSeconds() - startServerSystem) / cpuSeconds,
                100 * (ownCpu.systemSeconds() - startOwnSystem) / (lastOwnCpu - startOwnCpu));
        double gsoSends = metrics.counter(NodeMetrics.GSO_SENDS) - startGsoSends;
        double gsoSegments = metrics.counter(NodeMetrics.GSO_SEGMENTS) - startGsoSegments;
        out.printf(Locale.ROOT, "load: node gso in the window: %.0f sends, %.0f segments (%.2f per send), %.1f%% of delivered%n",
                gsoSends, gsoSegments, gsoSends > 0 ? gsoSegments / gsoSends : 0, 100 * gsoSegments / Math.max(1, delivered));
        printPacketSizes();
        return new LoadResult(publishers, viewersRequested, joined, seconds, delivered, expected, delivered / seconds,
                expected <= 0 ? 0 : Math.max(0, expected - delivered) / (double) expected,
                window.getValueAtPercentile(50) / 1e3, window.getValueAtPercentile(99) / 1e3, window.getMaxValue() / 1e3,
                join.getValueAtPercentile(50) / 1e3, join.getMaxValue() / 1e3, authenticated, authFailures, cpuSeconds,
                cpuSeconds / Math.max(1, delivered) * 1e6, (metrics.counter(NodeMetrics.FORWARDED) - startForwarded) / seconds,
                lastOwnCpu - startOwnCpu, window.getValueAtPercentile(99.9) / 1e3, lastServerUser - startServerUser,
                lastServerSystem - startServerSystem, frameWindow.getValueAtPercentile(50) / 1e3,
                frameWindow.getValueAtPercentile(99) / 1e3, window.getValueAtPercentile(95) / 1e3,
                join.getValueAtPercentile(95) / 1e3);
    }

    private void printPacketSizes() {
        int smallest = Integer.MAX_VALUE;
        int largest = 0;
        for (SyntheticViewer viewer : views) {
            smallest = Math.min(smallest, viewer.counters.smallest());
            largest = Math.max(largest, viewer.counters.largest());
        }
        out.printf("load: SRTP packet sizes received: %d-%d bytes%n", smallest == Integer.MAX_VALUE ? 0 : smallest, largest);
    }

    private double serverSeconds() {
        return serverCpu == null ? Double.NaN : serverCpu.seconds();
    }

    private static double lossPercent(long received, long expected) {
        return expected <= 0 ? 0 : 100.0 * Math.max(0, expected - received) / expected;
    }

    private long received() {
        long sum = 0;
        for (SyntheticViewer viewer : views) {
            sum += viewer.counters.received();
        }
        return sum;
    }

    private long expected() {
        long sum = 0;
        for (SyntheticViewer viewer : views) {
            sum += viewer.counters.expected();
        }
        return sum;
    }
}
