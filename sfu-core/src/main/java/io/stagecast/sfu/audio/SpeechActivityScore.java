package io.stagecast.sfu.audio;

/**
 * Volfin and Cohen's speech activity score for one time scale, as a table of its logarithm by
 * the number k of active sub-units out of n: the log-likelihood ratio of "speech" (a binomial
 * of k in n with p = 0.5) to "no speech" (an exponential of k with rate lambda),
 * {@code ln C(n,k) + k ln p + (n-k) ln(1-p) - ln lambda + lambda k}, floored at
 * {@link #MIN_SCORE} (the paper compares scores by their ratio, so they must stay positive).
 * A run compares speakers by table differences: no logarithm at decision time.
 *
 * <p>Rates (lambda) of the paper: 0.78 immediate, 24 medium, 47 long. With them one active unit
 * already scores far above silence, and the score grows with k, so the thresholds of the
 * decision (C1..C3) say how much more active a challenger must be.
 */
final class SpeechActivityScore {
    static final double MIN_SCORE = 1e-10;
    static final double LOG_MIN_SCORE = Math.log(MIN_SCORE);
    static final double P = 0.5;

    static final double[] IMMEDIATE = table(SpeakerActivity.SUB_BANDS, 0.78);
    static final double[] MEDIUM = table(SpeakerActivity.MEDIUM_FRAMES, 24);
    static final double[] LONG = table(SpeakerActivity.LONG_BLOCKS, 47);

    private SpeechActivityScore() {
    }

    static double[] table(int n, double lambda) {
        double[] logScore = new double[n + 1];
        for (int k = 0; k <= n; k++) {
            double score = logBinomial(n, k) + k * Math.log(P) + (n - k) * Math.log(1 - P) - Math.log(lambda) + lambda * k;
            logScore[k] = Math.log(Math.max(MIN_SCORE, score));
        }
        return logScore;
    }

    private static double logBinomial(int n, int k) {
        double r = 0;
        for (int i = 1; i <= k; i++) {
            r += Math.log(n - k + i) - Math.log(i);
        }
        return r;
    }
}
