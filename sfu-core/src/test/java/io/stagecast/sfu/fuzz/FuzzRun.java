package io.stagecast.sfu.fuzz;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One coverage-guided fuzzing run of a target class (a static {@code fuzzerTestOneInput}) with
 * Jazzer's driver (libFuzzer inside the JVM, coverage from instrumenting {@code io.stagecast}
 * classes as they load), in a JVM of its own so that a crash, a hang or a leak of one target
 * cannot take the test JVM or the next target with it. libFuzzer first runs every input of the
 * committed corpus ({@code src/test/resources/fuzz/<Target>/}, read only: the regression part),
 * then mutates for the time given; what it finds new goes to {@code target/fuzz/<Target>/corpus}.
 *
 * <p>Used by the fuzzing tests of both modules (a short run per target in CI) and by
 * {@code scripts/fuzz.sh} (hours, through the {@code stagecast.fuzz.seconds} property).
 */
public final class FuzzRun {
    /** libFuzzer's end line: "#12345 DONE cov: 523 ft: 1201 corp: 45/2104b lim: ... exec/s: 2469 rss: 310Mb". */
    private static final Pattern DONE = Pattern.compile("#(\\d+)\\s+DONE\\s+cov: (\\d+) ft: (\\d+) corp: (\\d+)/");
    private static final Pattern EXECUTIONS = Pattern.compile("stat::number_of_executed_units: (\\d+)");

    /**
     * @param exitCode   0 when nothing was found; libFuzzer's or Jazzer's code of a finding otherwise
     * @param executions inputs run, the corpus included
     * @param coverage   coverage counters hit ("cov")
     * @param corpus     inputs in the corpus at the end
     * @param findings   the crash-, timeout- or oom- files written
     * @param output     the run's output: a finding's report (exception, stack, the input in Base64)
     *                   first, since a CI log keeps only part of a long output; then the last 200 lines
     */
    public record Result(String target, int exitCode, long executions, long coverage, long corpus, List<Path> findings,
                         String output) {
        public String summary() {
            return target + ": " + executions + " executions, coverage " + coverage + ", corpus " + corpus
                    + (findings.isEmpty() ? ", no finding" : ", findings " + findings) + " (exit " + exitCode + ")";
        }
    }

    private FuzzRun() {
    }

    /** How long CI fuzzes each target: {@code -Dstagecast.fuzz.seconds}, 10 s by default: the first seconds go to loading and instrumenting classes. */
    public static Duration defaultTime() {
        return Duration.ofSeconds(Long.getLong("stagecast.fuzz.seconds", 10));
    }

    /**
     * Runs {@code target} for {@link #defaultTime()} and fails unless it ran (more than 100 inputs,
     * coverage measured: instrumentation on) and found nothing; prints its summary line ("fuzz ...").
     */
    public static Result assertFindsNothing(Class<?> target) throws IOException, InterruptedException {
        Result result = run(target, defaultTime());
        System.out.println("fuzz " + result.summary());
        if (!result.findings().isEmpty() || result.exitCode() != 0) {
            throw new AssertionError(result.summary() + "\n" + result.output());
        }
        if (result.executions() <= 100 || result.coverage() <= 0) {
            throw new AssertionError("the target did not run with coverage: " + result.summary() + "\n" + result.output());
        }
        return result;
    }

    /**
     * libFuzzer's report of a finding: from Jazzer's "== Java Exception" (or libFuzzer's "==ERROR",
     * "ALARM" for a hang) to the "Base64:" line of the input, at most 80 lines, and each finding
     * file's bytes in Base64: enough to reproduce a CI failure from its log alone.
     */
    private static String findingReport(List<String> lines, List<Path> found) throws IOException {
        StringBuilder report = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("== Java Exception") || line.startsWith("==") && line.contains("ERROR")
                    || line.contains("ALARM: working on the last Unit")) {
                for (int j = i; j < Math.min(lines.size(), i + 80); j++) {
                    report.append(lines.get(j)).append('\n');
                    if (lines.get(j).startsWith("Base64:")) {
                        break;
                    }
                }
                break;
            }
        }
        for (Path file : found) {
            report.append("finding ").append(file.getFileName()).append(" base64: ")
                    .append(java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(file))).append('\n');
        }
        return report.length() == 0 ? "" : report.append("----- end of the finding; the run's last lines:\n").toString();
    }

    public static Result run(Class<?> target, Duration time) throws IOException, InterruptedException {
        String name = target.getSimpleName();
        Path seeds = Path.of("src", "test", "resources", "fuzz", name).toAbsolutePath();
        Path work = Path.of("target", "fuzz", name).toAbsolutePath();
        Path corpus = work.resolve("corpus");
        Path findings = work.resolve("findings");
        Files.createDirectories(corpus);
        Files.createDirectories(findings);
        try (Stream<Path> old = Files.list(findings)) { // findings of an earlier run are not this run's
            for (Path p : old.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.createDirectories(seeds);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx1g", "-XX:+UseSerialGC",
                "--add-opens", "java.base/com.sun.crypto.provider=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "com.code_intelligence.jazzer.Jazzer",
                "--target_class=" + target.getName(),
                // Ours, and the libraries that parse for us: BouncyCastle's TLS (the DTLS record layer
                // and handshake reassembly), ice4j's STUN codec, Nimbus' JOSE (tokens).
                "--instrumentation_includes=io.stagecast.**:org.bouncycastle.tls.**:org.ice4j.message.**"
                        + ":org.ice4j.attribute.**:com.nimbusds.jose.**:com.nimbusds.jwt.**",
                // Jazzer's hook on Unsafe fails inside Netty's own queues (a null method handle in
                // the sanitizer, not a finding); Netty's use of Unsafe is not what we fuzz.
                "--disabled_hooks=com.code_intelligence.jazzer.sanitizers.UnsafeSanitizer",
                "--reproducer_path=" + findings,
                "-max_total_time=" + Math.max(1, time.toSeconds()),
                "-timeout=10", "-rss_limit_mb=1536", "-print_final_stats=1",
                "-artifact_prefix=" + findings + "/",
                corpus.toString(), seeds.toString()));
        Path log = work.resolve("run.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // A test JVM stopped midway (a timeout, ^C) must not leave the fuzzer running on its own.
        Thread reaper = new Thread(process::destroyForcibly, "fuzz-run-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        // Startup and the corpus come on top of the fuzzing time; a run far past it is hung.
        if (!process.waitFor(time.toSeconds() + 120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        Runtime.getRuntime().removeShutdownHook(reaper);
        String output = Files.readString(log, StandardCharsets.UTF_8);
        long executions = 0;
        long coverage = 0;
        long corpusSize = 0;
        Matcher done = DONE.matcher(output);
        while (done.find()) {
            executions = Long.parseLong(done.group(1));
            coverage = Long.parseLong(done.group(2));
            corpusSize = Long.parseLong(done.group(4));
        }
        Matcher stat = EXECUTIONS.matcher(output);
        while (stat.find()) {
            executions = Math.max(executions, Long.parseLong(stat.group(1)));
        }
        List<Path> found;
        try (Stream<Path> files = Files.list(findings)) {
            found = files.filter(p -> p.getFileName().toString().matches("(crash|timeout|oom|leak|slow-unit)-.*")).toList();
        }
        List<String> lines = output.lines().toList();
        String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 200), lines.size()));
        return new Result(name, process.isAlive() ? -1 : process.exitValue(), executions, coverage, corpusSize, found,
                findingReport(lines, found) + tail);
    }
}
