package io.stagecast.sfu.router;

import io.stagecast.sfu.bwe.AllocationReason;
import io.stagecast.sfu.bwe.SendSideEstimator;
import io.stagecast.sfu.bwe.StageAllocator;
import io.stagecast.sfu.bwe.TrackDemand;
import io.stagecast.sfu.bwe.TrackDemand;
import io.stagecast.sfu.metrics.KeyframeReason;
import io.stagecast.sfu.metrics.MediaMetrics;
import io.stagecast.sfu.rtcp.RtcpCompound;
import io.stagecast.sfu.rtcp.RtcpReaders;
import io.stagecast.sfu.rtp.RtpPacket;
import io.stagecast.sfu.transport.Transport;
import org.agrona.collections.Int2ObjectHashMap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The subscribing side of one transport in a router, the home of everything per viewer: its
 * consumers and the dispatch of its RTCP by the SSRC it is about (NACK, PLI and FIR to the
 * consumer that sends that SSRC); the send-side estimate towards it ({@link SendSideEstimator},
 * fed every packet we stamp, its transport-cc feedback, REMB, loss and round trip); the
 * allocation of that estimate over its tracks ({@link StageAllocator}, one {@link TrackDemand}
 * per consumer) applied to the consumers' layers; probing with padding when the next step up
 * needs more; and our sender reports. Event loop only; the per-packet parts allocate nothing.
 */
final class SubscriberLink {
    static final int DEFAULT_LAST_N = 25;
    static final long ALLOCATION_INTERVAL_NANOS = 100_000_000L;
    /** An estimate this much below the one allocated with re-allocates at once (down fast). */
    static final double DROP_REALLOCATES = 0.85;
    private static final long SECOND = 1_000_000_000L;
    /** Padding packets one tick may send: 50 x 255 B per 20 ms is 5 Mbit/s of probe. */
    private static final int MAX_PROBE_PACKETS_PER_TICK = 50;

    private final Router router;
    private final Transport transport;
    private final MediaMetrics metrics;
    private final List<Consumer> consumers = new ArrayList<>();
    /** Our SSRCs towards this peer (media and RTX) -> the consumer that sends them. */
    private final Int2ObjectHashMap<Consumer> bySsrc = new Int2ObjectHashMap<>();
    private final SendSideEstimator estimator = new SendSideEstimator();
    private final StageAllocator allocator = new StageAllocator();
    private TrackDemand[] demands = new TrackDemand[0];
    private int lastN = DEFAULT_LAST_N;
    private boolean allocationDue = true;
    private long lastAllocationNanos = Long.MIN_VALUE / 2;
    private long allocatedWithBps;
    private long allocatedBps;
    private long sentBps;
    private long paddingBytesSinceRead;
    private long lastEstimateSampleNanos = Long.MIN_VALUE / 2;
    /** Summed on the loop, reported per tick: [reason][0 down, 1 up]. */
    private final long[] switches = new long[AllocationReason.values().length * 2];
    private long probesStarted;

    SubscriberLink(Router router, Transport transport) {
        this.router = router;
        this.transport = transport;
        this.metrics = transport.metrics();
    }

    Transport transport() {
        return transport;
    }

    List<Consumer> consumers() {
        return consumers;
    }

    void add(Consumer consumer) {
        consumers.add(consumer);
        bySsrc.put(consumer.ssrc(), consumer);
        if (consumer.rtxSsrc() != 0) {
            bySsrc.put(consumer.rtxSsrc(), consumer);
        }
        demands = new TrackDemand[consumers.size()]; // on a change of consumers only
        allocateSoon();
    }

    void remove(Consumer consumer) {
        consumers.remove(consumer);
        if (bySsrc.get(consumer.ssrc()) == consumer) {
            bySsrc.remove(consumer.ssrc());
        }
        if (consumer.rtxSsrc() != 0 && bySsrc.get(consumer.rtxSsrc()) == consumer) {
            bySsrc.remove(consumer.rtxSsrc());
        }
        demands = new TrackDemand[consumers.size()];
        allocateSoon();
    }

