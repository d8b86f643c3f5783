package io.stagecast.sfu.dtls;

import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which DTLS handshakes of a node hold a thread, and for how long.
 *
 * <p>Why threads at all: BouncyCastle's DTLS handshake ({@code DTLSServerProtocol.accept},
 * {@code DTLSClientProtocol.connect}) is a blocking call that pulls datagrams; its state lives on
 * that call's stack, so it cannot be driven datagram by datagram from the event loop without
 * rewriting the handshake. Its stateless cookie exchange ({@code DTLSVerifier}) would let the loop
 * answer the first ClientHello without a thread, but it cannot read a ClientHello split over two
 * datagrams, which current browsers send (post-quantum key shares), so it is not used either.
 *
 * <p>So the thread is kept but made to cost nothing while a peer is silent (issue 8 item 4: peers
 * that did one ICE check and went quiet held all 64 threads, each for BouncyCastle's 20 s):
 * <ul>
 *   <li>A server session asks for a thread only when the peer's ClientHello arrived
 *       ({@link DtlsSession#receive}); a peer that only did an ICE check never takes one.</li>
 *   <li>At most {@code maxRunning} run; up to {@code maxWaiting} more wait, and when a thread frees
 *       the waiting handshake whose peer spoke last goes first (a live peer retransmits its
 *       ClientHello, a silent one falls behind). Beyond that, and beyond {@code maxPerAddress} for
 *       one remote IP address (one host cannot take every thread), a ClientHello is refused: dropped
 *       and counted; the peer's retransmission asks again.</li>
 *   <li>A handshake whose peer sends nothing for {@code stallTimeout} (measured from its last
 *       datagram or our first answer to it, retransmissions excluded) is ended, running or waiting.
 *       A live peer answers a flight within a round trip and retransmits after about 1 s.</li>
 * </ul>
 * Connected sessions hold no thread; their rare datagrams (retransmitted Finished, alerts) are
 * served by a small separate pool so they never queue behind handshakes.
 *
 * <p>Thread-safe. Handshakes start and end a few times per second at most, so a monitor is fine;
 * {@link #tick} returns at once when nothing is in progress.
 */
public final class DtlsHandshakeScheduler implements AutoCloseable {

    /** Why a handshake was refused; the tag names it in metrics. */
    public enum Refusal {
        PER_ADDRESS("per_address"),
        BUSY("busy");

        public final String tag;

        Refusal(String tag) {
            this.tag = tag;
        }
    }

    private static final int DRAIN_THREADS = 2;

    private final DtlsHandshakeLimits limits;
    private final long stallNanos;
    private final ThreadPoolExecutor threads;
    private final ThreadPoolExecutor drains;

    // Guarded by this.
    private final Set<ScheduledHandshake> running = new LinkedHashSet<>();
    private final List<ScheduledHandshake> waiting = new ArrayList<>();
    private final Map<InetAddress, Integer> perAddress = new HashMap<>();

    private volatile int runningCount;
    private volatile int waitingCount;
    private final AtomicLong refusedPerAddress = new AtomicLong();
    private final AtomicLong refusedBusy = new AtomicLong();
    private final AtomicLong stalledRunning = new AtomicLong();
    private final AtomicLong stalledWaiting = new AtomicLong();

    public DtlsHandshakeScheduler(DtlsHandshakeLimits limits) {
        this.limits = limits;
        this.stallNanos = limits.stallTimeout().toNanos();
        // Admission is bounded here (maxRunning at once), so the pool needs no queue: a handshake
        // takes an idle thread, or a new one. With core = max threads a pool starts a new thread
        // for every task until it has them all, so any join activity kept 64 threads alive (80
        // threads in a 10-minute churn of 4 viewers at a time, docs/benchmarks.md, soak runs).
        // Twice maxRunning as the limit: a finishing handshake's thread starts the next waiting
        // one before it is back in the pool, so up to maxRunning threads may be finishing while
        // maxRunning run.
        threads = new ThreadPoolExecutor(0, 2 * limits.maxRunning(), 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), new DefaultThreadFactory("dtls-handshake", true));
        drains = new ThreadPoolExecutor(DRAIN_THREADS, DRAIN_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), new DefaultThreadFactory("dtls-records", true));
        drains.allowCoreThreadTimeOut(true);
    }

    /** Threads the handshake pool holds now, busy or idle (tests). */
    int threadCount() {
        return threads.getPoolSize();
    }

    public DtlsHandshakeLimits limits() {
        return limits;
    }

    /** Where connected sessions read their records (short tasks, never a handshake). */
    Executor drainExecutor() {
        return drains;
    }

    /**
     * Asks for a thread for {@code handshake}: it runs now, or waits; null when it was admitted,
     * otherwise why not (nothing is kept of a refused one).
     */
    Refusal submit(ScheduledHandshake handshake) {
        List<ScheduledHandshake> cannotRun = new ArrayList<>(0);
        Refusal refusal = null;
        synchronized (this) {
            if (perAddress.getOrDefault(handshake.peer(), 0) >= limits.maxPerAddress()) {
                refusal = Refusal.PER_ADDRESS;
            } else if (running.size() < limits.maxRunning()) {
                perAddress.merge(handshake.peer(), 1, Integer::sum);
                startLocked(handshake, cannotRun);
            } else if (waiting.size() < limits.maxWaiting()) {
                perAddress.merge(handshake.peer(), 1, Integer::sum);
                waiting.add(handshake);
            } else {
                refusal = Refusal.BUSY;
            }
            updateCounts();
        }
        if (refusal != null) {
            (refusal == Refusal.PER_ADDRESS ? refusedPerAddress : refusedBusy).incrementAndGet();
        }
        expireAll(cannotRun, "node shutting down");
        return refusal;
    }

    /** A waiting handshake's session closed: it leaves the queue (a running one ends by itself). */
    void withdraw(ScheduledHandshake handshake) {
        synchronized (this) {
            if (waiting.remove(handshake)) {
                releaseLocked(handshake);
                updateCounts();
            }
        }
    }

    /** Ends handshakes whose peer went silent; the node's ticker calls it every few tens of ms. */
    public void tick(long nowNanos) {
        if (runningCount == 0 && waitingCount == 0) {
            return;
        }
        List<ScheduledHandshake> stalled = new ArrayList<>();
        List<ScheduledHandshake> expired = new ArrayList<>();
        synchronized (this) {
            for (ScheduledHandshake handshake : running) {
                if (nowNanos - handshake.lastProgressNanos() > stallNanos) {
                    stalled.add(handshake);
                }
            }
            for (int i = waiting.size() - 1; i >= 0; i--) {
                ScheduledHandshake handshake = waiting.get(i);
                boolean stale = nowNanos - handshake.lastProgressNanos() > stallNanos;
                if (stale || handshake.isOver()) {
                    waiting.remove(i);
                    releaseLocked(handshake);
                    if (stale && !handshake.isOver()) {
                        expired.add(handshake);
                    }
                }
            }
            updateCounts();
        }
        String reason = "no DTLS datagram from the peer for " + limits.stallTimeout().toMillis() + " ms";
        for (ScheduledHandshake handshake : stalled) {
            // Wakes the handshake thread, which ends it; the slot frees in finished().
            if (handshake.stall(reason)) {
                stalledRunning.incrementAndGet();
            }
        }
        stalledWaiting.addAndGet(expired.size());
        expireAll(expired, reason + " (waiting for a handshake thread)");
    }

    /** Handshakes on a thread now. */
    public int running() {
        return runningCount;
    }

    /** Handshakes whose peer spoke, waiting for a thread. */
    public int waiting() {
        return waitingCount;
    }

    public long refused(Refusal reason) {
        return (reason == Refusal.PER_ADDRESS ? refusedPerAddress : refusedBusy).get();
    }

    /** Handshakes ended because their peer went silent: {@code whileWaiting} for a thread, or on one. */
    public long stalled(boolean whileWaiting) {
        return (whileWaiting ? stalledWaiting : stalledRunning).get();
    }

    @Override
    public void close() {
        threads.shutdownNow();
        drains.shutdownNow();
    }

    private void startLocked(ScheduledHandshake handshake, List<ScheduledHandshake> cannotRun) {
        running.add(handshake);
        // Before the thread can run it: whoever sees the handshake running sees the counts with it
        // (a reused pool thread starts it at once, before this method returns).
        updateCounts();
        try {
            threads.execute(() -> {
                try {
                    handshake.run();
                } finally {
                    finished(handshake);
                }
            });
        } catch (RejectedExecutionException shutDown) {
            running.remove(handshake);
            releaseLocked(handshake);
            cannotRun.add(handshake);
        }
    }

    private void finished(ScheduledHandshake handshake) {
        List<ScheduledHandshake> cannotRun = new ArrayList<>(0);
        synchronized (this) {
            if (running.remove(handshake)) {
                releaseLocked(handshake);
            }
            while (running.size() < limits.maxRunning() && !waiting.isEmpty()) {
                ScheduledHandshake next = takeLivelyWaitingLocked();
                if (next == null) {
                    break;
                }
                // Still counted for its address: it moves from waiting to running.
                startLocked(next, cannotRun);
            }
            updateCounts();
        }
        expireAll(cannotRun, "node shutting down");
    }

    /** The waiting handshake whose peer spoke most recently; closed ones are dropped on the way. */
    private ScheduledHandshake takeLivelyWaitingLocked() {
        int best = -1;
        long bestProgress = 0;
        for (int i = waiting.size() - 1; i >= 0; i--) {
            ScheduledHandshake candidate = waiting.get(i);
            if (candidate.isOver()) {
                waiting.remove(i);
                releaseLocked(candidate);
                if (best > i) {
                    best--;
                }
                continue;
            }
            long progress = candidate.lastProgressNanos();
            if (best < 0 || progress - bestProgress > 0) {
                best = i;
                bestProgress = progress;
            }
        }
        return best < 0 ? null : waiting.remove(best);
    }

    private void releaseLocked(ScheduledHandshake handshake) {
        perAddress.computeIfPresent(handshake.peer(), (address, n) -> n > 1 ? n - 1 : null);
    }

    private void updateCounts() {
        runningCount = running.size();
        waitingCount = waiting.size();
    }

    private static void expireAll(List<ScheduledHandshake> handshakes, String reason) {
        for (ScheduledHandshake handshake : handshakes) {
            handshake.expire(reason);
        }
    }
}
