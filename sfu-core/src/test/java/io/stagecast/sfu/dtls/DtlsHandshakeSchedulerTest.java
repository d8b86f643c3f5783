package io.stagecast.sfu.dtls;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scheduler's admission rules, with handshakes that block until told to end. */
class DtlsHandshakeSchedulerTest {
    private static final InetAddress A = address("10.0.0.1");
    private static final InetAddress B = address("10.0.0.2");
    private static final long STALL_NANOS = Duration.ofSeconds(3).toNanos();

    private final DtlsHandshakeScheduler scheduler =
            new DtlsHandshakeScheduler(new DtlsHandshakeLimits(2, 2, 3, Duration.ofSeconds(3)));
    private final List<FakeHandshake> all = new ArrayList<>();

    @AfterEach
    void endAll() {
        all.forEach(FakeHandshake::end);
        scheduler.close();
    }

    @Test
    void runsUpToItsThreadsThenQueuesThenRefusesAsBusy() throws Exception {
        FakeHandshake first = submitted(A, 0);
        FakeHandshake second = submitted(B, 0);
        first.awaitRunning();
        second.awaitRunning();
        assertNull(scheduler.submit(handshake(A, 0)));
        assertNull(scheduler.submit(handshake(B, 0)));
        assertEquals(2, scheduler.running());
        assertEquals(2, scheduler.waiting());
        assertEquals(DtlsHandshakeScheduler.Refusal.BUSY, scheduler.submit(handshake(address("10.0.0.3"), 0)));
        assertEquals(1, scheduler.refused(DtlsHandshakeScheduler.Refusal.BUSY));
    }

    @Test
    void handshakesOneAfterAnotherReuseAThreadInsteadOfStartingOneEach() throws Exception {
        DtlsHandshakeScheduler wide = new DtlsHandshakeScheduler(new DtlsHandshakeLimits(16, 16, 16, Duration.ofSeconds(3)));
        try {
            for (int i = 0; i < 10; i++) {
                FakeHandshake h = handshake(i % 2 == 0 ? A : B, 0);
                assertNull(wide.submit(h));
                h.awaitRunning();
                h.end();
                h.awaitEnded();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (wide.running() > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                Thread.sleep(20); // its thread goes back to the pool after the scheduler heard it end
            }
            // A pool of core = max threads held 10 here, one per handshake so far.
            assertTrue(wide.threadCount() <= 2, "threads for 10 handshakes in a row: " + wide.threadCount());
        } finally {
            wide.close();
        }
    }

    @Test
    void oneAddressGetsItsShareAndNoMore() {
        submitted(A, 0);
        submitted(A, 0);
        submitted(A, 0);
        assertEquals(DtlsHandshakeScheduler.Refusal.PER_ADDRESS, scheduler.submit(handshake(A, 0)));
        assertNull(scheduler.submit(handshake(B, 0)), "another address is not held back");
        assertEquals(1, scheduler.refused(DtlsHandshakeScheduler.Refusal.PER_ADDRESS));
    }

    @Test
    void aFreedThreadGoesToTheWaitingPeerThatSpokeLast() throws Exception {
        FakeHandshake first = submitted(A, 0);
        submitted(B, 0);
        FakeHandshake older = submitted(A, 1);
        FakeHandshake newer = submitted(B, 2);
        first.awaitRunning();
        first.end();
        newer.awaitRunning();
        assertEquals(1, scheduler.waiting());
        assertEquals(1, older.runs.getCount(), "the peer silent for longer still waits");
    }

    @Test
    void silentPeersAreEndedRunningOrWaiting() throws Exception {
        FakeHandshake running = submitted(A, 0);
        submitted(B, 0);
        FakeHandshake waiting = submitted(A, 0);
        running.awaitRunning();

        scheduler.tick(STALL_NANOS / 2);
        assertEquals(0, scheduler.stalled(false) + scheduler.stalled(true), "not silent for long enough yet");

        scheduler.tick(STALL_NANOS + 1);
        assertEquals(2, scheduler.stalled(false));
        assertEquals(1, scheduler.stalled(true));
        assertTrue(running.stalled && waiting.expired);
        assertEquals(0, scheduler.waiting());
        running.awaitEnded();
        assertTrue(waitForRunning(0), "stalled handshakes free their threads");
    }

    private boolean waitForRunning(int expected) throws InterruptedException {
        for (int i = 0; i < 500 && scheduler.running() != expected; i++) {
            Thread.sleep(10);
        }
        return scheduler.running() == expected;
    }

    private FakeHandshake submitted(InetAddress peer, long progressNanos) {
        FakeHandshake handshake = handshake(peer, progressNanos);
        assertNull(scheduler.submit(handshake));
        return handshake;
    }

    private FakeHandshake handshake(InetAddress peer, long progressNanos) {
        FakeHandshake handshake = new FakeHandshake(peer, progressNanos);
        all.add(handshake);
        return handshake;
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs until ended or stalled; its peer last spoke at a fixed time. */
    private static final class FakeHandshake implements ScheduledHandshake {
        final InetAddress peer;
        final long progressNanos;
        final CountDownLatch runs = new CountDownLatch(1);
        final CountDownLatch ends = new CountDownLatch(1);
        final CountDownLatch ended = new CountDownLatch(1);
        volatile boolean stalled;
        volatile boolean expired;

        FakeHandshake(InetAddress peer, long progressNanos) {
            this.peer = peer;
            this.progressNanos = progressNanos;
        }

        void awaitRunning() throws InterruptedException {
            assertTrue(runs.await(5, TimeUnit.SECONDS), "handshake did not start");
        }

        void awaitEnded() throws InterruptedException {
            assertTrue(ended.await(5, TimeUnit.SECONDS), "handshake did not end");
        }

        void end() {
            ends.countDown();
        }

        @Override
        public InetAddress peer() {
            return peer;
        }

        @Override
        public long lastProgressNanos() {
            return progressNanos;
        }

        @Override
        public void run() {
            runs.countDown();
            try {
                ends.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                ended.countDown();
            }
        }

        @Override
        public boolean stall(String reason) {
            if (stalled) {
                return false;
            }
            stalled = true;
            ends.countDown();
            return true;
        }

        @Override
        public void expire(String reason) {
            expired = true;
        }

        @Override
        public boolean isOver() {
            return expired || ended.getCount() == 0;
        }
    }
}