    boolean sendsSsrc(int ssrc) {
        return consumerOf(ssrc) != null;
    }

    /** The consumer sending {@code ssrc}; on a relay, also the one relaying a publisher's SSRC learnt since. */
    private Consumer consumerOf(int ssrc) {
        Consumer consumer = bySsrc.get(ssrc);
        if (consumer == null && transport.isRelay()) {
            for (int i = 0; i < consumers.size(); i++) {
                if (consumers.get(i).relaysSsrc(ssrc)) {
                    return consumers.get(i);
                }
            }
        }
        return consumer;
    }

    void setLastN(int n) {
        lastN = Math.max(0, n);
        allocateSoon();
    }

    /** The viewer changed what it shows, or the stage changed: allocate at the next tick. */
    void allocateSoon() {
        allocationDue = true;
    }

    /** Media can reach the subscriber only now: its decoders need keyframes to start from. */
    void onConnected(long nowNanos) {
        for (int i = 0; i < consumers.size(); i++) {
            consumers.get(i).onTransportConnected(nowNanos);
        }
    }

    /**
     * Stamps our transport-wide sequence number on a packet about to be sent and tells the
     * estimator (media, RTX and padding alike: one left out would read as lost); returns the
     * number, or -1 when the packet has no transport-cc element.
     */
    int stamp(RtpPacket packet, int transportCcId, int probeCluster, long nowNanos) {
        int seq = transport.sender().stampTransportSequence(packet, transportCcId);
        if (seq >= 0) {
            estimator.onPacketSent(seq, packet.length(), nowNanos, probeCluster);
        }
        return seq;
    }

    /** The report blocks of an SR or RR from the subscriber: loss on our streams, and the round trip. */
    void onReportBlocks(RtcpCompound rtcp, long nowNanos) {
        byte[] b = rtcp.buffer();
        int off = rtcp.packetOffset();
        int blocks = RtcpReaders.reportBlockCount(b, off, rtcp.packetLength());
        boolean ours = false;
        for (int i = 0; i < blocks; i++) {
            if (bySsrc.containsKey(RtcpReaders.blockSsrc(b, off, i))) {
                estimator.onLossReport(RtcpReaders.blockFractionLost(b, off, i), nowNanos);
                ours = true;
            }
        }
        long rtt = transport.sender().rttNanos(); // the transport read the same blocks first
        if (ours && rtt >= 0) {
            estimator.onRtt(rtt);
        }
    }

    /** RTPFB or PSFB from the subscriber: estimator feedback, or to the consumer whose SSRC it names. */
    void onFeedback(RtcpCompound rtcp, long nowNanos) {
        byte[] b = rtcp.buffer();
        int off = rtcp.packetOffset();
        int len = rtcp.packetLength();
        if (rtcp.packetType() == RtcpCompound.PT_RTPFB && rtcp.fmt() == RtcpReaders.FMT_TRANSPORT_CC) {
            estimator.onTransportFeedback(b, off, len, nowNanos);
            return;
        }
        if (rtcp.packetType() == RtcpCompound.PT_PSFB && rtcp.fmt() == RtcpReaders.FMT_AFB) {
            if (RtcpReaders.isRemb(b, off, len)) {
                estimator.onRemb(RtcpReaders.rembBitrate(b, off), nowNanos);
            }
            return;
        }
        Consumer consumer = consumerOf(rtcp.mediaSsrc());
        if (consumer == null && rtcp.packetType() == RtcpCompound.PT_PSFB && rtcp.fmt() == RtcpReaders.FMT_FIR) {
            consumer = consumerOf(RtcpReaders.firstFirSsrc(b, off, len));
        }
        if (consumer != null) {
            consumer.onFeedback(rtcp, nowNanos);
        }
    }

    private static final boolean DIAG = Boolean.getBoolean("io.stagecast.diag");
    private static final org.slf4j.Logger DIAG_LOG = org.slf4j.LoggerFactory.getLogger(SubscriberLink.class);
    private long lastDiagNanos;

