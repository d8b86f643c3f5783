package io.stagecast.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time (user + system) another process has used, from {@code /proc/<pid>/stat} (proc(5):
 * fields 14 and 15, in clock ticks), so the load generator's own CPU is never counted.
 */
final class ProcessCpu {
    /** USER_HZ: 100 on every Linux architecture the JDK runs on (sysconf(_SC_CLK_TCK)). */
    private static final double TICKS_PER_SECOND = 100.0;
    private final Path stat;

    ProcessCpu(long pid) {
        this.stat = Path.of("/proc", Long.toString(pid), "stat");
        if (!Files.isReadable(stat)) {
            throw new IllegalArgumentException("cannot read " + stat + ": is " + pid + " a running process here?");
        }
    }

    /** Seconds of CPU so far, or NaN once the process is gone. */
    double seconds() {
        return userSeconds() + systemSeconds();
    }

    /** Seconds in user mode so far (utime), NaN once the process is gone. */
    double userSeconds() {
        return field(11);
    }

    /** Seconds in the kernel so far (stime): system calls, and on loopback the receivers' UDP delivery. */
    double systemSeconds() {
        return field(12);
    }

    private double field(int index) {
        try {
            String line = Files.readString(stat);
            // The command name (field 2) may contain spaces and parentheses: fields start after the last ')'.
            String[] fields = line.substring(line.lastIndexOf(')') + 2).trim().split(" ");
            return Long.parseLong(fields[index]) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
