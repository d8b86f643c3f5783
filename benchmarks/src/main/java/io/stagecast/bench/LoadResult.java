package io.stagecast.bench;

/**
 * The figures of one load run, over the measurement window (after every viewer joined).
 *
 * @param viewersJoined         viewers that received media within the join timeout
 * @param deliveredPerSecond    RTP packets per second that viewers received (counted from the clear header)
 * @param authenticated         packets of the sample that viewers authenticated and decrypted (SRTP)
 * @param loss                  1 - received / expected (expected from sequence numbers), 0..1
 * @param joinP50Millis         median join time: the viewer's join request to its first media packet
 * @param serverCpuSecondsPerMillion server CPU (user + system) per million packets viewers received;
 *                              NaN without a server pid
 * @param serverForwardedPerSecond the node's own forwarded-packet counter (/metrics), NaN if unreadable
 * @param generatorCpuSeconds   the load generator's own CPU (user + system) in the window
 * @param latencyP999Millis     99.9th percentile of the sampled one-way latency (publisher send to viewer receive)
 * @param serverUserSeconds     the server's user-mode CPU in the window (utime), NaN without a server pid
 * @param serverSystemSeconds   the server's kernel CPU in the window (stime): system calls, and on
 *                              loopback the receivers' UDP delivery that runs in the sender's sendmmsg
 * @param frameP50Millis        median latency of the sampled packets that end a frame (RTP marker): when a
 *                              frame became decodable at the viewer
 * @param frameP99Millis        99th percentile of the same
 * @param latencyP95Millis      95th percentile of the sampled latency
 * @param joinP95Millis         95th percentile of the join time
 */
record LoadResult(int publishers, int viewers, int viewersJoined, double seconds, long delivered, long expected,
                  double deliveredPerSecond, double loss, double latencyP50Millis, double latencyP99Millis,
                  double latencyMaxMillis, double joinP50Millis, double joinMaxMillis, long authenticated, long authFailures,
                  double serverCpuSeconds, double serverCpuSecondsPerMillion, double serverForwardedPerSecond,
                  double generatorCpuSeconds, double latencyP999Millis, double serverUserSeconds,
                  double serverSystemSeconds, double frameP50Millis, double frameP99Millis, double latencyP95Millis,
                  double joinP95Millis) {

    /** Viewers that did not receive media within the join timeout (refused, failed, or too slow). */
    int viewersFailed() {
        return viewers - viewersJoined;
    }

    /**
     * The one machine-readable line (benchmarks/bin/cpu-per-packet.sh reads its key=value fields:
     * keep existing keys unique and in place when adding any).
     */
    String summary() {
        return String.format(java.util.Locale.ROOT,
                "RESULT publishers=%d viewers=%d joined=%d failed=%d window=%.1fs delivered=%d (%.0f pkt/s) loss=%.3f%% "
                        + "latency p50=%.2fms p95=%.2fms p99=%.2fms p999=%.2fms max=%.2fms join p50=%.0fms p95=%.0fms max=%.0fms authenticated=%d authFailures=%d "
                        + "serverCpu=%.2fs (%.1f%% of a core) serverCpuPerMillion=%.2fs (%.2fus/pkt) serverUser=%.2fus/pkt serverKernel=%.2fus/pkt serverForwarded=%.0f pkt/s "
                        + "generatorCpu=%.2fs (%.1f%% of a core) frameP50=%.2fms frameP99=%.2fms",
                publishers, viewers, viewersJoined, viewersFailed(), seconds, delivered, deliveredPerSecond, loss * 100,
                latencyP50Millis, latencyP95Millis, latencyP99Millis, latencyP999Millis, latencyMaxMillis, joinP50Millis,
                joinP95Millis, joinMaxMillis, authenticated, authFailures,
                serverCpuSeconds, 100 * serverCpuSeconds / seconds, serverCpuSecondsPerMillion, serverCpuSecondsPerMillion,
                perPacketMicros(serverUserSeconds), perPacketMicros(serverSystemSeconds),
                serverForwardedPerSecond, generatorCpuSeconds, 100 * generatorCpuSeconds / seconds, frameP50Millis,
                frameP99Millis);
    }

    /** CPU seconds in the window per delivered packet, in microseconds. */
    double perPacketMicros(double cpuSeconds) {
        return cpuSeconds / Math.max(1, delivered) * 1e6;
    }
}
