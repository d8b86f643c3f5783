package io.stagecast.bench;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.AbstractScheduledEventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.internal.PlatformDependent;

import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * A media loop that a benchmark thread drives itself: tasks other loops hand it (a
 * {@code LoopRelay} batch, a keyframe request to the origin) wait in a lock-free queue until its
 * owner calls {@link #runTasks}, as the node's epoll loop runs its queue after each read cycle.
 * Netty's own loops run on threads of their own, so they would take the pinning and the CPU
 * accounting away from {@link LoopScaling}, and {@code EmbeddedEventLoop} is single-threaded by
 * design (its queue is a plain deque): neither can stand in for two loops on two pinned threads.
 *
 * <p>The owner is the thread that last called {@link #claim}: the one that builds the fixture,
 * then the loop's benchmark thread.
 */
final class DrivenEventLoop extends AbstractScheduledEventExecutor implements EventLoop {
    /** Netty's unbounded MPSC queue (JCTools, shaded): no allocation per offer in its steady state. */
    private final Queue<Runnable> tasks = PlatformDependent.newMpscQueue();
    private volatile Thread owner = Thread.currentThread();
    private volatile boolean shutDown;

    void claim() {
        owner = Thread.currentThread();
    }

    /** Owner only: the scheduled tasks that are due, then what other threads queued; returns how many ran. */
    int runTasks() {
        int ran = 0;
        long now = getCurrentTimeNanos();
        for (Runnable due = pollScheduledTask(now); due != null; due = pollScheduledTask(now)) {
            due.run();
            ran++;
        }
        for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
            task.run();
            ran++;
        }
        return ran;
    }

    @Override
    public boolean inEventLoop(Thread thread) {
        return thread == owner;
    }

    @Override
    public void execute(Runnable task) {
        tasks.offer(task);
    }

    @Override
    public EventLoopGroup parent() {
        return this;
    }

    @Override
    public EventLoop next() {
        return this;
    }

    @Override
    public ChannelFuture register(Channel channel) {
        throw new UnsupportedOperationException("a driven loop has no channels of its own");
    }

    @Override
    public ChannelFuture register(ChannelPromise promise) {
        throw new UnsupportedOperationException("a driven loop has no channels of its own");
    }

    @Override
    @Deprecated
    public ChannelFuture register(Channel channel, ChannelPromise promise) {
        throw new UnsupportedOperationException("a driven loop has no channels of its own");
    }

    @Override
    public boolean isShuttingDown() {
        return shutDown;
    }

    @Override
    public Future<?> shutdownGracefully(long quietPeriod, long timeout, TimeUnit unit) {
        shutDown = true;
        return terminationFuture();
    }

    @Override
    public Future<?> terminationFuture() {
        return ImmediateEventExecutor.INSTANCE.newSucceededFuture(null);
    }

    @Override
    @Deprecated
    public void shutdown() {
        shutDown = true;
    }

    @Override
    public boolean isShutdown() {
        return shutDown;
    }

    @Override
    public boolean isTerminated() {
        return shutDown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return shutDown;
    }
}
