package io.stagecast.bench.soak;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Viewers joining and leaving for a while: {@code concurrency} slots, each of which joins a fresh
 * viewer (a new participant, real ICE/DTLS/SRTP), waits for its first media packet, keeps it for
 * {@code hold}, closes it (its WebSocket and peer: what closing a tab does) and starts over. A join
 * counts once media arrived; one that fails or gets no media within the join timeout is a failure.
 */
final class ChurnLoop {
    private static final int REASONS_KEPT = 5;

    private final SyntheticClients clients;
    private final SoakTokens tokens;
    private final int concurrency;
    private final Duration hold;
    private final Duration joinTimeout;
    private final String namePrefix;
    private final LongAdder joins = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final AtomicInteger live = new AtomicInteger();
    private final Histogram joinMillis = new ConcurrentHistogram(3);
    private final List<String> reasons = new ArrayList<>();
    private ExecutorService slots;
    private volatile long endNanos;

    ChurnLoop(SyntheticClients clients, SoakTokens tokens, int concurrency, Duration hold, Duration joinTimeout,
              String namePrefix) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1: " + concurrency);
        }
        this.clients = clients;
        this.tokens = tokens;
        this.concurrency = concurrency;
        this.hold = hold;
        this.joinTimeout = joinTimeout;
        this.namePrefix = namePrefix;
    }

    /** Starts the slots; no slot starts a join after {@code duration}. */
    void start(Duration duration) {
        endNanos = System.nanoTime() + duration.toNanos();
        slots = Executors.newFixedThreadPool(concurrency, runnable -> {
            Thread thread = new Thread(runnable, namePrefix + "-slot");
            thread.setDaemon(true);
            return thread;
        });
        for (int i = 0; i < concurrency; i++) {
            int slot = i;
            slots.execute(() -> run(slot));
        }
        slots.shutdown();
    }

    /** Waits for the last viewer to leave: at most the duration plus one join and hold. */
    boolean awaitEnd(Duration timeout) throws InterruptedException {
        return slots.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the slots early (a failure elsewhere): their viewers close at once. */
    void stop() {
        endNanos = System.nanoTime();
        slots.shutdownNow();
    }

    private void run(int slot) {
        int n = 0;
        while (System.nanoTime() < endNanos && !Thread.currentThread().isInterrupted()) {
            SyntheticClients.Viewer viewer = null;
            try {
                viewer = clients.newViewer();
                live.incrementAndGet();
                long deadline = System.nanoTime() + joinTimeout.toNanos();
                viewer.start(tokens.room(), tokens.viewer(namePrefix + "-" + slot + "-" + n++))
                        .get(joinTimeout.toMillis(), TimeUnit.MILLISECONDS);
                while (viewer.joinNanos() < 0 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                if (viewer.joinNanos() < 0) {
                    throw new IllegalStateException("connected but no media within " + joinTimeout);
                }
                joinMillis.recordValue(Math.max(1, viewer.joinNanos() / 1_000_000));
                joins.increment();
                Thread.sleep(hold.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                failures.increment();
                remember(e);
            } finally {
                if (viewer != null) {
                    viewer.close();
                    live.decrementAndGet();
                }
            }
        }
    }

    private void remember(Exception e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        synchronized (reasons) {
            if (reasons.size() < REASONS_KEPT) {
                reasons.add(cause.toString());
            }
        }
    }

    /** Joins that got media. */
    long joins() {
        return joins.sum();
    }

    long failures() {
        return failures.sum();
    }

    /** Viewers open now (joining or holding). */
    int live() {
        return live.get();
    }

    /** Signaling start to first media packet, milliseconds, of the joins that got media. */
    Histogram joinMillis() {
        return joinMillis;
    }

    /** The first few failures' causes. */
    List<String> failureReasons() {
        synchronized (reasons) {
            return List.copyOf(reasons);
        }
    }
}
