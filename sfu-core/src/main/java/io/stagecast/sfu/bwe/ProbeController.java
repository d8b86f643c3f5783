package io.stagecast.sfu.bwe;

/**
 * When and how much to probe. A probe is one cluster of padding (the owner's RTX or padding
 * packets) paced over {@value #DURATION_NANOS} ns at the target rate, so that the feedback shows
 * whether the path carries that rate before a viewer is moved up to it. One cluster at a time;
 * a cluster whose feedback has not all come back {@value #TIMEOUT_NANOS} ns after it started is
 * judged on what did come back. A new request within {@value #MIN_GAP_NANOS} ns of the last
 * cluster's end is refused: each probe costs the viewer a burst of useless bytes.
 *
 * <p>At the start, as libwebrtc's probe controller does, probes at 3 x the start rate and, while
 * each succeeds (result at least 70 % of its target), at twice the result, {@value #INITIAL_PROBES}
 * in all: a conservative start that finds a fast path within about half a second.
 */
final class ProbeController {
    static final long DURATION_NANOS = 30_000_000;
    static final long TIMEOUT_NANOS = 1_000_000_000;
    static final long MIN_GAP_NANOS = 1_000_000_000;
    static final int INITIAL_PROBES = 3;
    private static final double INITIAL_SCALE = 3.0;
    private static final double REPEAT_MIN_RATIO = 0.7;
    /** The owner polls on ticks: the first call right after the start already gets some bytes. */
    private static final long LEAD_NANOS = 5_000_000;
    /** An owner that did not send the cluster's bytes by then never will. */
    private static final long SEND_DEADLINE_NANOS = 3 * DURATION_NANOS;
    /** Smallest cluster: {@link ProbeCluster#MIN_PACKETS} packets of a few hundred bytes. */
    private static final long MIN_BYTES = 1_500;

    private final ProbeCluster cluster = new ProbeCluster();
    private final long maxBps;
    private int nextId = 1;
    private boolean pending;
    private boolean sending;
    private long lastEndNanos = Long.MIN_VALUE;
    private int initialLeft = INITIAL_PROBES;
    private boolean autoProbing = true;
    private long lastResultBps = -1;

    ProbeController(long maxBps) {
        this.maxBps = maxBps;
    }

    String diag(long nowNanos) {
        return "pending=" + pending + " sending=" + sending + " sinceEnd=" + (lastEndNanos == Long.MIN_VALUE ? -1 : (nowNanos - lastEndNanos) / 1_000_000)
                + " sinceStart=" + (nowNanos - cluster.startNanos) / 1_000_000 + " sent=" + cluster.packetsSent + " all=" + cluster.allReported() + " last=" + lastResultBps;
    }

    void setAutoProbing(boolean enabled) {
        autoProbing = enabled;
        if (!enabled) {
            initialLeft = 0;
        }
    }

    /** The first packets flow: start the initial probe. */
    void onFirstPacket(long startBps, long nowNanos) {
        if (autoProbing && initialLeft == INITIAL_PROBES) {
            initialLeft--;
            begin((long) (startBps * INITIAL_SCALE), nowNanos);
        }
    }

    /** A probe asked for from outside; -1 when refused. */
    int request(long targetBps, long estimateBps, long nowNanos) {
        if (pending || targetBps <= estimateBps) {
            return -1;
        }
        if (lastEndNanos != Long.MIN_VALUE && nowNanos - lastEndNanos < MIN_GAP_NANOS) {
            return -1;
        }
        initialLeft = 0; // the owner probes now: no more start-up probes
        return begin(targetBps, nowNanos);
    }

    private int begin(long targetBps, long nowNanos) {
        long bps = Math.min(targetBps, maxBps);
        long bytes = Math.max(MIN_BYTES, bps * DURATION_NANOS / 8_000_000_000L);
        int id = nextId;
        nextId = nextId == Integer.MAX_VALUE ? 1 : nextId + 1;
        cluster.start(id, bps, bytes, nowNanos);
        pending = true;
        sending = true;
        return id;
    }

    /** The cluster the owner should tag padding with, -1 when none is sending. */
    int sendingCluster(long nowNanos) {
        if (sending && (cluster.bytesSent >= cluster.targetBytes
                || nowNanos - cluster.startNanos > SEND_DEADLINE_NANOS)) {
            sending = false;
        }
        return sending ? cluster.id : -1;
    }

    int bytesDue(long nowNanos) {
        if (sendingCluster(nowNanos) < 0) {
            return 0;
        }
        long elapsed = nowNanos - cluster.startNanos + LEAD_NANOS;
        long wanted = elapsed >= DURATION_NANOS ? cluster.targetBytes
                : (cluster.targetBytes * elapsed + DURATION_NANOS - 1) / DURATION_NANOS;
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, wanted - cluster.bytesSent));
    }

    void onSent(int clusterId, int size, long sendNanos) {
        if (pending && clusterId == cluster.id) {
            cluster.onSent(size, sendNanos);
        }
    }

    void onReceived(int clusterId, int size, long arrivalMicros) {
        if (pending && clusterId == cluster.id) {
            cluster.onReceived(size, arrivalMicros);
        }
    }

    void onLost(int clusterId) {
        if (pending && clusterId == cluster.id) {
            cluster.onLost();
        }
    }

    /**
     * After a feedback or on a tick: the result of a cluster that is complete (or timed out), in
     * bit/s; -1 when there is none or it says nothing.
     */
    long poll(long nowNanos) {
        if (!pending) {
            return -1;
        }
        boolean done = !sending && cluster.allReported();
        boolean timedOut = nowNanos - cluster.startNanos > TIMEOUT_NANOS;
        if (!done && !timedOut) {
            sendingCluster(nowNanos);
            return -1;
        }
        pending = false;
        sending = false;
        lastEndNanos = nowNanos;
        long result = cluster.resultBps();
        lastResultBps = result;
        if (autoProbing && initialLeft > 0 && initialLeft < INITIAL_PROBES) {
            if (result > 0 && result >= REPEAT_MIN_RATIO * cluster.targetBps && cluster.targetBps < maxBps) {
                initialLeft--;
                begin(2 * result, nowNanos);
            } else {
                initialLeft = 0;
            }
        }
        return result;
    }

    boolean pending() {
        return pending;
    }

    long lastResultBps() {
        return lastResultBps;
    }

    ProbeCluster cluster() {
        return cluster;
    }
}
