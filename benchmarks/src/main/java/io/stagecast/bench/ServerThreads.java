package io.stagecast.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CPU (user and kernel) of another process's threads, grouped by thread name with trailing
 * digits dropped ({@code media-loop-1} and {@code media-loop-2} are one group), from
 * {@code /proc/<pid>/task/<tid>/stat} (proc(5): comm, utime, stime). Tells where a node's CPU
 * per packet goes: the media loops, the GC, the JIT, or the rest.
 */
final class ServerThreads {
    private static final double TICKS_PER_SECOND = 100.0;
    private final Path tasks;

    ServerThreads(long pid) {
        this.tasks = Path.of("/proc", Long.toString(pid), "task");
    }

    /**
     * Ticks so far per group: {user, system, nanoseconds waited on a run queue}; empty once the
     * process is gone. The wait (schedstat(5) field 2) is the time a thread was ready but another
     * process had its CPU: on this shared machine it tells a starved node from a slow one.
     */
    Map<String, long[]> snapshot() {
        Map<String, long[]> groups = new HashMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
            for (Path task : dir) {
                String line;
                try {
                    line = Files.readString(task.resolve("stat"));
                } catch (IOException e) {
                    continue; // the thread ended meanwhile
                }
                String name = line.substring(line.indexOf('(') + 1, line.lastIndexOf(')'));
                String[] fields = line.substring(line.lastIndexOf(')') + 2).trim().split(" ");
                long[] sum = groups.computeIfAbsent(group(name), k -> new long[3]);
                sum[0] += Long.parseLong(fields[11]);
                sum[1] += Long.parseLong(fields[12]);
                try {
                    sum[2] += Long.parseLong(Files.readString(task.resolve("schedstat")).trim().split(" ")[1]);
                } catch (IOException | RuntimeException e) {
                    // schedstat needs CONFIG_SCHED_INFO; without it the wait reads 0
                }
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return groups;
    }

    /** JVM thread names: "C2 CompilerThre" (comm is cut at 15 characters), "GC Thread#0", "media-loop-3-1". */
    static String group(String name) {
        String trimmed = name.replaceAll("[-#_ ]*[0-9]+([-#_ ]*[0-9]+)*$", "");
        return trimmed.isEmpty() ? name : trimmed;
    }

    /**
     * One line per group that used CPU between {@code from} and {@code to}, largest first: CPU
     * microseconds per delivered packet, user / kernel, share of a core and run-queue wait over
     * the {@code seconds} of the window.
     */
    static String report(Map<String, long[]> from, Map<String, long[]> to, long delivered, double seconds) {
        List<Map.Entry<String, long[]>> used = new ArrayList<>();
        for (Map.Entry<String, long[]> e : to.entrySet()) {
            long[] before = from.getOrDefault(e.getKey(), new long[3]);
            long[] diff = {e.getValue()[0] - before[0], e.getValue()[1] - before[1], e.getValue()[2] - before[2]};
            if (diff[0] + diff[1] > 0) {
                used.add(Map.entry(e.getKey(), diff));
            }
        }
        used.sort((a, b) -> Long.compare(b.getValue()[0] + b.getValue()[1], a.getValue()[0] + a.getValue()[1]));
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, long[]> e : used) {
            double user = micros(e.getValue()[0], delivered);
            double kernel = micros(e.getValue()[1], delivered);
            out.append(String.format(Locale.ROOT, "load: server threads %-16s %6.2f us/pkt (user %5.2f, kernel %5.2f),"
                            + " %5.1f%% of a core, waited for a CPU %5.1f%% of the time%n",
                    "'" + e.getKey() + "'", user + kernel, user, kernel,
                    100 * (e.getValue()[0] + e.getValue()[1]) / TICKS_PER_SECOND / seconds, 100 * e.getValue()[2] / 1e9 / seconds));
        }
        return out.toString();
    }

    private static double micros(long ticks, long delivered) {
        return ticks / TICKS_PER_SECOND / Math.max(1, delivered) * 1e6;
    }
}
