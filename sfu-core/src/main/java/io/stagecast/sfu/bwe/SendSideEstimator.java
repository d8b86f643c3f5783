package io.stagecast.sfu.bwe;

import io.stagecast.sfu.rtcp.RtcpReaders;
import io.stagecast.sfu.rtcp.TransportCcStatusConsumer;

/**
 * The send-side bandwidth estimate towards one subscriber, from the transport-wide-cc feedback it
 * sends about the packets we stamped (draft-holmer-rmcat-transport-wide-cc-extensions-01), in the
 * way of draft-ietf-rmcat-gcc-02 and libwebrtc's GoogCC:
 * <ul>
 *   <li>delay-based: acknowledged packets grouped in 5 ms bursts ({@link PacketGroups}), the trend
 *       of the inter-group delay variation ({@link TrendlineFilter}), an adaptive-threshold overuse
 *       detector ({@link OveruseDetector}) driving AIMD ({@link AimdRateControl}) against the
 *       acknowledged rate ({@link AcknowledgedBitrate});</li>
 *   <li>loss-based ({@link LossBasedRate}) from the feedback's lost statuses and receiver reports;</li>
 *   <li>probing ({@link ProbeController}): start-up probes and those the allocator asks for, judged
 *       by the arrival spread; a successful one moves the estimate at once.</li>
 * </ul>
 * The estimate is min(delay-based, loss-based), capped by REMB, clamped to [min, max]. A
 * subscriber that sends REMB but never transport-cc feedback gets the REMB value.
 *
 * <p>Start: {@link #DEFAULT_START_BPS} is libwebrtc's default start bitrate (300 kbit/s,
 * {@code kDefaultStartBitrateBps}); like libwebrtc it probes at 3x and then 6x-ish at once, so a
 * fast path is found within about half a second while a 400 kbit/s viewer is not flooded first.
 *
 * <p>Owner's duties: {@link #onPacketSent} for every packet with a transport-wide sequence number,
 * {@link #tick} every tick, and {@link #probeBytesDue} every tick (and, if it can, whenever it could
 * send): while a cluster runs it returns the padding bytes to send now, tagged with
 * {@link #probeCluster()}; otherwise 0.
 *
 * <p>Threading: owned by the subscriber transport's event loop. No allocation per call.
 */
public final class SendSideEstimator {
    /** libwebrtc's default start bitrate (kDefaultStartBitrateBps); probing finds more at once. */
    public static final long DEFAULT_START_BPS = 300_000;
    public static final long DEFAULT_MIN_BPS = 50_000;
    public static final long DEFAULT_MAX_BPS = 30_000_000;

    /** Feedback silent this long while we send: the path may be gone or badly congested. */
    static final long FEEDBACK_TIMEOUT_NANOS = 1_000_000_000L;
    /** Each further second without feedback cuts the estimate by 20 % (libwebrtc's 0.8 back-off). */
    static final double TIMEOUT_BACKOFF = 0.8;
    /** Received statuses of one feedback that go through the delay filter; the rest only count. */
    static final int MAX_BATCH = 1024;

    private final long startBps;
    private final long minBps;
    private final long maxBps;
    private final SentPacketHistory history = new SentPacketHistory();
    private final AcknowledgedBitrate acked = new AcknowledgedBitrate();
    private final PacketGroups groups = new PacketGroups();
    private final TrendlineFilter trendline = new TrendlineFilter();
    private final OveruseDetector detector = new OveruseDetector();
    private final AimdRateControl aimd;
    private final LossBasedRate lossBased;
    private final ProbeController probes;
    private final StatusSink sink = new StatusSink();

    private final long[] batchSend = new long[MAX_BATCH];
    private final long[] batchArrival = new long[MAX_BATCH];
    private final int[] batchSize = new int[MAX_BATCH];
    private int batchCount;
    private int batchFirstReports;
    private int batchLost;
    private long batchNewestSendNanos;
    private long remoteTimeOffsetMicros;

    private long rembBps = Long.MAX_VALUE;
    private long estimateBps;
    private boolean anyPacketSent;
    private boolean feedbackSeen;
    private long referenceTimeExtended = Long.MIN_VALUE;
    private long lastFeedbackNanos;
    private long lastSentNanos;
    private long lastTimeoutCutNanos;
    private long nowNanos;
    private boolean rttFromReports;
    private long rttNanos = -1;
    private long feedbacks;
    private long malformedFeedbacks;
    private long probesSucceeded;

