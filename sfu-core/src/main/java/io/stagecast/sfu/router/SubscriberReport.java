package io.stagecast.sfu.router;

import java.util.List;

/**
 * A snapshot of one subscriber transport's forwarding decisions, for the debug request an
 * operator makes for one participant.
 *
 * @param estimateBps  the send-side estimate towards this subscriber
 * @param allocatedBps what the allocation gave all its tracks
 * @param sentBps      what was sent over the last second, retransmissions and probes included
 * @param lastN        the cap on video tracks in force
 */
public record SubscriberReport(String transportId, long estimateBps, long allocatedBps, long sentBps, int lastN,
                               List<ConsumerReport> consumers) {
}
