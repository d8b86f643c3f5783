package io.stagecast.sfu.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stagecast.sfu.dtls.DtlsHandshakeScheduler;
import io.stagecast.sfu.transport.TransportState;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The media plane's counters, registered once. What the packet path counts goes into plain
 * {@link LongAdder}s that Micrometer reads at scrape time, so no packet costs a Micrometer call
 * (issue 10); the rest (per tick, per second, per handshake) uses Micrometer's meters.
 */
public final class MediaMetrics {
    /** {@code values()} copies its array on every call: this runs every tick for every transport. */
    private static final NackRefusal[] NACK_REFUSALS = NackRefusal.values();
    private final MeterRegistry registry;
    // The packet path's counters are LongAdders that Micrometer reads (FunctionCounter) when
    // /metrics is scraped: counting a packet (a drop of a muted track, a received batch, an RTCP
    // packet) is one uncontended add, never a Micrometer call, and the loops share no cache line
    // while they count.
    private final LongAdder packetsReceived = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder packetsForwarded = new LongAdder();
    private final LongAdder bytesForwarded = new LongAdder();
    private final LongAdder nacksAnswered = new LongAdder();
    private final LongAdder nacksUnanswerable = new LongAdder();
    private final LongAdder plisSent = new LongAdder();
    private final LongAdder firsSent = new LongAdder();
    private final Counter dtlsOk;
    private final Counter dtlsFailed;
    private final LongAdder rtcpSent = new LongAdder();
    private final LongAdder packetsRetransmitted = new LongAdder();
    private final LongAdder bytesRetransmitted = new LongAdder();
    private final LongAdder[] drops = adders(DropReason.values().length);
    private final LongAdder[] nackRefusals = adders(NACK_REFUSALS.length);
    private final LongAdder[] keyframeRequests = adders(KeyframeReason.values().length);
    private final LongAdder sendDatagramsCreated = new LongAdder();
    private final LongAdder sendDatagramOverflows = new LongAdder();
    private final LongAdder gsoSends = new LongAdder();
    private final LongAdder gsoSegments = new LongAdder();
    private final LongAdder gsoRunsCreated = new LongAdder();
    private final LongAdder gsoRunOverflows = new LongAdder();
    private final DistributionSummary estimates;
    private final AtomicLong allocatedBps = new AtomicLong();
    private final AtomicLong sentBps = new AtomicLong();
    private final AtomicInteger layersPaused = new AtomicInteger();
    private final Counter probes;
    /** [reason][0 down, 1 up], by {@link io.stagecast.sfu.bwe.AllocationReason#ordinal()}. */
    private final Counter[] layerSwitches;
    private final Map<TransportState, AtomicInteger> transportsByState = new EnumMap<>(TransportState.class);
    private final AtomicInteger tcpConnections = new AtomicInteger();
    private final LongAdder[] tcpRefusals = adders(TcpRefusal.values().length);

