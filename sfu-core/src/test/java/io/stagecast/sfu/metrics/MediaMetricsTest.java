package io.stagecast.sfu.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stagecast.sfu.transport.TransportState;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packet path's counters: plain adders read by Micrometer at scrape time, under the names
 * and tags operators already use, and counting a packet allocates nothing.
 */
class MediaMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MediaMetrics metrics = new MediaMetrics(registry);

    @Test
    void packetCountsReachTheScrapeUnderTheirNames() {
        for (int i = 0; i < 5; i++) {
            metrics.drop(DropReason.MUTED);
        }
        metrics.drop(DropReason.REPLAY);
        metrics.received(3, 300);
        metrics.forwarded(7, 700);
        metrics.rtcpSent();
        long[] refused = new long[NackRefusal.values().length];
        refused[0] = 4;
        metrics.retransmissions(2, 200, refused);
        metrics.keyframeRequests(keyframes(1, 2));
        assertEquals(5.0, counter("stagecast.media.drops", "reason", "muted"));
        assertEquals(1.0, counter("stagecast.media.drops", "reason", "replay"));
        assertEquals(3.0, registry.get("stagecast.media.packets.received").functionCounter().count());
        assertEquals(700.0, registry.get("stagecast.media.forwarded").functionCounter().count());
        assertEquals(1.0, registry.get("stagecast.media.rtcp.sent").functionCounter().count());
        assertEquals(2.0, registry.get("stagecast.media.retransmitted.packets").functionCounter().count());
        assertEquals(4.0, counter("stagecast.media.nack.refused", "reason", NackRefusal.values()[0].tag));
        assertEquals(3.0, registry.get("stagecast.media.pli.sent").functionCounter().count());
        assertEquals("bytes", registry.get("stagecast.media.received").functionCounter().getId().getBaseUnit());
    }

    /** What is now is a gauge; what ended only grows, so it is a counter (issue 12: a gauge that only grows reads as a leak). */
    @Test
    void liveTransportsAreAGaugeAndEndedOnesACounter() {
        metrics.transportState(null, TransportState.NEW);
        metrics.transportState(TransportState.NEW, TransportState.CONNECTING);
        metrics.transportState(TransportState.CONNECTING, TransportState.CONNECTED);
        metrics.transportState(null, TransportState.NEW);
        assertEquals(1.0, registry.get("stagecast.transports").tag("state", "connected").gauge().value());
        assertEquals(1.0, registry.get("stagecast.transports").tag("state", "new").gauge().value());
        metrics.transportState(TransportState.CONNECTED, TransportState.CLOSED);
        metrics.transportState(TransportState.NEW, TransportState.FAILED);
        metrics.transportState(TransportState.FAILED, TransportState.CLOSED); // ended once, not twice
        assertEquals(0.0, registry.get("stagecast.transports").tag("state", "connected").gauge().value());
        assertEquals(0.0, registry.get("stagecast.transports").tag("state", "new").gauge().value());
        assertEquals(1.0, registry.get("stagecast.transports.ended").tag("state", "closed").functionCounter().count());
        assertEquals(1.0, registry.get("stagecast.transports.ended").tag("state", "failed").functionCounter().count());
    }

    @Test
    void countingADropAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        for (int i = 0; i < 100_000; i++) {
            metrics.drop(DropReason.MUTED);
        }
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 100_000; i++) {
            metrics.drop(DropReason.MUTED);
            metrics.received(1, 100);
        }
        long bytes = threads.getThreadAllocatedBytes(id) - before;
        assertTrue(bytes < 10_000, "allocated " + bytes + " B for 100,000 drops");
        assertEquals(200_000.0, metrics.drops(DropReason.MUTED));
    }

    private static long[] keyframes(long first, long second) {
        long[] counts = new long[KeyframeReason.values().length];
        counts[0] = first;
        counts[1] = second;
        return counts;
    }

    private double counter(String name, String tag, String value) {
        FunctionCounter counter = registry.get(name).tag(tag, value).functionCounter();
        return counter.count();
    }
}
