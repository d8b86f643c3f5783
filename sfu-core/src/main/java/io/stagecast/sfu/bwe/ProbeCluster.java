package io.stagecast.sfu.bwe;

/**
 * One probe: a short burst of padding at a target rate, and what the feedback says of it. The rate
 * the path carried is judged from the spreads (as libwebrtc's probe bitrate estimator does): the
 * send rate is the bytes sent after the first packet over the send spread, the receive rate the
 * bytes received after the first arrival over the arrival spread. A path with headroom delivers at
 * the send rate; a bottleneck stretches the arrivals, and its rate is what the receive spread shows.
 *
 * <p>Reused for every cluster; no allocation.
 */
final class ProbeCluster {
    /** Fewer received packets than this say nothing about a rate. */
    static final int MIN_PACKETS = 5;
    private static final int MIN_RECEIVED = 4;
    private static final double MIN_RECEIVED_BYTES_RATIO = 0.8;
    /** Spreads longer than this are not one burst. */
    private static final long MAX_INTERVAL_NANOS = 1_000_000_000L;
    /** A receive rate this far above the send rate is a measurement artefact (libwebrtc: 2). */
    private static final double MAX_VALID_RATIO = 2.0;
    /** Received below 90 % of sent: the path is saturated, and then its rate is a bit less than seen. */
    private static final double SATURATED_RATIO = 0.9;
    private static final double SATURATED_UTILISATION = 0.95;

    int id = -1;
    long targetBps;
    long targetBytes;
    long startNanos;

    long bytesSent;
    int packetsSent;
    private long firstSendNanos;
    private long lastSendNanos;
    private int lastSentSize;

    private int received;
    private int reported;
    private long bytesReceived;
    private long firstArrivalMicros;
    private long lastArrivalMicros;
    private int firstArrivalSize;

    void start(int clusterId, long bps, long bytes, long nowNanos) {
        id = clusterId;
        targetBps = bps;
        targetBytes = bytes;
        startNanos = nowNanos;
        bytesSent = 0;
        packetsSent = 0;
        received = 0;
        reported = 0;
        bytesReceived = 0;
    }

    void onSent(int size, long sendNanos) {
        if (packetsSent == 0 || sendNanos < firstSendNanos) {
            firstSendNanos = sendNanos;
        }
        if (packetsSent == 0 || sendNanos >= lastSendNanos) {
            lastSendNanos = sendNanos;
            lastSentSize = size;
        }
        packetsSent++;
        bytesSent += size;
    }

    void onReceived(int size, long arrivalMicros) {
        if (received == 0 || arrivalMicros < firstArrivalMicros) {
            firstArrivalMicros = arrivalMicros;
            firstArrivalSize = size;
        }
        if (received == 0 || arrivalMicros > lastArrivalMicros) {
            lastArrivalMicros = arrivalMicros;
        }
        received++;
        reported++;
        bytesReceived += size;
    }

    void onLost() {
        reported++;
    }

    /** Every packet sent so far has a status. */
    boolean allReported() {
        return packetsSent > 0 && reported >= packetsSent;
    }

    /** The rate the path carried, bit/s, or -1 when the feedback does not allow a judgement. */
    long resultBps() {
        if (packetsSent < MIN_PACKETS || received < MIN_RECEIVED
                || bytesReceived < MIN_RECEIVED_BYTES_RATIO * Math.min(bytesSent, targetBytes)) {
            return -1;
        }
        long sendInterval = lastSendNanos - firstSendNanos;
        long receiveMicros = lastArrivalMicros - firstArrivalMicros;
        if (sendInterval > MAX_INTERVAL_NANOS || receiveMicros <= 0 || receiveMicros * 1000 > MAX_INTERVAL_NANOS) {
            return -1;
        }
        // An owner that sent the cluster in one burst (a coarse tick) gave no send spread: we asked
        // it for the target rate, so that is the rate to hold the arrivals against.
        double sendBps = sendInterval >= 1_000_000
                ? (bytesSent - lastSentSize) * 8e9 / sendInterval : targetBps;
        double receiveBps = (bytesReceived - firstArrivalSize) * 8e6 / receiveMicros;
        if (receiveBps > MAX_VALID_RATIO * sendBps) {
            return -1;
        }
        double result = Math.min(sendBps, receiveBps);
        if (receiveBps < SATURATED_RATIO * sendBps) {
            result = SATURATED_UTILISATION * receiveBps;
        }
        return (long) result;
    }

    int received() {
        return received;
    }
}
