package io.stagecast.sfu.bwe;

/**
 * Groups acknowledged packets into the bursts a sender emits together and yields the delay
 * variation between consecutive groups (draft-ietf-rmcat-gcc-02 5.2): packets sent within
 * {@value #BURST_NANOS} ns of a group's first packet belong to it, and so do packets that arrive
 * within 5 ms of the group's last one while their spacing shrank on the way (a burst that queued
 * behind a wireless or pacer hiccup, gcc-02 5.2's "packets that arrive in a burst"), as long as the
 * group stays under 100 ms.
 *
 * <p>A group's times are those of its last packet (gcc-02 5.3: the inter-group delay variation
 * d(i) = t(i) - t(i-1) - (T(i) - T(i-1)), with t arrival and T send time).
 */
final class PacketGroups {
    static final long BURST_NANOS = 5_000_000;
    private static final long BURST_ARRIVAL_MICROS = 5_000;
    private static final long MAX_BURST_MICROS = 100_000;
    /** An arrival jump beyond this against the send spacing is a remote clock change: start over. */
    private static final long ARRIVAL_OFFSET_RESET_MICROS = 3_000_000;
    /** Consecutive groups arriving before their predecessor after which we start over. */
    private static final int REORDERED_RESET = 3;

    private boolean hasCurrent;
    private long curFirstSend;
    private long curLastSend;
    private long curFirstArrival;
    private long curLastArrival;

    private boolean hasPrevious;
    private long prevLastSend;
    private long prevLastArrival;
    private int reordered;

    /** Results of the last {@link #onPacket} that returned true. */
    double sendDeltaMs;
    double arrivalDeltaMs;
    long groupArrivalMicros;

    /**
     * Adds one packet, in arrival order. Returns true when it closed a group, after which the delay
     * variation between the two groups before it is in the fields.
     */
    boolean onPacket(long sendNanos, long arrivalMicros) {
        if (!hasCurrent) {
            startGroup(sendNanos, arrivalMicros);
            return false;
        }
        if (sendNanos < curFirstSend) {
            // Sent before the group being built: reordered on the way, already accounted for.
            return false;
        }
        boolean produced = false;
        if (startsNewGroup(sendNanos, arrivalMicros)) {
            if (hasPrevious) {
                long sendDelta = curLastSend - prevLastSend;
                long arrivalDelta = curLastArrival - prevLastArrival;
                if (arrivalDelta - sendDelta / 1000 > ARRIVAL_OFFSET_RESET_MICROS) {
                    reset();
                    startGroup(sendNanos, arrivalMicros);
                    return false;
                }
                if (arrivalDelta < 0) {
                    if (++reordered >= REORDERED_RESET) {
                        reset();
                        startGroup(sendNanos, arrivalMicros);
                        return false;
                    }
                } else {
                    reordered = 0;
                    sendDeltaMs = sendDelta / 1e6;
                    arrivalDeltaMs = arrivalDelta / 1e3;
                    groupArrivalMicros = curLastArrival;
                    produced = true;
                }
            }
            hasPrevious = true;
            prevLastSend = curLastSend;
            prevLastArrival = curLastArrival;
            startGroup(sendNanos, arrivalMicros);
            return produced;
        }
        curLastSend = Math.max(curLastSend, sendNanos);
        curLastArrival = Math.max(curLastArrival, arrivalMicros);
        return false;
    }

    private boolean startsNewGroup(long sendNanos, long arrivalMicros) {
        if (sendNanos - curFirstSend <= BURST_NANOS) {
            return false;
        }
        long arrivalDelta = arrivalMicros - curLastArrival;
        long propagationDelta = arrivalDelta - (sendNanos - curLastSend) / 1000;
        boolean burst = propagationDelta < 0 && arrivalDelta <= BURST_ARRIVAL_MICROS
                && arrivalMicros - curFirstArrival < MAX_BURST_MICROS;
        return !burst;
    }

    private void startGroup(long sendNanos, long arrivalMicros) {
        hasCurrent = true;
        curFirstSend = sendNanos;
        curLastSend = sendNanos;
        curFirstArrival = arrivalMicros;
        curLastArrival = arrivalMicros;
    }

    void reset() {
        hasCurrent = false;
        hasPrevious = false;
        reordered = 0;
    }
}