    void tick(long nowNanos, boolean reportsDue) {
        if (transport.isRelay()) {
            return; // a relay carries every layer of its tracks (RelayConsumer): nothing to estimate or allocate
        }
        estimator.tick(nowNanos);
        long estimate = estimator.estimateBps();
        if (allocationDue || nowNanos - lastAllocationNanos >= ALLOCATION_INTERVAL_NANOS
                || estimate < allocatedWithBps * DROP_REALLOCATES) {
            allocate(estimate, nowNanos);
        }
        sendProbe(nowNanos);
        if (nowNanos - lastEstimateSampleNanos >= SECOND) {
            lastEstimateSampleNanos = nowNanos;
            metrics.estimateSample(estimate);
        }
        metrics.layerSwitches(switches);
        if (probesStarted > 0) {
            metrics.probesStarted(probesStarted);
            probesStarted = 0;
        }
        if (reportsDue) {
            for (int i = 0; i < consumers.size(); i++) {
                consumers.get(i).sendSenderReport(nowNanos);
            }
        }
    }

    /** Fills the demands from the producers and the viewer, runs the allocator, applies it. */
    private void allocate(long estimate, long nowNanos) {
        long elapsed = nowNanos - lastAllocationNanos;
        boolean measured = elapsed > 0 && elapsed < 10 * SECOND;
        allocationDue = false;
        lastAllocationNanos = nowNanos;
        allocatedWithBps = estimate;
        Producer dominant = router.dominantSpeaker();
        Transport dominantTransport = dominant == null ? null : dominant.transport();
        long sent = paddingBytesSinceRead;
        paddingBytesSinceRead = 0;
        int n = consumers.size();
        for (int i = 0; i < n; i++) {
            Consumer consumer = consumers.get(i);
            TrackDemands.fill(consumer, dominantTransport, nowNanos);
            demands[i] = consumer.demand;
            long bytes = consumer.takeBytesSent();
            sent += bytes;
            if (measured) {
                consumer.sentBps = bytes * 8 * SECOND / elapsed;
            }
        }
        long sentNow = measured ? sent * 8 * SECOND / elapsed : sentBps;
        long need = allocator.allocate(estimate, demands, n, lastN, nowNanos);
        long total = 0;
        for (int i = 0; i < n; i++) {
            Consumer consumer = consumers.get(i);
            apply(consumer, estimate, nowNanos);
            total += consumer.demand.allocatedBps;
        }
        metrics.bitrateTotals(total - allocatedBps, sentNow - sentBps);
        allocatedBps = total;
        sentBps = sentNow;
        // Probe at twice the estimate when that is more than the next step needs, as libwebrtc's
        // probe controller does: a cluster paced from the 20 ms tick spreads over up to three ticks
        // and measures ~0.7x its target (ShapedViewerEndToEndTest, 5 Mbit/s link: probes at the
        // next step alone lifted the estimate by ~2 %/s), so doubling is what finds headroom fast.
        int probe = need > estimate ? estimator.startProbe(Math.max(need, 2 * estimate), nowNanos) : -1;
        if (probe > 0) {
            probesStarted++;
        }
        if (DIAG && nowNanos - lastDiagNanos > 250_000_000L) {
            lastDiagNanos = nowNanos;
            StringBuilder t = new StringBuilder();
            for (int i = 0; i < n; i++) {
                TrackDemand d = consumers.get(i).demand;
                if (!d.audio) {
                    t.append(d.targetLayer).append('/').append(d.targetTemporal).append(' ').append(d.reason.tag)
                            .append(" bps=").append(java.util.Arrays.toString(java.util.Arrays.copyOf(d.layerBps, d.layerCount))).append("; ");
                }
            }
            DIAG_LOG.info("diag {} est={} need={} probe={} [{}] sent={} {}", transport.id().substring(0, 6), estimate, need, probe, estimator.probeDiag(nowNanos), sentNow, t);
        }
    }

