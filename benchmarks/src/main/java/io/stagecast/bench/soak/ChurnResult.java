package io.stagecast.bench.soak;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A churn soak's outcome: the figures at baseline (after the warm-up churn and its settle) and
 * after the churn and its settle, the joins, and each figure's verdict.
 *
 * @param settleSeconds how long transports and participants took to come back after the last
 *                      viewer left (the reconnect grace holds a closed WebSocket's participant),
 *                      -1 when they did not within the settle timeout
 * @param threadChanges the thread families (names without their numbers) whose counts differ
 *                      between baseline and after, "[]" when none
 */
record ChurnResult(NodeFigures baseline, NodeFigures after, long joins, long failures, double joinP50Millis,
                   double joinP99Millis, double joinMaxMillis, double churnSeconds, double settleSeconds,
                   String threadChanges, List<Verdict> verdicts) {

    boolean passed() {
        return verdicts.stream().allMatch(Verdict::pass);
    }

    String summary() {
        return String.format(Locale.ROOT, "churn: %d joins (%.2f/s) and %d failed in %.0f s; join to first media p50 %.0f ms"
                        + " p99 %.0f ms max %.0f ms; settled in %.1f s%n  baseline: %s%n  after:    %s%n  thread families changed: %s%n%s%nchurn: %s",
                joins, joins / Math.max(1e-9, churnSeconds), failures, churnSeconds, joinP50Millis, joinP99Millis, joinMaxMillis,
                settleSeconds, baseline.describe(), after.describe(), threadChanges,
                verdicts.stream().map(v -> "  " + v.line()).collect(Collectors.joining("\n")), passed() ? "PASS" : "FAIL");
    }
}
