package io.stagecast.sfu.transport;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * Per media event loop, in /metrics: datagrams read, transports owned, tasks waiting, and how busy
 * the loop's thread is (its CPU time over wall time since the previous scrape, so a loop near 1.0
 * is the node's bottleneck whatever the others do). Read at scrape time, nothing per packet.
 */
final class LoopMeters {
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
            // The socket holds the state: Micrometer keeps only a weak reference to a gauge's object.
            Gauge.builder("stagecast.media.loop.busy", socket, MediaSocket::busyFraction)
                    .description("CPU time of this media event loop's thread over wall time since the last scrape")
                    .tags(loop).register(registry);
        }
    }
}
