package io.stagecast.bench.soak;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Where a soak reads the node's figures. Threads, open files, transports and participants come
 * from the node's /metrics (Micrometer's binders read the same /proc and ThreadMXBean values a
 * tool would). The heap after GC is the live heap: the bytes of all objects a class histogram
 * counts right after the full collection it forces ({@code GC.class_histogram}, through jcmd for
 * another process, through the DiagnosticCommand MBean in this JVM). The occupancy a collector
 * reports is not that: ZGC's "used" after a collection counts whole pages (54 MB where 17 MB are
 * live on an idle node). The smallest of several readings counts, because whatever allocates
 * between the collection and the count (a scrape, a join) only ever adds.
 */
final class NodeProbe {
    private static final long JCMD_TIMEOUT_SECONDS = 30;
    private static final Pattern FAMILY_SUFFIX = Pattern.compile("[-#_ ]?\\d+([-#_ ]\\d+)*$");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI url;
    private final long pid;
    private final Path jcmd;
    private final List<String> poolPrefixes;

    /**
     * @param pid          the node's process id; this JVM's own means the node runs in-process
     * @param jcmd         the jcmd of the node's JDK (for another process)
     * @param poolPrefixes name prefixes of threads left out of the thread figure: pools that are
     *                     bounded by their size and end idle threads later than a run can wait
     */
    NodeProbe(URI url, long pid, Path jcmd, List<String> poolPrefixes) {
        this.url = url;
        this.pid = pid;
        this.jcmd = jcmd;
        this.poolPrefixes = List.copyOf(poolPrefixes);
    }

    boolean inProcess() {
        return pid == ProcessHandle.current().pid();
    }

    MetricsScrape scrape() throws IOException, InterruptedException {
        return MetricsScrape.fetch(http, url);
    }

    /** Threads, open files, transports, participants now, and the live heap of {@code histogram}. */
    NodeFigures figures(ClassHistogram histogram) throws IOException, InterruptedException {
        MetricsScrape metrics = scrape();
        return new NodeFigures(histogram.totalBytes(), (int) metrics.sum(MetricsScrape.OPEN_FILES), countedThreads(metrics),
                (int) metrics.sum(MetricsScrape.TRANSPORTS), (int) metrics.sum(MetricsScrape.PARTICIPANTS));
    }

    /** The node's live threads, less those of the pools left out (a census by name, when there are any). */
    int countedThreads(MetricsScrape metrics) throws IOException, InterruptedException {
        int threads = (int) metrics.sum(MetricsScrape.THREADS);
        if (poolPrefixes.isEmpty()) {
            return threads;
        }
        for (String name : threadNames()) {
            if (poolPrefixes.stream().anyMatch(name::startsWith)) {
                threads--;
            }
        }
        return threads;
    }

    /** Of {@code samples} class histograms (each after a full collection), the one with the smallest live heap. */
    ClassHistogram heapAfterGc(int samples) throws IOException, InterruptedException {
        ClassHistogram smallest = null;
        for (int i = 0; i < Math.max(1, samples); i++) {
            ClassHistogram histogram = ClassHistogram.parse(inProcess() ? ownHistogram() : jcmd("GC.class_histogram"));
            if (smallest == null || histogram.totalBytes() < smallest.totalBytes()) {
                smallest = histogram;
            }
            Thread.sleep(200);
        }
        return smallest;
    }

    private static String ownHistogram() throws IOException {
        try {
            return (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
        } catch (JMException e) {
            throw new IOException("no class histogram from the DiagnosticCommand MBean", e);
        }
    }

    /**
     * Live threads by family (the name without its trailing numbers: "dtls-handshake-3-12" counts
     * as "dtls-handshake"), to tell which pool a thread figure comes from.
     */
    Map<String, Integer> threadFamilies() throws IOException, InterruptedException {
        Map<String, Integer> families = new TreeMap<>();
        for (String name : threadNames()) {
            families.merge(FAMILY_SUFFIX.matcher(name).replaceAll(""), 1, Integer::sum);
        }
        return families;
    }

    private List<String> threadNames() throws IOException, InterruptedException {
        List<String> names = new ArrayList<>();
        if (inProcess()) {
            Thread.getAllStackTraces().keySet().forEach(t -> names.add(t.getName()));
        } else {
            // Thread.print starts each thread's block with its quoted name; VM-internal threads
            // (GC, compiler) carry no "#id" and are not in jvm_threads_live_threads either.
            for (String line : jcmd("Thread.print").split("\n")) {
                int end = line.indexOf('"', 1);
                if (line.startsWith("\"") && end > 0 && line.indexOf(" #", end) == end + 1) {
                    names.add(line.substring(1, end));
                }
            }
        }
        return names;
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        // Output to a file, not a pipe: a jcmd that hangs is then cut off by the timeout, never read forever.
        Path output = Files.createTempFile("soak-jcmd", ".txt");
        try {
            Process process = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), command)
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!process.waitFor(JCMD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("jcmd " + pid + " " + command + " took over " + JCMD_TIMEOUT_SECONDS + " s");
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IOException("jcmd " + pid + " " + command + " failed: " + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
