package io.stagecast.sfu.audio;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dominant speaker traces: publishers send one RFC 6464 level per 20-ms Opus packet, the owner
 * ticks every 20 ms. Speech is syllabic (200 ms voiced around -30 dBov, 60 ms near -85 dBov),
 * silence is level 127 or a room's background noise, or no packets at all (DTX).
 */
class DominantSpeakerDetectorTest {
    private static final long MS = 1_000_000L;
    private static final int NO_PACKET = -1;

    /** RFC 6464 level of one speaker at a time (ms), {@link #NO_PACKET} for none. */
    private interface Voice {
        int levelAt(long ms);
    }

    private static final Voice SILENT = ms -> 127;
    private static final Voice ABSENT = ms -> NO_PACKET;
    /** A fan near the microphone: -55..-65 dBov, never speech. */
    private static final Voice NOISY_ROOM = ms -> 55 + (int) ((ms * 7919) % 11);

    private static Voice speaking(long fromMs, long toMs) {
        return ms -> {
            if (ms < fromMs || ms >= toMs) {
                return 127;
            }
            long inSyllable = (ms - fromMs) % 260;
            return inSyllable < 200 ? 22 + (int) ((ms / 20 * 31) % 17) : 85;
        };
    }

    private static Voice then(Voice first, long switchMs, Voice second) {
        return ms -> ms < switchMs ? first.levelAt(ms) : second.levelAt(ms);
    }

    private DominantSpeakerDetector detector = new DominantSpeakerDetector();
    private Voice[] voices;
    private long clockMs;

    private void room(Voice... speakers) {
        detector = new DominantSpeakerDetector();
        clockMs = 0;
        voices = speakers;
        for (int id = 0; id < speakers.length; id++) {
            detector.addSpeaker(id, 0);
        }
    }

    /** Runs 20-ms packets and ticks up to {@code toMs}; returns the first time {@code id} was dominant, -1 never. */
    private long runUntil(long toMs, int watchedId) {
        long firstDominant = -1;
        for (; clockMs < toMs; clockMs += 20) {
            for (int id = 0; id < voices.length; id++) {
                if (voices[id] == null) {
                    continue;
                }
                int level = voices[id].levelAt(clockMs);
                if (level != NO_PACKET) {
                    detector.onAudioLevel(id, level, clockMs * MS);
                }
            }
            int dominant = detector.tick(clockMs * MS);
            if (dominant == watchedId && firstDominant < 0) {
                firstDominant = clockMs;
            }
        }
        return firstDominant;
    }

    @Test
    void oneSpeakerAmongThreeSilentIsDominantWithinTwoSeconds() {
        long worst = 0;
        long best = Long.MAX_VALUE;
        for (long start = 1000; start < 1300; start += 20) { // every phase against the decisions
            room(SILENT, NOISY_ROOM, speaking(start, 10_000), ABSENT);
            assertEquals(-1, runUntil(start, 2), "nobody spoke yet");
            assertEquals(-1, detector.dominant(), "noise is not speech");
            long at = runUntil(10_000, 2);
            long latency = at - start;
            assertTrue(at >= 0 && latency <= 2000, "latency " + latency + " ms");
            assertEquals(2, detector.dominant(), "and it stays");
            worst = Math.max(worst, latency);
            best = Math.min(best, latency);
        }
        System.out.println("dominant speaker: detected " + best + ".." + worst + " ms after speech started");
    }

    @Test
    void aLoudSteadyBackgroundIsNotSpeechButSpeechOverItIs() {
        Voice fan = ms -> 42 + (int) ((ms * 7919) % 7); // -42..-48 dBov, every frame
        Voice speechOverFan = ms -> ms >= 20_000 ? Math.min(fan.levelAt(ms), speaking(20_000, 30_000).levelAt(ms)) : fan.levelAt(ms);
        room(SILENT, speechOverFan, SILENT);
        assertEquals(-1, runUntil(20_000, 1), "20 s of fan noise");
        long at = runUntil(30_000, 1);
        assertTrue(at >= 20_000 && at - 20_000 <= 2000, "speech over the fan detected at " + at + " ms");
    }

