package io.stagecast.signaling.room;

import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The threads every room's {@link RoomExecutor} runs on: a fixed pool (one per processor, at least
 * two, so one room's long task never stalls all others). Its queue holds at most one drain per
 * room, so it is bounded by the rooms; what waits inside a room is capped per room.
 */
public final class RoomWorkers implements AutoCloseable {
    /** Client requests waiting in one room before more are refused ({@code room_busy}). */
    public static final int DEFAULT_MAX_QUEUED_PER_ROOM = 1_024;

    private final ExecutorService pool;
    private final int maxQueuedPerRoom;
    private final AtomicInteger queued = new AtomicInteger();
    private final LongAdder refusedBusy = new LongAdder();

    public RoomWorkers() {
        this(Math.max(2, Runtime.getRuntime().availableProcessors()), DEFAULT_MAX_QUEUED_PER_ROOM);
    }

    public RoomWorkers(int threads, int maxQueuedPerRoom) {
        if (threads < 1 || maxQueuedPerRoom < 1) {
            throw new IllegalArgumentException("threads and maxQueuedPerRoom must be positive");
        }
        this.pool = Executors.newFixedThreadPool(threads, new DefaultThreadFactory("room-worker", true));
        this.maxQueuedPerRoom = maxQueuedPerRoom;
    }

    /** Work of no one room (the API's list of rooms), on the same threads. */
    public void run(Runnable task) {
        pool.execute(task);
    }

    int maxQueuedPerRoom() {
        return maxQueuedPerRoom;
    }

    void queued(int delta) {
        queued.addAndGet(delta);
    }

    void refusedBusy() {
        refusedBusy.increment();
    }

    /** Tasks waiting or running in all rooms ({@code stagecast_room_tasks}). */
    public int queued() {
        return queued.get();
    }

    /** Client requests refused because their room had {@link #maxQueuedPerRoom} waiting. */
    public long refusedBusyCount() {
        return refusedBusy.sum();
    }

    @Override
    public void close() {
        pool.shutdownNow();
        try {
            pool.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
