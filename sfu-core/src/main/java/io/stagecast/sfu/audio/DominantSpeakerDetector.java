package io.stagecast.sfu.audio;

/**
 * Who is speaking now, from the RFC 6464 audio levels publishers put in their packets.
 *
 * <p>Volfin and Cohen's dominant speaker identification, as Jitsi uses it: every
 * {@value #DECISION_INTERVAL_MS} ms each speaker's speech activity is scored over an immediate,
 * a medium and a long time scale ({@link SpeakerActivity}, {@link SpeechActivityScore}). A
 * challenger replaces the dominant speaker only when its activity exceeds the incumbent's on all
 * three scales by the thresholds C1, C2, C3 (log-ratios 3, 2 and 0, the paper's and Jitsi's):
 * the incumbent must be quiet right now (immediate), the challenger clearly more active over the
 * last 200 ms (medium) and more active over the last 2 s (long). Of several challengers the one
 * most ahead on the medium scale wins. Beyond the paper, a challenger needs at least
 * {@value #MIN_ACTIVE_BLOCKS} active 200-ms blocks in the long window (600 ms of speech within
 * 2 s): so a cough, a door or a 200-ms burst never switches, even after everyone fell silent.
 *
 * <p>When everyone is silent the last dominant speaker stays (as in Jitsi): the tile that spoke
 * last stays highlighted and favoured until someone else speaks. Removing the dominant speaker
 * hands over at once to whoever spoke most in the last 2 s, or to none (-1) when nobody spoke;
 * the next one to speak long enough then becomes dominant.
 *
 * <p>Speakers are small int ids the owner hands out. Event loop owned; {@link #onAudioLevel}
 * runs per audio packet and allocates nothing, nor does {@link #tick}.
 */
public final class DominantSpeakerDetector {
    static final long DECISION_INTERVAL_MS = 300;
    static final double C1 = 3;
    static final double C2 = 2;
    static final double C3 = 0;
    static final int MIN_ACTIVE_BLOCKS = 3;

    private static final long DECISION_INTERVAL_NANOS = DECISION_INTERVAL_MS * 1_000_000L;
    private static final int MAX_SPEAKERS = 256;
    private final boolean[] present = new boolean[MAX_SPEAKERS];
    private final SpeakerActivity[] activity = new SpeakerActivity[MAX_SPEAKERS];
    private int dominant = -1;
    private boolean decided;
    private long lastDecisionNanos;
    private long latestNanos = Long.MIN_VALUE;

    public void addSpeaker(int id, long nowNanos) {
        if (id >= 0 && id < MAX_SPEAKERS) {
            if (activity[id] == null) {
                activity[id] = new SpeakerActivity(); // once per id: not on the packet path
            } else {
                activity[id].reset();
            }
            present[id] = true;
            seen(nowNanos);
        }
    }

    public void removeSpeaker(int id) {
        if (id >= 0 && id < MAX_SPEAKERS && present[id]) {
            present[id] = false;
            if (dominant == id) {
                dominant = latestNanos == Long.MIN_VALUE ? -1 : mostActive(latestNanos);
            }
        }
    }

    /** @param level RFC 6464: 0 (loudest, 0 dBov) to 127 (silence, -127 dBov) */
    public void onAudioLevel(int id, int level, long nowNanos) {
        if (id >= 0 && id < MAX_SPEAKERS && present[id]) {
            activity[id].onLevel(level, nowNanos);
            seen(nowNanos);
        }
    }

    /**
     * A decision; the owner calls it every tick (20 ms) and it decides at its own interval.
     *
     * @return the dominant speaker's id after it, -1 when there is none
     */
    public int tick(long nowNanos) {
        seen(nowNanos);
        if (decided && nowNanos - lastDecisionNanos < DECISION_INTERVAL_NANOS) {
            return dominant;
        }
        decided = true;
        lastDecisionNanos = nowNanos;
        decide(nowNanos);
        return dominant;
    }

    public int dominant() {
        return dominant;
    }

    private void decide(long nowNanos) {
        evaluateAll(nowNanos);
        double incumbentImmediate = SpeechActivityScore.LOG_MIN_SCORE;
        double incumbentMedium = SpeechActivityScore.LOG_MIN_SCORE;
        double incumbentLong = SpeechActivityScore.LOG_MIN_SCORE;
        if (dominant >= 0) {
            SpeakerActivity d = activity[dominant];
            incumbentImmediate = SpeechActivityScore.IMMEDIATE[d.immediate];
            incumbentMedium = SpeechActivityScore.MEDIUM[d.medium];
            incumbentLong = SpeechActivityScore.LONG[d.longTerm];
        }
        int challenger = -1;
        double challengerLead = C2;
        for (int id = 0; id < MAX_SPEAKERS; id++) {
            if (!present[id] || id == dominant) {
                continue;
            }
            SpeakerActivity c = activity[id];
            if (c.longTerm < MIN_ACTIVE_BLOCKS) {
                continue;
            }
            double immediateLead = SpeechActivityScore.IMMEDIATE[c.immediate] - incumbentImmediate;
            double mediumLead = SpeechActivityScore.MEDIUM[c.medium] - incumbentMedium;
            double longLead = SpeechActivityScore.LONG[c.longTerm] - incumbentLong;
            if (immediateLead > C1 && mediumLead > C2 && longLead > C3 && mediumLead > challengerLead) {
                challenger = id;
                challengerLead = mediumLead;
            }
        }
        if (challenger >= 0) {
            dominant = challenger;
        }
    }

    /** The present speaker with the most long-window activity (then medium, then immediate), -1 if nobody spoke. */
    private int mostActive(long nowNanos) {
        evaluateAll(nowNanos);
        int best = -1;
        for (int id = 0; id < MAX_SPEAKERS; id++) {
            if (!present[id] || activity[id].longTerm == 0) {
                continue;
            }
            if (best < 0 || louder(activity[id], activity[best])) {
                best = id;
            }
        }
        return best;
    }

    private static boolean louder(SpeakerActivity a, SpeakerActivity b) {
        if (a.longTerm != b.longTerm) {
            return a.longTerm > b.longTerm;
        }
        if (a.medium != b.medium) {
            return a.medium > b.medium;
        }
        return a.immediate > b.immediate;
    }

    private void evaluateAll(long nowNanos) {
        // The frame now under way may still get its packet: judge up to the last complete one.
        long lastFrame = Math.floorDiv(nowNanos, SpeakerActivity.FRAME_NANOS) - 1;
        for (int id = 0; id < MAX_SPEAKERS; id++) {
            if (present[id]) {
                activity[id].evaluate(lastFrame);
            }
        }
    }

    private void seen(long nowNanos) {
        if (nowNanos > latestNanos) {
            latestNanos = nowNanos;
        }
    }
}
