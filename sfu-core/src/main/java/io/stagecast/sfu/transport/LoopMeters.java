package io.stagecast.sfu.transport;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Per media event loop, in /metrics: datagrams read, transports owned, tasks waiting, and how busy
 * the loop's thread is (its CPU time over wall time since the previous scrape, so a loop near 1.0
 * is the node's bottleneck whatever the others do). Read at scrape time, nothing per packet.
 */
final class LoopMeters {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private LoopMeters() {
    }

    static void register(MeterRegistry registry, MediaLoops loops) {
        for (int i = 0; i < loops.size(); i++) {
            MediaSocket socket = loops.socket(i);
            Tags loop = Tags.of("loop", Integer.toString(i));
            FunctionCounter.builder("stagecast.media.loop.packets", socket, MediaSocket::packetsReceived)
                    .description("datagrams read by this media event loop").tags(loop).register(registry);
            Gauge.builder("stagecast.media.loop.transports", socket, MediaSocket::transportCount)
                    .description("transports this media event loop owns").tags(loop).register(registry);
            Gauge.builder("stagecast.media.loop.queue", socket, MediaSocket::pendingTasks)
                    .description("tasks waiting on this media event loop").tags(loop).register(registry);
            Gauge.builder("stagecast.media.loop.busy", new Busy(socket.threadId()), Busy::fraction)
                    .description("CPU time of this media event loop's thread over wall time since the last scrape")
                    .tags(loop).register(registry);
        }
    }

    /** CPU over wall time between two reads. */
    private static final class Busy {
        private final long threadId;
        private long lastCpu;
        private long lastWall;

        Busy(long threadId) {
            this.threadId = threadId;
            this.lastCpu = cpu();
            this.lastWall = System.nanoTime();
        }

        synchronized double fraction() {
            long cpu = cpu();
            long wall = System.nanoTime();
            double f = wall > lastWall && cpu >= 0 ? (double) (cpu - lastCpu) / (wall - lastWall) : 0;
            lastCpu = cpu;
            lastWall = wall;
            return Math.max(0, Math.min(1, f));
        }

        private long cpu() {
            return THREADS.isThreadCpuTimeSupported() ? THREADS.getThreadCpuTime(threadId) : -1;
        }
    }
}
