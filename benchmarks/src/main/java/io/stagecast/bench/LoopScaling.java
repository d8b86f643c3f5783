package io.stagecast.bench;

import io.stagecast.sfu.srtp.SrtpProfile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;

/**
 * Issue 10's scaling figure in process: how many forwarded packets per second N media loops carry
 * together on the real packet path, for N = 1, 2, ... one after the other, and the ratio to N = 1.
 * Each loop is a thread pinned to its own CPU (taskset) that drives a {@link ScalingTopology.Loop}
 * as fast as it can for {@code --duration}: a publisher packet in, the subscribers' SRTP packets out
 * through the channel's outbound buffer (no kernel, as in {@link EgressBenchmark}).
 *
 * <p>{@code --topology independent} (works on today's single-loop node): every loop owns a
 * complete {@link ForwardingFixture} of its own, publisher and {@code --subscribers / N} subscribers
 * (a room split over N loops, each loop with its own copy of the publisher's stream), so the figure
 * is the loops' own work without any cross-loop hand-off. {@code --topology cross-loop}
 * ({@link ScalingTopology#crossLoop}) puts one publisher on loop 0 and spreads the viewers over all
 * loops, as the node does; the difference between the two topologies is the price of the hand-off.
 *
 * <p>Rounds alternate N (1, 2, 1, 2, ...) so that a neighbour's burst of CPU on this shared machine
 * hits both; each line gives the loops' own CPU (from /proc) so a loop that did not get its core
 * shows as less than 100 %.
 */
@Command(name = "loop-scaling", mixinStandardHelpOptions = true,
        description = "Forwarded packets/s of N media loops on the in-process packet path, N = 1 vs 2 ...")
public final class LoopScaling implements Callable<Integer> {
    @Option(names = "--loops", split = ",", defaultValue = "1,2", description = "loop counts to compare (the first is the baseline)")
    List<Integer> loopCounts;
    @Option(names = "--subscribers", defaultValue = "100", description = "subscribers in all, split evenly over the loops")
    int subscribers;
    @Option(names = "--profile", defaultValue = "AEAD_AES_128_GCM", description = "SRTP profile: ${COMPLETION-CANDIDATES}")
    SrtpProfile profile;
    @Option(names = "--packet-bytes", defaultValue = "1200", description = "publisher packet size")
    int packetBytes;
    @Option(names = "--allocation", defaultValue = "true", description = "feedback and ticks every 5th packet, as EgressBenchmark -p allocation=true")
    boolean allocation;
    @Option(names = "--topology", defaultValue = "independent", description = "independent | cross-loop")
    String topology;
    @Option(names = "--duration", defaultValue = "PT5S", description = "measurement per round (ISO-8601)")
    Duration duration;
    @Option(names = "--warmup", defaultValue = "PT3S", description = "forwarding before each round's measurement (JIT)")
    Duration warmup;
    @Option(names = "--rounds", defaultValue = "3", description = "rounds of every loop count, alternating")
    int rounds;
    @Option(names = "--first-cpu", defaultValue = "0", description = "loop i is pinned to CPU first-cpu + i (-1: not pinned)")
    int firstCpu;

    public static void main(String[] args) {
        // A line per transport connected would drown the figures (logback comes with the signaling module).
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        System.exit(new CommandLine(new LoopScaling()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        int available = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "loop-scaling: %s, %d-byte packets, %d subscribers in all, allocation=%s,"
                        + " topology %s, %d available processors, load average %s%n", profile, packetBytes, subscribers,
                allocation, topology, available, loadAverage());
        double[][] rates = new double[loopCounts.size()][rounds];
        double[][] perCpu = new double[loopCounts.size()][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int c = 0; c < loopCounts.size(); c++) {
                int n = loopCounts.get(c);
                Round r = runRound(n);
                rates[c][round] = r.packetsPerSecond;
                perCpu[c][round] = r.packetsPerCpuSecond;
                System.out.printf(Locale.ROOT, "round %d loops=%d %,12.0f pkt/s (per loop %s) loop CPU %s"
                                + " -> %,.0f pkt per loop CPU-second, load %s%n",
                        round + 1, n, r.packetsPerSecond, r.perLoop, r.cpu, r.packetsPerCpuSecond, loadAverage());
            }
        }
        for (int c = 0; c < loopCounts.size(); c++) {
            double best = max(rates[c]);
            double median = median(rates[c]);
            System.out.printf(Locale.ROOT, "RESULT loops=%d best=%.0f pkt/s median=%.0f pkt/s x%s best=%.2f median=%.2f"
                            + " | per loop CPU-second: median %.0f pkt, x%s %.2f%n",
                    loopCounts.get(c), best, median, loopCounts.get(0), best / max(rates[0]), median / median(rates[0]),
                    median(perCpu[c]), loopCounts.get(0), median(perCpu[c]) / median(perCpu[0]));
        }
        return 0;
    }