    private void apply(Consumer consumer, long estimate, long nowNanos) {
        TrackDemand d = consumer.demand;
        Producer producer = consumer.producer;
        int currentRank = producer.rankOf(consumer.layers.current());
        long currentCost = currentRank >= 0 && currentRank < d.layerCount ? d.layerBps[currentRank] : 0;
        // A collapse, not a step: the layer being sent alone costs half as much again as all the
        // estimate allows (5 Mbit/s -> 400 kbit/s); a 640 -> 320 step at 400 kbit/s is not one.
        consumer.abandonCurrent = d.reason == AllocationReason.BANDWIDTH && currentCost > estimate * 3 / 2;
        int target = d.targetLayer < 0 || d.targetLayer >= producer.streamCount() ? -1 : producer.layerAt(d.targetLayer);
        consumer.desiredStream = d.desiredLayer < 0 || d.desiredLayer >= producer.streamCount()
                ? -1 : producer.layerAt(d.desiredLayer);
        int before = consumer.layers.target();
        if (target < 0 && d.reason == AllocationReason.NOT_FLOWING && d.visible) {
            // Nothing flows yet (a new track) or for now: keep waiting where we are, so the first
            // keyframe that comes starts the picture without another round of PLI.
            target = before;
        }
        if (target != before) {
            boolean up = target >= 0 && (before < 0 || producer.rankOf(target) > producer.rankOf(before));
            switches[d.reason.ordinal() * 2 + (up ? 1 : 0)]++;
            consumer.setTargetLayer(target);
            if (target >= 0 && target != consumer.layers.current() && producer.kind() == MediaKind.VIDEO) {
                consumer.keyframeAsks++;
                producer.requestKeyframe(target, nowNanos, KeyframeReason.LAYER_SWITCH);
            }
        }
        consumer.layers.setTargetTemporal(d.targetTemporal);
    }

    /** While the estimator's probe cluster wants bytes, padding on a video consumer's RTX stream. */
    private void sendProbe(long nowNanos) {
        int due = estimator.probeBytesDue(nowNanos);
        if (due <= 0) {
            return;
        }
        Consumer carrier = probeCarrier();
        if (carrier == null) {
            return;
        }
        int cluster = estimator.probeCluster();
        for (int i = 0; i < MAX_PROBE_PACKETS_PER_TICK && due > 0; i++) {
            int sent = ProbePadding.send(carrier, Math.max(200, Math.min(due, ProbePadding.HEADER_BYTES + ProbePadding.MAX_PADDING)),
                    cluster, nowNanos);
            if (sent <= 0) {
                return;
            }
            paddingBytesSinceRead += sent;
            due -= sent;
        }
    }

    /** A started video consumer that negotiated RTX and transport-cc, or null. */
    private Consumer probeCarrier() {
        for (int i = 0; i < consumers.size(); i++) {
            Consumer c = consumers.get(i);
            if (c.producer.kind() == MediaKind.VIDEO && c.spec.hasRtx() && c.transportCcId > 0 && c.sequence.started()) {
                return c;
            }
        }
        return null;
    }

    /** The debug request's snapshot (on the loop; allocates, it is not per packet). */
    SubscriberReport report() {
        List<ConsumerReport> out = new ArrayList<>(consumers.size());
        for (Consumer c : consumers) {
            TrackDemand d = c.demand;
            out.add(new ConsumerReport(c.id(), c.producer.id(), c.producer.kind().name().toLowerCase(),
                    c.layers.target(), c.layers.current(), c.layers.targetTemporal(), d.reason.tag, d.allocatedBps,
                    c.sentBps, c.viewVisible(), c.viewWidth(), c.viewHeight(), c.layers.switches(), c.keyframeAsks));
        }
        return new SubscriberReport(transport.id(), estimator.estimateBps(), allocatedBps, sentBps, lastN, out);
    }

    void close() {
        for (Consumer consumer : new ArrayList<>(consumers)) {
            consumer.closeNow();
        }
        consumers.clear();
        bySsrc.clear();
        metrics.bitrateTotals(-allocatedBps, -sentBps);
        allocatedBps = 0;
        sentBps = 0;
        Arrays.fill(switches, 0);
    }
}