    @Test
    void aShortBurstFromAnotherDoesNotSwitch() {
        // Every phase of the burst against the 300-ms decisions.
        for (long start = 3000; start < 3300; start += 20) {
            Voice burst = then(SILENT, start, then(ms -> 10, start + 200, SILENT)); // 200 ms at -10 dBov
            room(speaking(0, 10_000), burst, SILENT);
            runUntil(2500, 0);
            assertEquals(0, detector.dominant());
            assertEquals(-1, runUntil(6000, 1), "a cough over the speaker does not switch (at " + start + " ms)");
            assertEquals(0, detector.dominant());
        }
    }

    @Test
    void aShortBurstAfterEveryoneFellSilentDoesNotSwitchEither() {
        for (long start = 5000; start < 5300; start += 20) {
            Voice burst = then(SILENT, start, then(ms -> 10, start + 200, SILENT));
            room(speaking(0, 2000), burst, SILENT);
            runUntil(5000, 0);
            assertEquals(0, detector.dominant(), "the last speaker stays dominant through silence");
            assertEquals(-1, runUntil(9000, 1), "a cough in the silence does not switch (at " + start + " ms)");
        }
        // Silence of everyone keeps the last dominant speaker, however long.
        runUntil(70_000, 0);
        assertEquals(0, detector.dominant());
    }

    @Test
    void aSecondSpeakerWhoTalksWhileTheFirstStopsTakesOver() {
        long worst = 0;
        long best = Long.MAX_VALUE;
        for (long stop = 4000; stop < 4300; stop += 20) {
            room(speaking(0, stop), speaking(stop, stop + 3000), SILENT);
            runUntil(stop, 0);
            assertEquals(0, detector.dominant());
            long at = runUntil(stop + 3000, 1);
            long latency = at - stop;
            assertTrue(at >= 0 && latency < 3000, "latency " + latency + " ms");
            assertEquals(1, detector.dominant());
            worst = Math.max(worst, latency);
            best = Math.min(best, latency);
        }
        System.out.println("dominant speaker: takeover " + best + ".." + worst + " ms after the second speaker started");
    }

    @Test
    void aSpeakerWhosePacketsStopIsSilentAndLosesToTheNextOne() {
        Voice dtx = then(speaking(0, 3000), 3000, ABSENT); // DTX / muted: no more packets
        room(dtx, speaking(3000, 6000));
        runUntil(3000, 0);
        assertEquals(0, detector.dominant());
        long at = runUntil(6000, 1);
        assertTrue(at > 3000 && at - 3000 < 3000, "took over at " + at + " ms");
    }

    @Test
    void aTalkerInterruptedBrieflyKeepsTheFloor() {
        // Speaker 1 says a word (400 ms) while speaker 0 pauses between sentences.
        Voice pausing = ms -> ms >= 3000 && ms < 3500 ? 127 : speaking(0, 10_000).levelAt(ms);
        room(pausing, then(SILENT, 3000, then(speaking(3000, 3400), 3400, SILENT)));
        assertEquals(-1, runUntil(8000, 1));
        assertEquals(0, detector.dominant());
    }

    @Test
    void removingTheDominantSpeakerHandsOverToWhoeverSpokeMost() {
        // 0 dominates; 1 talks over them (not enough to take over) and 2 is silent.
        room(speaking(0, 10_000), speaking(1000, 10_000), SILENT);
        runUntil(3000, -1);
        assertEquals(0, detector.dominant());
        detector.removeSpeaker(0);
        assertEquals(1, detector.dominant(), "at once, not at the next decision");
        voices[0] = null;
        runUntil(4000, -1);
        assertEquals(1, detector.dominant());

        detector.removeSpeaker(1);
        voices[1] = null;
        assertEquals(-1, detector.dominant(), "nobody else spoke in the last 2 s");
        assertEquals(-1, detector.tick(4020 * MS));
    }

    @Test
    void aSpeakerAddedAgainStartsFresh() {
        room(speaking(0, 3000), SILENT);
        runUntil(3000, 0);
        assertEquals(0, detector.dominant());
        detector.removeSpeaker(0);
        assertEquals(-1, detector.dominant());
        detector.addSpeaker(0, 3000 * MS);
        voices[0] = SILENT;
        runUntil(6000, -1);
        assertEquals(-1, detector.dominant());
    }

    @Test
    void levelsAndTicksAllocateNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        room(speaking(0, Long.MAX_VALUE), SILENT, NOISY_ROOM, speaking(30_000, Long.MAX_VALUE));
        runUntil(200_000, -1); // warm up
        long before = threads.getCurrentThreadAllocatedBytes();
        runUntil(400_000, -1);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 1024, allocated + " B for 40000 levels and 10000 ticks");
    }
}
