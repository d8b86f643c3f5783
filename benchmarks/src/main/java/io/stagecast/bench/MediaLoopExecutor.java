package io.stagecast.bench;

import io.netty.util.concurrent.FastThreadLocalThread;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * JMH's worker threads as the kind of thread the node's media loop is: a Netty
 * {@link FastThreadLocalThread}. Netty 4.2's Recycler pools objects only on such threads (on any
 * other thread {@code ChannelOutboundBuffer} makes a new 64-byte entry per write), so a benchmark
 * of the send path on JMH's plain threads would count an allocation the node never makes. Used
 * through JMH's {@code -Djmh.executor=CUSTOM -Djmh.executor.class=}this class (JMH calls the
 * {@code (int, String)} constructor).
 */
public final class MediaLoopExecutor extends ThreadPoolExecutor {
    public MediaLoopExecutor(int threads, String prefix) {
        super(threads, threads, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(), new Factory(prefix));
    }

    private static final class Factory implements java.util.concurrent.ThreadFactory {
        private final String prefix;
        private final AtomicInteger next = new AtomicInteger();

        Factory(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new FastThreadLocalThread(r, prefix + "-" + next.getAndIncrement());
            t.setDaemon(true);
            return t;
        }
    }
}