    public SendSideEstimator() {
        this(DEFAULT_START_BPS, DEFAULT_MIN_BPS, DEFAULT_MAX_BPS);
    }

    public SendSideEstimator(long startBps, long minBps, long maxBps) {
        this.minBps = Math.max(1, minBps);
        this.maxBps = Math.max(this.minBps, maxBps);
        this.startBps = Math.max(this.minBps, Math.min(this.maxBps, startBps));
        this.aimd = new AimdRateControl(this.startBps, this.minBps, this.maxBps);
        this.lossBased = new LossBasedRate(this.minBps);
        this.probes = new ProbeController(this.maxBps);
        this.estimateBps = this.startBps;
    }

    /** Turns the start-up probes off (they are on by default); the owner's own probes still work. */
    public void setInitialProbing(boolean enabled) {
        probes.setAutoProbing(enabled);
    }

    /**
     * Every RTP packet sent with a transport-wide sequence number: media, RTX and padding.
     *
     * @param probeClusterId the probe cluster this packet belongs to, -1 for ordinary packets
     */
    public void onPacketSent(int transportSeq, int sizeBytes, long sendNanos, int probeClusterId) {
        nowNanos = sendNanos;
        history.onSent(transportSeq, sizeBytes, sendNanos, probeClusterId);
        lastSentNanos = sendNanos;
        if (probeClusterId > 0) {
            probes.onSent(probeClusterId, sizeBytes, sendNanos);
        }
        if (!anyPacketSent) {
            anyPacketSent = true;
            probes.onFirstPacket(startBps, sendNanos);
        }
    }

    /** One transport-cc feedback packet (RTPFB, FMT 15): the RTCP packet at {@code off}, its header included. */
    public void onTransportFeedback(byte[] buf, int off, int len, long nowNanos) {
        this.nowNanos = nowNanos;
        if (buf == null || off < 0 || len < 20 || off > buf.length - len) {
            malformedFeedbacks++;
            return;
        }
        // Padding may be included or already cut: only the declared length is read either way.
        int declared = (((buf[off + 2] & 0xFF) << 8) | (buf[off + 3] & 0xFF)) * 4 + 4;
        int length = Math.min(len, declared);
        if (!RtcpReaders.isTransportCc(buf, off, length)) {
            malformedFeedbacks++;
            return;
        }
        long reference = RtcpReaders.tccReferenceTime(buf, off);
        long extended = extendReferenceTime(reference);
        remoteTimeOffsetMicros = (extended - reference) * 64_000L;
        batchCount = 0;
        batchFirstReports = 0;
        batchLost = 0;
        batchNewestSendNanos = Long.MIN_VALUE;
        if (RtcpReaders.forEachTransportCcStatus(buf, off, length, sink) < 0) {
            // Validated before any status is reported, so nothing was applied.
            malformedFeedbacks++;
            return;
        }
        referenceTimeExtended = extended;
        feedbacks++;
        feedbackSeen = true;
        lastFeedbackNanos = nowNanos;
        if (!rttFromReports && batchNewestSendNanos != Long.MIN_VALUE) {
            // Until an RR gives the round trip: feedback time minus the newest acked send time,
            // which over-estimates by up to one feedback interval.
            setFeedbackRtt(nowNanos - batchNewestSendNanos);
        }
        applyBatch(nowNanos);
    }

    private long extendReferenceTime(long reference) {
        if (referenceTimeExtended == Long.MIN_VALUE) {
            return reference + (1L << 24);
        }
        // 24-bit wrap (every 2^24 x 64 ms, ~12 days), and feedback reordered on the way back.
        long diff = ((reference - (referenceTimeExtended & 0xFF_FFFF)) << 40) >> 40;
        return referenceTimeExtended + diff;
    }