    public MediaMetrics(MeterRegistry registry) {
        this.registry = registry;
        count("stagecast.media.packets.received", "RTP/RTCP packets received", null, packetsReceived);
        count("stagecast.media.received", "bytes of every datagram read from the media ports", "bytes", bytesReceived);
        count("stagecast.media.packets.forwarded", "RTP packets sent to subscribers", null, packetsForwarded);
        count("stagecast.media.forwarded", "bytes of RTP sent to subscribers (SRTP included; retransmissions apart)", "bytes", bytesForwarded);
        count("stagecast.media.nack.answered", "lost packets retransmitted from the cache", null, nacksAnswered);
        count("stagecast.media.nack.missed", "NACKed packets no longer in the cache", null, nacksUnanswerable);
        count("stagecast.media.retransmitted.packets",
                "packets resent to subscribers that NACKed them (RTX or identical copies)", null, packetsRetransmitted);
        count("stagecast.media.retransmitted", "bytes resent to subscribers that NACKed them", "bytes", bytesRetransmitted);
        for (NackRefusal reason : NACK_REFUSALS) {
            FunctionCounter.builder("stagecast.media.nack.refused", nackRefusals[reason.ordinal()], LongAdder::sum)
                    .tag("reason", reason.tag).description("NACKed sequence numbers not retransmitted, by reason")
                    .register(registry);
        }
        count("stagecast.media.pli.sent", "keyframe requests (PLI) sent to publishers", null, plisSent);
        count("stagecast.media.fir.sent", "keyframe requests (FIR) sent to publishers that negotiated no PLI", null, firsSent);
        for (KeyframeReason reason : KeyframeReason.values()) {
            FunctionCounter.builder("stagecast.media.keyframe.requests", keyframeRequests[reason.ordinal()], LongAdder::sum)
                    .tag("reason", reason.tag)
                    .description("keyframe requests (PLI) sent to publishers, by why they were needed").register(registry);
        }
        count("stagecast.media.rtcp.sent", "RTCP packets generated by the SFU", null, rtcpSent);
        dtlsOk = Counter.builder("stagecast.dtls.handshakes").tag("result", "ok")
                .description("DTLS handshakes finished, by result").register(registry);
        dtlsFailed = Counter.builder("stagecast.dtls.handshakes").tag("result", "failed")
                .description("DTLS handshakes finished, by result").register(registry);
        for (DropReason reason : DropReason.values()) {
            FunctionCounter.builder("stagecast.media.drops", drops[reason.ordinal()], LongAdder::sum)
                    .tag("reason", reason.tag).description("packets discarded, by reason").register(registry);
        }
        outcome("stagecast.media.send.datagrams", "created", sendDatagramsCreated,
                "pooled outbound datagrams made (each loop makes them as needed, up to its cap)");
        outcome("stagecast.media.send.datagrams", "overflow", sendDatagramOverflows,
                "sends that found every pooled datagram of their loop in flight and took a Netty buffer");
        // UDP GSO (media.gso): segments / sends is how many packets of a frame left in one send.
        count("stagecast.media.send.gso.sends", "UDP GSO sends (UDP_SEGMENT) of two or more packets of one frame to one subscriber",
                null, gsoSends);
        count("stagecast.media.send.gso.segments", "packets that left in UDP GSO sends", null, gsoSegments);
        outcome("stagecast.media.send.gso.runs", "created", gsoRunsCreated,
                "pooled GSO run buffers made (each loop makes them as needed, up to its cap)");
        outcome("stagecast.media.send.gso.runs", "overflow", gsoRunOverflows,
                "frames that found every GSO run buffer of their loop in use and left as plain datagrams");
        // Bytes per second, not bits: Prometheus' base unit (promtool check metrics refuses bits).
        estimates = DistributionSummary.builder("stagecast.bwe.estimate").baseUnit("bytes.per.second")
                .description("send-side estimates towards subscribers, sampled once per second each")
                .publishPercentiles(0.1, 0.5, 0.9).register(registry);
        Gauge.builder("stagecast.bwe.allocated", allocatedBps, bps -> bps.get() / 8.0).baseUnit("bytes.per.second")
                .description("bitrate the allocations gave all subscribers' tracks").register(registry);
        Gauge.builder("stagecast.bwe.sent", sentBps, bps -> bps.get() / 8.0).baseUnit("bytes.per.second")
                .description("bitrate sent to all subscribers (media, RTX, padding)").register(registry);
        Gauge.builder("stagecast.media.layers.paused", layersPaused, AtomicInteger::get)
                .description("simulcast layers no viewer needs (the publisher may stop encoding them)").register(registry);
        probes = Counter.builder("stagecast.bwe.probes").description("bandwidth probes started").register(registry);
        io.stagecast.sfu.bwe.AllocationReason[] reasons = io.stagecast.sfu.bwe.AllocationReason.values();
        layerSwitches = new Counter[reasons.length * 2];
        for (io.stagecast.sfu.bwe.AllocationReason reason : reasons) {
            for (int up = 0; up < 2; up++) {
                layerSwitches[reason.ordinal() * 2 + up] = Counter.builder("stagecast.bwe.layer.switches")
                        .tag("reason", reason.tag).tag("direction", up == 1 ? "up" : "down")
                        .description("target layer changes made by the allocation, by reason").register(registry);
            }
        }
        Gauge.builder("stagecast.ice.tcp.connections", tcpConnections, AtomicInteger::get)
                .description("ICE-TCP connections open (RFC 6544), checked or not").register(registry);
        for (TcpRefusal reason : TcpRefusal.values()) {
            FunctionCounter.builder("stagecast.ice.tcp.refused", tcpRefusals[reason.ordinal()], LongAdder::sum)
                    .tag("reason", reason.tag).description("ICE-TCP connections the node closed, by reason")
                    .register(registry);
        }
        for (TransportState state : TransportState.values()) {
            AtomicInteger n = new AtomicInteger();
            transportsByState.put(state, n);
            String tag = state.name().toLowerCase(java.util.Locale.ROOT);
            if (ended(state)) {
                // Only ever grows: a counter, not a gauge (a gauge that only grows reads as a leak).
                FunctionCounter.builder("stagecast.transports.ended", n, AtomicInteger::get).tag("state", tag)
                        .description("transports that ended and were freed, by how").register(registry);
            } else {
                Gauge.builder("stagecast.transports", n, AtomicInteger::get).tag("state", tag)
                        .description("transports now, by state").register(registry);
            }
        }
    }

