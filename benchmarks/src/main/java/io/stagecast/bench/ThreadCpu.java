package io.stagecast.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time (user + system) of one thread of this process, from {@code /proc/self/task/<tid>/stat}
 * (proc(5), fields 14 and 15), and pinning that thread to a CPU with taskset(1). Created on the
 * thread itself: /proc/thread-self names its kernel thread id.
 */
final class ThreadCpu {
    private static final double TICKS_PER_SECOND = 100.0;
    private final String tid;
    private final Path stat;

    private ThreadCpu(String tid) {
        this.tid = tid;
        this.stat = Path.of("/proc/self/task", tid, "stat");
    }

    /** The calling thread. */
    static ThreadCpu current() throws IOException {
        Path self = Files.readSymbolicLink(Path.of("/proc/thread-self")); // "<pid>/task/<tid>"
        return new ThreadCpu(self.getFileName().toString());
    }

    /** Runs {@code taskset -p -c cpu tid}; false when that failed (the figures then hold unpinned). */
    boolean pinTo(int cpu) {
        try {
            Process taskset = new ProcessBuilder("taskset", "-p", "-c", Integer.toString(cpu), tid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return taskset.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    double seconds() {
        return userSeconds() + systemSeconds();
    }

    /** utime (field 14). */
    double userSeconds() {
        return field(11);
    }

    /** stime (field 15): the kernel's time in this thread's system calls. */
    double systemSeconds() {
        return field(12);
    }

    private double field(int afterState) {
        try {
            String line = Files.readString(stat);
            String[] fields = line.substring(line.lastIndexOf(')') + 2).trim().split(" ");
            return Long.parseLong(fields[afterState]) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