    private void applyBatch(long now) {
        sortBatchByArrival();
        BandwidthUsage usage = detector.state();
        for (int i = 0; i < batchCount; i++) {
            acked.onReceived(batchArrival[i], batchSize[i]);
            if (groups.onPacket(batchSend[i], batchArrival[i])) {
                double trend = trendline.update(groups.arrivalDeltaMs, groups.sendDeltaMs, groups.groupArrivalMicros);
                usage = detector.detect(trend, trendline.deltaCount(), groups.sendDeltaMs, groups.groupArrivalMicros);
            }
        }
        long ackedBps = acked.bps();
        long probeResult = probes.poll(now);
        if (usage == BandwidthUsage.OVERUSING) {
            if (aimd.timeToReduceFurther(now, ackedBps)) {
                aimd.update(BandwidthUsage.OVERUSING, ackedBps, now);
            }
        } else if (probeResult > aimd.bps()) {
            onProbeSuccess(probeResult, now);
        } else {
            aimd.update(usage, ackedBps, now);
        }
        lossBased.onStatuses(batchFirstReports, batchLost, estimateBps, now);
        lossBased.onDelayBased(aimd.bps());
        updateEstimate();
    }

    private void onProbeSuccess(long resultBps, long now) {
        probesSucceeded++;
        aimd.setEstimate(resultBps, now);
        lossBased.onProbe(resultBps);
        lossBased.onDelayBased(aimd.bps());
        updateEstimate();
    }

    /** Insertion sort: feedback is nearly in arrival order already, so this is about linear. */
    private void sortBatchByArrival() {
        for (int i = 1; i < batchCount; i++) {
            long arrival = batchArrival[i];
            if (arrival >= batchArrival[i - 1]) {
                continue;
            }
            long send = batchSend[i];
            int size = batchSize[i];
            int j = i - 1;
            while (j >= 0 && batchArrival[j] > arrival) {
                batchArrival[j + 1] = batchArrival[j];
                batchSend[j + 1] = batchSend[j];
                batchSize[j + 1] = batchSize[j];
                j--;
            }
            batchArrival[j + 1] = arrival;
            batchSend[j + 1] = send;
            batchSize[j + 1] = size;
        }
    }

    /** Applies each status to the history; received ones go to the batch. */
    private final class StatusSink implements TransportCcStatusConsumer {
        @Override
        public void onStatus(int seq, boolean received, long receiveTimeMicros) {
            int slot = history.find(seq);
            if (slot < 0) {
                return; // not ours, or older than the history: nothing to learn
            }
            byte state = history.state(slot);
            if (received) {
                if (state == SentPacketHistory.RECEIVED) {
                    return; // duplicate feedback, or a status repeated by the receiver
                }
                if (state == SentPacketHistory.REPORTED_LOST) {
                    batchLost--; // arrived after all: it was reordered, not lost
                } else {
                    batchFirstReports++;
                }
                history.setState(slot, SentPacketHistory.RECEIVED);
                long arrival = receiveTimeMicros + remoteTimeOffsetMicros;
                int size = history.size(slot);
                long send = history.sendNanos(slot);
                int cluster = history.cluster(slot);
                if (cluster > 0) {
                    probes.onReceived(cluster, size, arrival);
                }
                if (send > batchNewestSendNanos) {
                    batchNewestSendNanos = send;
                }
                if (batchCount < MAX_BATCH) {
                    batchSend[batchCount] = send;
                    batchArrival[batchCount] = arrival;
                    batchSize[batchCount] = size;
                    batchCount++;
                }
            } else if (state == SentPacketHistory.SENT) {
                history.setState(slot, SentPacketHistory.REPORTED_LOST);
                batchFirstReports++;
                batchLost++;
                int cluster = history.cluster(slot);
                if (cluster > 0) {
                    probes.onLost(cluster);
                }
            }
        }
    }

    /** REMB from the subscriber, where negotiated: a cap on the estimate. */
    public void onRemb(long bitrateBps, long nowNanos) {
        this.nowNanos = nowNanos;
        // As libwebrtc: a REMB of 0 is no limit, not a request to stop.
        rembBps = bitrateBps <= 0 ? Long.MAX_VALUE : bitrateBps;
        updateEstimate();
    }

    /** The fraction lost (0..255, RFC 3550 6.4.1) a receiver report gives for a stream we send. */
    public void onLossReport(int fractionLost, long nowNanos) {
        this.nowNanos = nowNanos;
        lossBased.onLoss(Math.max(0, Math.min(255, fractionLost)) / 256.0, estimateBps, nowNanos);
        lossBased.onDelayBased(aimd.bps());
        updateEstimate();
    }