    /** Metrics that go nowhere, for tests and tools that need none. */
    public static MediaMetrics noop() {
        return new MediaMetrics(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    private void count(String name, String description, String baseUnit, LongAdder adder) {
        FunctionCounter.builder(name, adder, LongAdder::sum).description(description).baseUnit(baseUnit)
                .register(registry);
    }

    /** One {@code outcome} of a pool's counter (created / overflow). */
    private void outcome(String name, String outcome, LongAdder adder, String description) {
        FunctionCounter.builder(name, adder, LongAdder::sum).tag("outcome", outcome).description(description)
                .register(registry);
    }

    private static LongAdder[] adders(int n) {
        LongAdder[] out = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            out[i] = new LongAdder();
        }
        return out;
    }

    /** Counts a batch: the packet path sums locally and reports once per read batch or tick. */
    public void received(long packets, long bytes) {
        if (packets > 0) {
            packetsReceived.add(packets);
            bytesReceived.add(bytes);
        }
    }

    /** Counts a batch, as {@link #received(long, long)}. */
    public void forwarded(long packets, long bytes) {
        if (packets > 0) {
            packetsForwarded.add(packets);
            bytesForwarded.add(bytes);
        }
    }

    /** Per packet (a muted track drops every packet): one add, no Micrometer call. */
    public void drop(DropReason reason) {
        drops[reason.ordinal()].increment();
    }

    public double drops(DropReason reason) {
        return drops[reason.ordinal()].sum();
    }

    public double packetsForwarded() {
        return packetsForwarded.sum();
    }

    public double packetsReceived() {
        return packetsReceived.sum();
    }

    /** A loop's datagram pool made {@code n} more datagrams. */
    public void sendDatagramsCreated(int n) {
        sendDatagramsCreated.add(n);
    }

    /** A send found its loop's datagram pool exhausted. */
    public void sendDatagramOverflow() {
        sendDatagramOverflows.increment();
    }

    /** One GSO send of {@code segments} packets (per send, not per packet). */
    public void gsoSent(int segments) {
        gsoSends.increment();
        gsoSegments.add(segments);
    }

    /** A loop's GSO run pool made {@code n} more runs. */
    public void gsoRunsCreated(int n) {
        gsoRunsCreated.add(n);
    }

    /** A frame found its loop's GSO runs all in use. */
    public void gsoRunOverflow() {
        gsoRunOverflows.increment();
    }

    public long gsoSends() {
        return gsoSends.sum();
    }

    public long gsoSegments() {
        return gsoSegments.sum();
    }

    public long gsoRunOverflows() {
        return gsoRunOverflows.sum();
    }

    public long sendDatagramsCreated() {
        return sendDatagramsCreated.sum();
    }

    public long sendDatagramOverflows() {
        return sendDatagramOverflows.sum();
    }

    /**
     * Counts one transport's retransmissions since its last tick, as {@link #forwarded}: the NACK
     * path sums locally. {@code refused} is indexed by {@link NackRefusal#ordinal()}; its
     * NOT_CACHED count is also what {@code stagecast.media.nack.missed} always counted.
     */
    public void retransmissions(long packets, long bytes, long[] refused) {
        if (packets > 0) {
            nacksAnswered.add(packets);
            packetsRetransmitted.add(packets);
            bytesRetransmitted.add(bytes);
        }
        for (NackRefusal reason : NACK_REFUSALS) {
            long n = refused[reason.ordinal()];
            if (n > 0) {
                nackRefusals[reason.ordinal()].add(n);
                if (reason == NackRefusal.NOT_CACHED) {
                    nacksUnanswerable.add(n);
                }
            }
        }
    }

    public double nacksRefused(NackRefusal reason) {
        return nackRefusals[reason.ordinal()].sum();
    }

    public double bytesRetransmitted() {
        return bytesRetransmitted.sum();
    }

    public double nacksAnswered() {
        return nacksAnswered.sum();
    }

    public void pliSent() {
        plisSent.increment();
    }

    public double plisSent() {
        return plisSent.sum();
    }

    /**
     * PLIs sent since the last call, indexed by {@link KeyframeReason#ordinal()} (summed on the
     * loop, reported per tick); the counts are reset.
     */
    public void keyframeRequests(long[] byReason) {
        for (int i = 0; i < byReason.length; i++) {
            if (byReason[i] > 0) {
                keyframeRequests[i].add(byReason[i]);
                plisSent.add(byReason[i]);
                byReason[i] = 0;
            }
        }
    }

    public double keyframeRequests(KeyframeReason reason) {
        return keyframeRequests[reason.ordinal()].sum();
    }

    /** One subscriber's estimate, sampled once per second. */
    public void estimateSample(long bps) {
        estimates.record(bps / 8.0);
    }

    /** A subscriber's allocated and sent bitrate changed by these amounts (the gauges are totals). */
    public void bitrateTotals(long allocatedDelta, long sentDelta) {
        if (allocatedDelta != 0) {
            allocatedBps.addAndGet(allocatedDelta);
        }
        if (sentDelta != 0) {
            sentBps.addAndGet(sentDelta);
        }
    }

    public long allocatedBps() {
        return allocatedBps.get();
    }

    public void layersPaused(int delta) {
        layersPaused.addAndGet(delta);
    }

    public int layersPaused() {
        return layersPaused.get();
    }

    public void probesStarted(long n) {
        probes.increment(n);
    }

    /** Switches summed since the last call, [reason * 2 + (up ? 1 : 0)]; the counts are reset. */
    public void layerSwitches(long[] counts) {
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0) {
                layerSwitches[i].increment(counts[i]);
                counts[i] = 0;
            }
        }
    }

    public double layerSwitches(io.stagecast.sfu.bwe.AllocationReason reason, boolean up) {
        return layerSwitches[reason.ordinal() * 2 + (up ? 1 : 0)].count();
    }

    public void firSent() {
        firsSent.increment();
    }

    public void rtcpSent() {
        rtcpSent.increment();
    }

    /** An ICE-TCP connection opened (+1) or closed (-1). */
    public void tcpConnections(int delta) {
        tcpConnections.addAndGet(delta);
    }

    public int tcpConnections() {
        return tcpConnections.get();
    }

    public void tcpRefused(TcpRefusal reason) {
        tcpRefusals[reason.ordinal()].increment();
    }

    public long tcpRefusals(TcpRefusal reason) {
        return tcpRefusals[reason.ordinal()].sum();
    }

    public void dtlsHandshake(boolean ok) {
        (ok ? dtlsOk : dtlsFailed).increment();
    }

    /**
     * The DTLS handshake scheduler's state: handshakes on a thread and waiting for one (gauges),
     * ClientHellos refused by reason, handshakes ended because their peer went silent.
     */
    public void registerDtlsHandshakes(DtlsHandshakeScheduler scheduler) {
        Gauge.builder("stagecast.dtls.handshakes.running", scheduler, DtlsHandshakeScheduler::running)
                .description("DTLS handshakes holding a handshake thread").register(registry);
        Gauge.builder("stagecast.dtls.handshakes.waiting", scheduler, DtlsHandshakeScheduler::waiting)
                .description("DTLS handshakes whose peer spoke, waiting for a thread").register(registry);
        for (DtlsHandshakeScheduler.Refusal reason : DtlsHandshakeScheduler.Refusal.values()) {
            FunctionCounter.builder("stagecast.dtls.handshakes.refused", scheduler, s -> s.refused(reason))
                    .tag("reason", reason.tag).description("ClientHellos refused a handshake thread").register(registry);
        }
        for (boolean waiting : new boolean[] {false, true}) {
            FunctionCounter.builder("stagecast.dtls.handshakes.stalled", scheduler, s -> s.stalled(waiting))
                    .tag("phase", waiting ? "waiting" : "running")
                    .description("DTLS handshakes ended because the peer went silent").register(registry);
        }
    }

    public void transportState(TransportState from, TransportState to) {
        if (from != null && !ended(from)) {
            transportsByState.get(from).decrementAndGet();
        }
        if (to != null && !(from != null && ended(from))) {
            transportsByState.get(to).incrementAndGet();
        }
    }

    private static boolean ended(TransportState state) {
        return state == TransportState.FAILED || state == TransportState.CLOSED;
    }

    public int transports(TransportState state) {
        return transportsByState.get(state).get();
    }
}
