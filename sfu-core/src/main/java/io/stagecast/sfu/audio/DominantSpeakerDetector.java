package io.stagecast.sfu.audio;

/**
 * Who is speaking now, from the RFC 6464 audio levels publishers put in their packets.
 *
 * <p>CONTRACT STUB (issue 9): the signatures are what the router calls; the detection (speech
 * activity over short, medium and long windows, Volfin and Cohen) comes with the speaker work.
 * Until then: the loudest speaker of the last decision interval.
 *
 * <p>Speakers are small int ids the owner hands out. Event loop owned; {@link #onAudioLevel}
 * runs per audio packet and allocates nothing.
 */
public final class DominantSpeakerDetector {
    private static final int MAX_SPEAKERS = 256;
    private final boolean[] present = new boolean[MAX_SPEAKERS];
    private final int[] loudest = new int[MAX_SPEAKERS];
    private int dominant = -1;

    public void addSpeaker(int id, long nowNanos) {
        if (id >= 0 && id < MAX_SPEAKERS) {
            present[id] = true;
            loudest[id] = 127;
        }
    }

    public void removeSpeaker(int id) {
        if (id >= 0 && id < MAX_SPEAKERS) {
            present[id] = false;
            if (dominant == id) {
                dominant = -1;
            }
        }
    }

    /** @param level RFC 6464: 0 (loudest, 0 dBov) to 127 (silence, -127 dBov) */
    public void onAudioLevel(int id, int level, long nowNanos) {
        if (id >= 0 && id < MAX_SPEAKERS && present[id] && level < loudest[id]) {
            loudest[id] = level;
        }
    }

    /**
     * A decision; the owner calls it every tick (20 ms) and it decides at its own interval.
     *
     * @return the dominant speaker's id after it, -1 when there is none
     */
    public int tick(long nowNanos) {
        int best = -1;
        for (int id = 0; id < MAX_SPEAKERS; id++) {
            if (present[id] && loudest[id] < 127 && (best < 0 || loudest[id] < loudest[best])) {
                best = id;
            }
            loudest[id] = 127;
        }
        if (best >= 0) {
            dominant = best;
        }
        return dominant;
    }

    public int dominant() {
        return dominant;
    }
}
