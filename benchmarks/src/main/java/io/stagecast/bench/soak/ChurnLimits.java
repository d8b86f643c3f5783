package io.stagecast.bench.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What "back to baseline" means after a churn: the heap after GC, open files and threads may grow
 * by at most the stated amounts (a leak of a few bytes per join over a thousand joins, or one
 * socket or thread per join, exceeds them; fewer than at baseline is fine), transports and
 * participants must be exactly what they were, and at most a share of the joins may fail.
 */
record ChurnLimits(long maxHeapGrowthBytes, int maxFileGrowth, int maxThreadGrowth, double maxFailedJoinShare) {

    List<Verdict> judge(NodeFigures baseline, NodeFigures after, long joins, long failures) {
        List<Verdict> verdicts = new ArrayList<>();
        long heapGrowth = after.heapAfterGcBytes() - baseline.heapAfterGcBytes();
        verdicts.add(new Verdict("heap after GC", megabytes(baseline.heapAfterGcBytes()), megabytes(after.heapAfterGcBytes()),
                "+" + megabytes(maxHeapGrowthBytes), heapGrowth <= maxHeapGrowthBytes));
        verdicts.add(growth("open files", baseline.openFiles(), after.openFiles(), maxFileGrowth));
        verdicts.add(growth("threads", baseline.threads(), after.threads(), maxThreadGrowth));
        verdicts.add(same("transports", baseline.transports(), after.transports()));
        verdicts.add(same("participants", baseline.participants(), after.participants()));
        long attempts = joins + failures;
        double failedShare = attempts == 0 ? 1 : failures / (double) attempts;
        verdicts.add(new Verdict("failed joins", "-", failures + " of " + attempts,
                String.format(Locale.ROOT, "<= %.1f%% (and > 0 joins)", 100 * maxFailedJoinShare),
                joins > 0 && failedShare <= maxFailedJoinShare));
        return verdicts;
    }

    private static Verdict growth(String figure, int baseline, int after, int bound) {
        return new Verdict(figure, String.valueOf(baseline), String.valueOf(after), "+" + bound, after - baseline <= bound);
    }

    private static Verdict same(String figure, int baseline, int after) {
        return new Verdict(figure, String.valueOf(baseline), String.valueOf(after), "= baseline", after == baseline);
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
