package io.stagecast.bench;

import io.netty.util.concurrent.FastThreadLocalThread;
import io.stagecast.sfu.srtp.SrtpProfile;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * {@link EgressBenchmark} and {@link SrtpFloorBenchmark#protect} measured in the benchmark
 * thread's own CPU time instead of JMH's wall clock: on a machine shared with other work a
 * preempted thread's wall time grows while its CPU time does not, so the ratio egress/protect
 * stays readable when JMH's scores swing by 2-5x between iterations. Runs on a Netty
 * {@link FastThreadLocalThread}, as the node's media loop (see {@link MediaLoopExecutor}).
 * Prints, per fan-out, the best of {@code rounds} rounds of CPU ns and allocated bytes per
 * packet per subscriber, and the ratio to protect.
 *
 * <pre>java -cp benchmarks.jar io.stagecast.bench.EgressCpu AES_CM_128_HMAC_SHA1_80 1200 1,100,1000 false,true</pre>
 */
public final class EgressCpu {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private EgressCpu() {
    }

    public static void main(String[] args) throws Exception {
        SrtpProfile profile = SrtpProfile.valueOf(args.length > 0 ? args[0] : "AES_CM_128_HMAC_SHA1_80");
        int bytes = Integer.parseInt(args.length > 1 ? args[1] : "1200");
        String[] fanouts = (args.length > 2 ? args[2] : "1,100,1000").split(",");
        String[] allocations = (args.length > 3 ? args[3] : "false,true").split(",");
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 7;
        Thread loop = new FastThreadLocalThread(() -> {
            SrtpFloorBenchmark floor = new SrtpFloorBenchmark();
            floor.profile = profile;
            floor.packetBytes = bytes;
            floor.setUp();
            double[] protect = best(rounds, 200_000, floor::protect);
            System.out.printf(Locale.ROOT, "%-10s %-24s %5d %6s %8.0f %7.1f%n", "protect", profile, bytes, "", protect[0], protect[1]);
            for (String allocation : allocations) {
                for (String f : fanouts) {
                    int fanout = Integer.parseInt(f);
                    EgressBenchmark egress = new EgressBenchmark();
                    egress.profile = profile;
                    egress.packetBytes = bytes;
                    egress.fanout = fanout;
                    egress.allocation = Boolean.parseBoolean(allocation);
                    egress.setUp();
                    double[] r = best(rounds, Math.max(20, 200_000 / fanout), egress::forward);
                    egress.tearDown();
                    System.out.printf(Locale.ROOT, "%-10s %-24s %5d %6d %8.0f %7.1f %6.2f%n",
                            egress.allocation ? "egress+bwe" : "egress", profile, bytes, fanout,
                            r[0] / fanout, r[1] / fanout, r[0] / fanout / protect[0]);
                }
            }
        }, "egress-cpu");
        loop.start();
        loop.join();
    }

    /** The lowest CPU ns per operation and the allocated bytes per operation over {@code rounds} rounds (the first is warm-up). */
    private static double[] best(int rounds, int ops, Runnable op) {
        long tid = Thread.currentThread().getId();
        double bestNs = Double.MAX_VALUE;
        double bytes = 0;
        for (int round = 0; round <= rounds; round++) {
            long cpu = THREADS.getCurrentThreadCpuTime();
            long allocated = THREADS.getThreadAllocatedBytes(tid);
            for (int i = 0; i < ops; i++) {
                op.run();
            }
            double ns = (double) (THREADS.getCurrentThreadCpuTime() - cpu) / ops;
            double b = (double) (THREADS.getThreadAllocatedBytes(tid) - allocated) / ops;
            if (round > 0 && ns < bestNs) {
                bestNs = ns;
                bytes = b;
            }
        }
        return new double[]{bestNs, bytes};
    }
}
