package io.stagecast.signaling.room;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A room's one owner: order, one task at a time, the cap on clients' requests, other rooms unaffected. */
class RoomExecutorTest {
    private final RoomWorkers workers = new RoomWorkers(2, 8);

    @AfterEach
    void close() {
        workers.close();
    }

    @Test
    void tasksRunInOrderOneAtATime() throws Exception {
        RoomExecutor room = new RoomExecutor("a", workers);
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        int[] running = {0};
        boolean[] overlapped = {false};
        CountDownLatch done = new CountDownLatch(200);
        for (int i = 0; i < 200; i++) {
            int n = i;
            room.execute(() -> {
                synchronized (running) {
                    overlapped[0] |= ++running[0] > 1;
                }
                assertTrue(room.inRoom());
                seen.add(n);
                synchronized (running) {
                    running[0]--;
                }
                done.countDown();
            });
        }
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertFalse(overlapped[0], "never two tasks of one room at once");
        for (int i = 0; i < 200; i++) {
            assertEquals(i, seen.get(i), "in the order given");
        }
        assertFalse(room.inRoom(), "the test thread is not the room's");
    }

    @Test
    void aRoomWithItsCapOfRequestsWaitingRefusesMoreCountedTakesNodeWorkAndLeavesOtherRoomsAlone() throws Exception {
        RoomExecutor busy = new RoomExecutor("busy", workers);
        RoomExecutor quiet = new RoomExecutor("quiet", workers);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        busy.submit(() -> {
            started.countDown();
            await(release);
        });
        assertTrue(started.await(5, TimeUnit.SECONDS));
        for (int i = 1; i < 8; i++) {
            busy.submit(() -> { });
        }
        assertThrows(RejectedExecutionException.class, () -> busy.submit(() -> { }), "the 9th waiting request");
        assertEquals(1, workers.refusedBusyCount(), "counted (stagecast_room_requests_refused_total{reason=room_busy})");
        CountDownLatch nodeWork = new CountDownLatch(1);
        busy.execute(nodeWork::countDown); // a connection's end is never refused
        CountDownLatch other = new CountDownLatch(1);
        quiet.submit(other::countDown);
        assertTrue(other.await(2, TimeUnit.SECONDS), "another room runs while this one is stuck");
        assertEquals(9, busy.waiting());
        release.countDown();
        assertTrue(nodeWork.await(5, TimeUnit.SECONDS), "the node's work ran after the requests");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (busy.waiting() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(0, busy.waiting());
        busy.submit(() -> { }); // takes requests again
        assertEquals(1, workers.refusedBusyCount());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
