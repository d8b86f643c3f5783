package io.stagecast.sfu.bwe;

import io.stagecast.sfu.rtcp.TransportCcFeedback;
import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A deterministic path from the SFU to one subscriber, stepped in 1 ms: a paced sender that sends
 * at the estimator's rate, a bottleneck of given capacity with a drop-tail queue, optional random
 * loss and reordering (fixed seed), a receiver that writes real transport-cc feedback with the
 * production writer ({@link TransportCcFeedback}) every {@link #feedbackIntervalMs} and returns it
 * after the propagation delay.
 */
final class NetworkSimulator {
    private record InFlight(int seq, long arrivalUs) {
    }

    private record Feedback(long deliverUs, byte[] bytes) {
    }

    final SendSideEstimator estimator;
    private final SplittableRandom random;
    private final TransportCcFeedback receiver = new TransportCcFeedback(0x5150, 0x1234);
    private final PriorityQueue<InFlight> inFlight =
            new PriorityQueue<>((a, b) -> Long.compare(a.arrivalUs(), b.arrivalUs()));
    private final ArrayDeque<Feedback> feedbacks = new ArrayDeque<>();
    private final byte[] feedbackBuf = new byte[1500];

    long capacityBps;
    long queueLimitBytes = 60_000;
    double lossRate;
    double reorderRate;
    long oneWayDelayUs = 20_000;
    int feedbackIntervalMs = 50;
    int packetBytes = 1200;
    /** How often the owner asks for probe bytes: 5 ms like a pacer, 20 ms like a tick. */
    int probePollMs = 5;
    /** Rate the application would send at most (what the allocator has to send). */
    long applicationMaxBps = Long.MAX_VALUE;
    /** The receiver's clock runs at an offset: only differences of its times mean anything. */
    long remoteClockOffsetUs = 987_654_321L;

    private long nowUs;
    private int nextSeq = 65_000; // wraps within the first seconds
    private double budgetBits;
    private long queueFreeAtUs;
    private long sentPackets;
    private long droppedPackets;
    private long receivedBytes;

    NetworkSimulator(SendSideEstimator estimator, long capacityBps, long seed) {
        this.estimator = estimator;
        this.capacityBps = capacityBps;
        this.random = new SplittableRandom(seed);
    }

    long nowMs() {
        return nowUs / 1000;
    }

    long nowNanos() {
        return nowUs * 1000;
    }

    /** Runs {@code ms} milliseconds. */
    void run(long ms) {
        for (long i = 0; i < ms; i++) {
            step();
        }
    }

    private void step() {
        nowUs += 1000;
        long ms = nowUs / 1000;
        deliverArrivals();
        deliverFeedback();
        if (ms % 5 == 0) {
            pace(5);
        }
        if (ms % probePollMs == 0) {
            sendProbe();
        }
        if (ms % 20 == 0) {
            estimator.tick(nowNanos());
        }
        if (ms % feedbackIntervalMs == 0) {
            buildFeedback();
        }
    }

    private void pace(int ms) {
        long rate = Math.min(estimator.estimateBps(), applicationMaxBps);
        budgetBits = Math.min(budgetBits + rate * ms / 1000.0, rate * 0.01 + packetBytes * 8);
        while (budgetBits >= packetBytes * 8) {
            budgetBits -= packetBytes * 8;
            send(packetBytes, -1);
        }
    }

    private void sendProbe() {
        int due = estimator.probeBytesDue(nowNanos());
        int cluster = estimator.probeCluster();
        while (due > 0 && cluster > 0) {
            int size = Math.min(due, 500);
            size = Math.max(size, 100);
            send(size, cluster);
            due -= size;
        }
    }

    private void send(int size, int cluster) {
        int seq = nextSeq;
        nextSeq = (nextSeq + 1) & 0xFFFF;
        estimator.onPacketSent(seq, size, nowNanos(), cluster);
        sentPackets++;
        if (lossRate > 0 && random.nextDouble() < lossRate) {
            droppedPackets++;
            return;
        }
        long queueUs = Math.max(0, queueFreeAtUs - nowUs);
        long queuedBytes = queueUs * capacityBps / 8_000_000;
        if (queuedBytes + size > queueLimitBytes) {
            droppedPackets++;
            return;
        }
        long serviceUs = size * 8_000_000L / capacityBps;
        queueFreeAtUs = Math.max(queueFreeAtUs, nowUs) + serviceUs;
        long arrival = queueFreeAtUs + oneWayDelayUs;
        if (reorderRate > 0 && random.nextDouble() < reorderRate) {
            arrival += 2_000 + random.nextInt(8_000);
        }
        inFlight.add(new InFlight(seq, arrival));
    }

    private void deliverArrivals() {
        while (!inFlight.isEmpty() && inFlight.peek().arrivalUs() <= nowUs) {
            InFlight p = inFlight.poll();
            receiver.onPacket(p.seq(), p.arrivalUs() + remoteClockOffsetUs);
            receivedBytes += 1;
        }
    }

    private void buildFeedback() {
        while (receiver.hasPending()) {
            int len = receiver.build(feedbackBuf, 0, 1200);
            if (len == 0) {
                break;
            }
            byte[] copy = java.util.Arrays.copyOf(feedbackBuf, len);
            feedbacks.add(new Feedback(nowUs + oneWayDelayUs, copy));
        }
    }

    private void deliverFeedback() {
        while (!feedbacks.isEmpty() && feedbacks.peek().deliverUs() <= nowUs) {
            byte[] b = feedbacks.poll().bytes();
            estimator.onTransportFeedback(b, 0, b.length, nowNanos());
        }
    }

    long sentPackets() {
        return sentPackets;
    }

    long droppedPackets() {
        return droppedPackets;
    }
}
