package io.stagecast.sfu.bwe;

/**
 * The send-side bandwidth estimate towards one subscriber, from the transport-wide-cc feedback it
 * sends about the packets we stamped (draft-holmer-rmcat-transport-wide-cc-extensions-01).
 *
 * <p>CONTRACT STUB (issue 9): the signatures are what the router calls; the estimator behind them
 * comes with the bwe work. Until then the estimate is the configured maximum, capped by REMB.
 *
 * <p>Threading: owned by the subscriber transport's event loop. No allocation per call.
 */
public final class SendSideEstimator {
    public static final long DEFAULT_START_BPS = 1_000_000;
    public static final long DEFAULT_MIN_BPS = 50_000;
    public static final long DEFAULT_MAX_BPS = 30_000_000;

    private final long maxBps;
    private long rembBps = Long.MAX_VALUE;

    public SendSideEstimator() {
        this(DEFAULT_START_BPS, DEFAULT_MIN_BPS, DEFAULT_MAX_BPS);
    }

    public SendSideEstimator(long startBps, long minBps, long maxBps) {
        this.maxBps = maxBps;
    }

    /**
     * Every RTP packet sent with a transport-wide sequence number: media, RTX and padding.
     *
     * @param probeClusterId the probe cluster this packet belongs to, -1 for ordinary packets
     */
    public void onPacketSent(int transportSeq, int sizeBytes, long sendNanos, int probeClusterId) {
    }

    /** One transport-cc feedback packet (RTPFB, FMT 15): the RTCP packet at {@code off}, its header included. */
    public void onTransportFeedback(byte[] buf, int off, int len, long nowNanos) {
    }

    /** REMB from the subscriber, where negotiated: a cap on the estimate. */
    public void onRemb(long bitrateBps, long nowNanos) {
        rembBps = bitrateBps;
    }

    /** The fraction lost (0..255, RFC 3550 6.4.1) a receiver report gives for a stream we send. */
    public void onLossReport(int fractionLost, long nowNanos) {
    }

    /** The round trip to the subscriber, when a report gives it. */
    public void onRtt(long rttNanos) {
    }

    /** Timers (decay, probe timeouts); called every tick (20 ms) by the owner. */
    public void tick(long nowNanos) {
    }

    /** The rate we may send to this subscriber now, bit/s. */
    public long estimateBps() {
        return Math.min(maxBps, rembBps);
    }

    /**
     * Asks for a probe towards {@code targetBps} (the allocator wants to move the viewer up).
     *
     * @return the probe cluster's id (&gt; 0), or -1 when refused (one is running, too soon, not needed)
     */
    public int startProbe(long targetBps, long nowNanos) {
        return -1;
    }

    /** The running cluster's id, -1 when none. */
    public int probeCluster() {
        return -1;
    }

    /**
     * Padding bytes of the running probe cluster due by now; the owner sends about this many in
     * padding packets, each reported through {@link #onPacketSent} with {@link #probeCluster()}.
     */
    public int probeBytesDue(long nowNanos) {
        return 0;
    }
}
