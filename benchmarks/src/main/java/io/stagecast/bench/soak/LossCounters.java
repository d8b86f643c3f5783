package io.stagecast.bench.soak;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a loss run counts at one moment, on every side of the publisher's path: the publisher
 * (RTP sent; NACK and PLI/FIR packets the node sent it), the loss rule (datagrams dropped), the
 * viewers (received, and expected by sequence number) and the node's /metrics. The difference
 * of two is a window's figures.
 */
record LossCounters(long publisherSent, long nacksToPublisher, long keyframeRequestsToPublisher, long dropped,
                    long viewersReceived, long viewersExpected, double nodeReceived, double upstreamLossKeyframes,
                    double plisSent, double rtcpSent, double nacksAnswered, double retransmitted,
                    Map<String, Double> keyframeReasons) {
    static final String KEYFRAME_REQUESTS = "stagecast_media_keyframe_requests_total";

    /** Reads them all now; {@code rule} may be null (no loss rule installed: nothing dropped). */
    static LossCounters read(ParticipantGroup group, LossRule rule, MetricsScrape m) throws IOException, InterruptedException {
        SyntheticClients.Publisher publisher = group.publishers().get(0);
        return new LossCounters(publisher.packetsSent(), publisher.peer().nacksReceived(),
                publisher.peer().keyframeRequestsReceived(), rule == null ? 0 : rule.dropped(), group.received(),
                group.expected(), m.sum("stagecast_media_packets_received_total"),
                m.sum(KEYFRAME_REQUESTS, "reason", "upstream_loss"), m.sum("stagecast_media_pli_sent_total"),
                m.sum("stagecast_media_rtcp_sent_total"), m.sum("stagecast_media_nack_answered_total"),
                m.sum("stagecast_media_retransmitted_packets_total"), m.byLabel(KEYFRAME_REQUESTS, "reason"));
    }

    LossCounters minus(LossCounters start) {
        return new LossCounters(publisherSent - start.publisherSent, nacksToPublisher - start.nacksToPublisher,
                keyframeRequestsToPublisher - start.keyframeRequestsToPublisher, dropped - start.dropped,
                viewersReceived - start.viewersReceived, viewersExpected - start.viewersExpected,
                nodeReceived - start.nodeReceived, upstreamLossKeyframes - start.upstreamLossKeyframes,
                plisSent - start.plisSent, rtcpSent - start.rtcpSent, nacksAnswered - start.nacksAnswered,
                retransmitted - start.retransmitted, difference(keyframeReasons, start.keyframeReasons));
    }

    /** The reasons whose count changed, with the change. */
    private static Map<String, Double> difference(Map<String, Double> now, Map<String, Double> start) {
        Map<String, Double> changes = new TreeMap<>();
        now.forEach((reason, count) -> {
            double change = count - start.getOrDefault(reason, 0.0);
            if (change != 0) {
                changes.put(reason, change);
            }
        });
        return changes;
    }

    /** Share of the publisher's RTP the rule dropped. */
    double droppedShare() {
        return publisherSent == 0 ? 0 : dropped / (double) publisherSent;
    }

    /**
     * What the viewers still miss: 1 - received / expected, from the gaps in each stream's
     * sequence numbers. Not received / sent: the node adds probe padding (RTP of an RTX stream of
     * its own) that viewers count too. The padding stream has no gaps but adds to both counts,
     * so this slightly understates the media's loss.
     */
    double residualLoss() {
        return viewersExpected <= 0 ? 0 : Math.max(0, 1 - viewersReceived / (double) viewersExpected);
    }
}
