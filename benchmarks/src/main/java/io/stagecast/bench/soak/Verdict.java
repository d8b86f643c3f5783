package io.stagecast.bench.soak;

import java.util.Locale;

/**
 * One figure of a soak or fault run against its bound.
 *
 * @param before the figure at baseline (or in the window without the fault), "-" when none
 * @param after  the figure after the run (or in the window with the fault)
 */
record Verdict(String figure, String before, String after, String bound, boolean pass) {

    String line() {
        return String.format(Locale.ROOT, "%-4s %-26s before %12s  after %14s  bound %s", pass ? "PASS" : "FAIL",
                figure, before, after, bound);
    }
}
