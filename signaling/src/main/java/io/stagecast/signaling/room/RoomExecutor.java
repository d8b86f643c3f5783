package io.stagecast.signaling.room;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one owner of a room's state (DESIGN.md: a single-threaded queue per room): its tasks run one
 * at a time, in the order given, on one of the node's {@link RoomWorkers} threads. The HTTP and
 * WebSocket event loops only decode a request and hand it here, so one busy room (300 joins, each
 * with SDP work) delays its own requests, never another room's or a socket's. A drain runs at most
 * {@value #BATCH} tasks before it yields its worker to the other rooms waiting.
 *
 * <p>Clients' requests ({@link #submit}) are capped at {@link RoomWorkers#maxQueuedPerRoom()}
 * waiting tasks, beyond which they are refused and counted; the node's own work ({@link #execute}:
 * a connection's end, the media plane's news, the tick) is always taken, since losing it would
 * leak a participant, and it is bounded by what it answers to (connections, transports, ticks).
 */
public final class RoomExecutor implements Executor {
    private static final Logger log = LoggerFactory.getLogger(RoomExecutor.class);
    static final int BATCH = 64;

    private final String room;
    private final RoomWorkers workers;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile Thread owner;

    RoomExecutor(String room, RoomWorkers workers) {
        this.room = room;
        this.workers = workers;
    }

    /**
     * A client's request for this room.
     *
     * @throws RejectedExecutionException when {@link RoomWorkers#maxQueuedPerRoom()} tasks wait
     *                                    already (counted as {@code room_busy})
     */
    public void submit(Runnable request) {
        if (waiting.incrementAndGet() > workers.maxQueuedPerRoom()) {
            waiting.decrementAndGet();
            workers.refusedBusy();
            throw new RejectedExecutionException("room " + room + " has " + workers.maxQueuedPerRoom() + " requests waiting");
        }
        enqueue(request);
    }

    /** The node's own work for this room: always taken. */
    @Override
    public void execute(Runnable task) {
        waiting.incrementAndGet();
        enqueue(task);
    }

    /** Whether the calling thread is running this room's tasks now. */
    public boolean inRoom() {
        return owner == Thread.currentThread();
    }

    /** Tasks waiting or running. */
    public int waiting() {
        return waiting.get();
    }

    private void enqueue(Runnable task) {
        tasks.add(task);
        workers.queued(1);
        schedule();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                workers.run(this::drain);
            } catch (RejectedExecutionException e) {
                scheduled.set(false); // the node is closing: the tasks go with it
            }
        }
    }

    private void drain() {
        owner = Thread.currentThread();
        try {
            for (int n = 0; n < BATCH; n++) {
                Runnable task = tasks.poll();
                if (task == null) {
                    break;
                }
                try {
                    task.run();
                } catch (RuntimeException | AssertionError e) {
                    log.warn("a task of room {} failed", room, e);
                } finally {
                    waiting.decrementAndGet();
                    workers.queued(-1);
                }
            }
        } finally {
            owner = null;
            scheduled.set(false);
        }
        if (!tasks.isEmpty()) {
            schedule();
        }
    }
}