    /** The round trip to the subscriber, when a report gives it. */
    public void onRtt(long rttNanos) {
        if (rttNanos <= 0) {
            return;
        }
        rttFromReports = true;
        applyRtt(rttNanos);
    }

    private void setFeedbackRtt(long nanos) {
        if (nanos > 0) {
            applyRtt(rttNanos < 0 ? nanos : (rttNanos * 7 + nanos) / 8);
        }
    }

    private void applyRtt(long nanos) {
        rttNanos = nanos;
        aimd.setRtt(nanos);
        lossBased.setRtt(nanos);
    }

    /** Timers (decay, probe timeouts); called every tick (20 ms) by the owner. */
    public void tick(long nowNanos) {
        this.nowNanos = nowNanos;
        long probeResult = probes.poll(nowNanos);
        if (probeResult > aimd.bps() && detector.state() != BandwidthUsage.OVERUSING) {
            onProbeSuccess(probeResult, nowNanos);
        }
        if (feedbackSeen && lastSentNanos > lastFeedbackNanos
                && nowNanos - lastFeedbackNanos > FEEDBACK_TIMEOUT_NANOS
                && nowNanos - lastTimeoutCutNanos >= FEEDBACK_TIMEOUT_NANOS) {
            // Feedback stopped while we kept sending: the subscriber's path may be congested so
            // badly that its feedback is lost too. Back off a fifth each second, as libwebrtc
            // does when feedback times out, until feedback returns.
            lastTimeoutCutNanos = nowNanos;
            aimd.setEstimate((long) (Math.min(aimd.bps(), estimateBps) * TIMEOUT_BACKOFF), nowNanos);
        }
        updateEstimate();
    }

    private void updateEstimate() {
        long bps = Math.min(aimd.bps(), lossBased.limitBps());
        if (!feedbackSeen && rembBps != Long.MAX_VALUE) {
            bps = rembBps; // a REMB-only subscriber: its receiver estimate is all we have
        } else {
            bps = Math.min(bps, rembBps);
        }
        estimateBps = Math.max(minBps, Math.min(maxBps, bps));
    }

    /** The rate we may send to this subscriber now, bit/s. */
    public long estimateBps() {
        return estimateBps;
    }

    /**
     * Asks for a probe towards {@code targetBps} (the allocator wants to move the viewer up).
     *
     * @return the probe cluster's id (&gt; 0), or -1 when refused (one is running, too soon, not needed)
     */
    public String probeDiag(long nowNanos) {
        return probes.diag(nowNanos);
    }

    public int startProbe(long targetBps, long nowNanos) {
        this.nowNanos = nowNanos;
        return probes.request(Math.min(targetBps, maxBps), estimateBps, nowNanos);
    }

    /** The running cluster's id, -1 when none. */
    public int probeCluster() {
        return probes.sendingCluster(nowNanos);
    }

    /**
     * Padding bytes of the running probe cluster due by now; the owner sends about this many in
     * padding packets, each reported through {@link #onPacketSent} with {@link #probeCluster()}.
     */
    public int probeBytesDue(long nowNanos) {
        this.nowNanos = nowNanos;
        return probes.bytesDue(nowNanos);
    }

    // ------------------------------------------------------------ for metrics and the debug request

    /** The delay-based (AIMD) rate, bit/s. */
    public long delayBasedBps() {
        return aimd.bps();
    }

    /** The loss-based limit, bit/s; Long.MAX_VALUE while loss does not bind. */
    public long lossBasedBps() {
        return lossBased.limitBps();
    }

    /** What the subscriber received over the last 300 ms, bit/s; -1 until known. */
    public long acknowledgedBps() {
        return acked.bps();
    }

    /** True while the delay-based detector sees the queue growing. */
    public boolean overusing() {
        return detector.state() == BandwidthUsage.OVERUSING;
    }

    /** The result of the last probe that ended, bit/s; -1 when it said nothing (or none ended). */
    public long lastProbeResultBps() {
        return probes.lastResultBps();
    }

    public long probesSucceeded() {
        return probesSucceeded;
    }

    public long feedbackCount() {
        return feedbacks;
    }

    public long malformedFeedbackCount() {
        return malformedFeedbacks;
    }

    /** The round trip in use, ns; -1 until known. */
    public long rttNanos() {
        return rttNanos;
    }
}
