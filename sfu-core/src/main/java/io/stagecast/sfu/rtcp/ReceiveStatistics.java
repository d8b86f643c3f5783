package io.stagecast.sfu.rtcp;

/**
 * Reception statistics of one received SSRC, from which our receiver reports are filled
 * (RFC 3550 A.1 sequence tracking, A.3 loss, A.8 jitter, 6.4.1 LSR/DLSR).
 *
 * <p>Unlike A.1 there is no probation: the first packet starts the statistics, since a WebRTC
 * stream is already authenticated by SRTP. A jump of more than {@value #MAX_DROPOUT} ahead or
 * {@value #MAX_MISORDER} behind is taken as a restart only when the next packet follows it.
 * Jitter is updated only for packets that advance the sequence: reordered and retransmitted
 * packets would otherwise count their delay as jitter.
 *
 * <p>Single-threaded; no allocation.
 */
public final class ReceiveStatistics {
    static final int MAX_DROPOUT = 3000;
    static final int MAX_MISORDER = 100;
    private static final int SEQ_MOD = 1 << 16;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final int ssrc;
    private final int clockRate;

    private boolean started;
    private int maxSeq;
    private long cycles;
    private long baseSeq;
    /** Sequence number that would confirm a restart after a big jump (A.1 bad_seq). */
    private int badSeq = -1;
    private long received;
    private long expectedPrior;
    private long receivedPrior;

    private boolean haveTransit;
    private int lastTransit;
    /** Jitter scaled by 16, as in A.8's integer variant, to keep the fraction bits. */
    private long jitterQ4;

    private boolean haveSr;
    private int lastSrMiddle;
    private long lastSrArrivalNanos;

    public ReceiveStatistics(int ssrc, int clockRate) {
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate must be positive: " + clockRate);
        }
        this.ssrc = ssrc;
        this.clockRate = clockRate;
    }

    public int ssrc() {
        return ssrc;
    }

    public long packetsReceived() {
        return received;
    }

    public void onPacket(int seq, long rtpTimestamp, long arrivalNanos) {
        seq &= 0xFFFF;
        if (!started) {
            restart(seq);
            received = 1;
            updateJitter(rtpTimestamp, arrivalNanos);
            return;
        }
        int delta = (seq - maxSeq) & 0xFFFF;
        if (delta == 0) {
            received++; // duplicate: counted, as A.3 expects (lost may go negative)
        } else if (delta < MAX_DROPOUT) {
            if (seq < maxSeq) {
                cycles += SEQ_MOD;
            }
            maxSeq = seq;
            received++;
            updateJitter(rtpTimestamp, arrivalNanos);
        } else if (delta <= SEQ_MOD - MAX_MISORDER) {
            // A big jump: a restarted sender, or a stray packet. Believe it when the next follows.
            if (seq == badSeq) {
                restart(seq);
                received = 1;
                expectedPrior = 0;
                receivedPrior = 0;
                haveTransit = false;
                updateJitter(rtpTimestamp, arrivalNanos);
            } else {
                badSeq = (seq + 1) & 0xFFFF;
            }
        } else {
            received++; // late or retransmitted within the misorder window
        }
    }

    private void restart(int seq) {
        started = true;
        maxSeq = seq;
        cycles = 0;
        baseSeq = seq;
        badSeq = -1;
    }

    /** A.8: D(i-1,i) = (Rj - Ri) - (Sj - Si) in timestamp units; J += (|D| - J) / 16. */
    private void updateJitter(long rtpTimestamp, long arrivalNanos) {
        long arrival = Math.floorDiv(arrivalNanos, NANOS_PER_SECOND) * clockRate
                + Math.floorMod(arrivalNanos, NANOS_PER_SECOND) * clockRate / NANOS_PER_SECOND;
        int transit = (int) (arrival - rtpTimestamp); // both wrap at 32 bits
        if (haveTransit) {
            long d = Math.abs((long) (transit - lastTransit));
            jitterQ4 += d - ((jitterQ4 + 8) >> 4);
        }
        lastTransit = transit;
        haveTransit = true;
    }

    /** Remembers the last sender report for LSR/DLSR (RFC 3550 6.4.1). */
    public void onSenderReport(long ntp64, long arrivalNanos) {
        haveSr = true;
        lastSrMiddle = NtpTime.middle32(ntp64);
        lastSrArrivalNanos = arrivalNanos;
    }

    /**
     * Fills {@code block} for a report sent now and starts the next loss interval; false (block
     * untouched) before the first packet.
     */
    public boolean fillReportBlock(ReportBlock block, long nowNanos) {
        if (!started) {
            return false;
        }
        long extendedMax = cycles + maxSeq;
        long expected = extendedMax - baseSeq + 1;
        long lost = expected - received;
        long expectedInterval = expected - expectedPrior;
        long receivedInterval = received - receivedPrior;
        long lostInterval = expectedInterval - receivedInterval;
        expectedPrior = expected;
        receivedPrior = received;
        int fraction = expectedInterval == 0 || lostInterval <= 0 ? 0 : (int) ((lostInterval << 8) / expectedInterval);

        long dlsr = 0;
        if (haveSr) {
            long delay = Math.max(0, nowNanos - lastSrArrivalNanos);
            dlsr = Math.min(0xFFFF_FFFFL, delay / NANOS_PER_SECOND * 65536 + delay % NANOS_PER_SECOND * 65536 / NANOS_PER_SECOND);
        }
        block.set(ssrc, Math.min(fraction, 255),
                (int) Math.max(ReportBlock.MIN_CUMULATIVE_LOST, Math.min(ReportBlock.MAX_CUMULATIVE_LOST, lost)),
                extendedMax & 0xFFFF_FFFFL, (jitterQ4 >> 4) & 0xFFFF_FFFFL,
                haveSr ? lastSrMiddle & 0xFFFF_FFFFL : 0, dlsr);
        return true;
    }

    /** Interarrival jitter in timestamp units. */
    public long jitter() {
        return jitterQ4 >> 4;
    }
}
