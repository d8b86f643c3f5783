package io.stagecast.bench;

import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * The one line per {@code --report-interval} an operator watches: while joining, how many
 * publishers send and how many viewers receive media; while measuring, what the viewers got in
 * that interval (packets per second, loss, latency percentiles) and the loss so far in the window.
 * Lines start with the phase so that a script can pick them out.
 */
final class ProgressReporter {
    private final PrintStream out;
    private final Duration interval;

    ProgressReporter(PrintStream out, Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("--report-interval must be positive: " + interval);
        }
        this.out = out;
        this.interval = interval;
    }

    Duration interval() {
        return interval;
    }

    /** What the joins have come to; written by the joins' callbacks, read by the reporter's thread. */
    static final class JoinCounts {
        final int publishers;
        final int viewers;
        final AtomicInteger publishersSending = new AtomicInteger();
        final AtomicInteger viewersStarted = new AtomicInteger();
        final AtomicInteger viewersFailed = new AtomicInteger();
        private final IntSupplier viewersWithMedia;

        /** @param viewersWithMedia viewers that received their first media packet */
        JoinCounts(int publishers, int viewers, IntSupplier viewersWithMedia) {
            this.publishers = publishers;
            this.viewers = viewers;
            this.viewersWithMedia = viewersWithMedia;
        }

        int viewersWithMedia() {
            return viewersWithMedia.getAsInt();
        }
    }

    /** A running reporter; closing it stops the lines. */
    interface Running extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Prints a join line every interval (on a daemon thread) until the returned handle is closed,
     * and one more then, so that even a join phase shorter than the interval leaves its line.
     */
    Running whileJoining(JoinCounts counts) {
        long start = System.nanoTime();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "load-progress");
            thread.setDaemon(true);
            return thread;
        });
        long millis = interval.toMillis();
        timer.scheduleAtFixedRate(() -> out.println(joinLine((System.nanoTime() - start) / 1e9, counts)), millis, millis,
                TimeUnit.MILLISECONDS);
        return () -> {
            timer.shutdownNow();
            try {
                timer.awaitTermination(1, TimeUnit.SECONDS); // a line being printed comes before the last one
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.println(joinLine((System.nanoTime() - start) / 1e9, counts));
        };
    }

    static String joinLine(double seconds, JoinCounts counts) {
        int media = counts.viewersWithMedia();
        int failed = counts.viewersFailed.get();
        int connecting = Math.max(0, counts.viewersStarted.get() - media - failed);
        return String.format(Locale.ROOT, "joining   t=%6.1fs publishers %d/%d sending, viewers %d/%d joined"
                        + " (receiving media), %d connecting, %d failed", seconds, counts.publishersSending.get(),
                counts.publishers, media, counts.viewers, connecting, failed);
    }

    /**
     * One interval of the measurement window.
     *
     * @param lossPercent      loss in the interval
     * @param windowLossPercent loss since the window began
     * @param latency          the interval's latency sample, in microseconds
     * @param serverCpuPercent the node's CPU in the interval, NaN when not measured
     */
    void measuring(double seconds, double deliveredPerSecond, double lossPercent, double windowLossPercent,
                   Histogram latency, double serverCpuPercent, double serverMicrosPerPacket, double generatorCpuPercent) {
        String node = Double.isNaN(serverCpuPercent) ? ""
                : String.format(Locale.ROOT, " node cpu %5.1f%% %6.2f us/pkt", serverCpuPercent, serverMicrosPerPacket);
        out.printf(Locale.ROOT, "measuring t=%6.1fs delivered %8.0f pkt/s loss %6.3f%% (so far %6.3f%%)"
                        + " latency p50 %6.2f ms p99 %6.2f ms max %7.2f ms%s generator cpu %5.1f%%%n", seconds,
                deliveredPerSecond, lossPercent, windowLossPercent, latency.getValueAtPercentile(50) / 1e3,
                latency.getValueAtPercentile(99) / 1e3, latency.getMaxValue() / 1e3, node, generatorCpuPercent);
    }
}