    /** packetsPerCpuSecond: datagrams per second of the loops' own CPU (what they would carry on cores of their own). */
    private record Round(double packetsPerSecond, String perLoop, String cpu, double packetsPerCpuSecond) {
    }

    private Round runRound(int n) throws Exception {
        ScalingTopology shape = switch (topology) {
            case "independent" -> ScalingTopology.independent(profile, packetBytes, allocation);
            case "cross-loop" -> ScalingTopology.crossLoop(profile, packetBytes, allocation);
            default -> throw new IllegalArgumentException("unknown topology " + topology);
        };
        int[] split = new int[n];
        for (int i = 0; i < subscribers; i++) {
            split[i % n]++;
        }
        CyclicBarrier ready = new CyclicBarrier(n + 1);
        CyclicBarrier measure = new CyclicBarrier(n + 1);
        CyclicBarrier done = new CyclicBarrier(n + 1);
        long[] packets = new long[n];
        double[] cpu = new double[n];
        Throwable[] failure = new Throwable[1];
        List<ScalingTopology.Loop> loops = shape.build(split);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            Thread thread = new Thread(() -> {
                try {
                    ThreadCpu own = ThreadCpu.current();
                    if (firstCpu >= 0) {
                        own.pinTo(firstCpu + index);
                    }
                    ScalingTopology.Loop loop = loops.get(index);
                    loop.claim();
                    ready.await();
                    long start = measureStart;
                    while (System.nanoTime() < start) {
                        loop.step();
                    }
                    measure.await();
                    double cpuStart = own.seconds();
                    long end = measureEnd;
                    long sent = 0;
                    while (System.nanoTime() < end) {
                        sent += loop.step();
                    }
                    packets[index] = sent;
                    cpu[index] = own.seconds() - cpuStart;
                    done.await();
                } catch (Throwable t) {
                    synchronized (failure) {
                        failure[0] = t;
                    }
                }
            }, "loop-scaling-" + i);
            threads.add(thread);
        }
        measureStart = System.nanoTime() + warmup.toNanos() + 200_000_000L;
        measureEnd = measureStart + duration.toNanos();
        for (Thread thread : threads) {
            thread.start();
        }
        ready.await();
        measure.await();
        long t0 = System.nanoTime();
        done.await();
        double seconds = (System.nanoTime() - t0) / 1e9;
        for (Thread thread : threads) {
            thread.join();
        }
        shape.close();
        if (failure[0] != null) {
            throw new IllegalStateException("a loop failed", failure[0]);
        }
        long sum = 0;
        double cpuSum = 0;
        StringBuilder perLoop = new StringBuilder();
        StringBuilder cpus = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sum += packets[i];
            cpuSum += cpu[i];
            perLoop.append(i == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.0f", packets[i] / seconds));
            cpus.append(i == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.0f%%", 100 * cpu[i] / seconds));
        }
        return new Round(sum / seconds, perLoop.toString(), cpus.toString(), sum / Math.max(1e-9, cpuSum));
    }

    private volatile long measureStart;
    private volatile long measureEnd;

    private static double max(double[] values) {
        double m = 0;
        for (double v : values) {
            m = Math.max(m, v);
        }
        return m;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String loadAverage() {
        try {
            String[] parts = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "?";
        }
    }
}
