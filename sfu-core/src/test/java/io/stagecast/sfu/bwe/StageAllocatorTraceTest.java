package io.stagecast.sfu.bwe;

import org.junit.jupiter.api.Test;

import static io.stagecast.sfu.bwe.AllocationFixtures.AUDIO;
import static io.stagecast.sfu.bwe.AllocationFixtures.HIGH;
import static io.stagecast.sfu.bwe.AllocationFixtures.LOW;
import static io.stagecast.sfu.bwe.AllocationFixtures.MID;
import static io.stagecast.sfu.bwe.AllocationFixtures.MS;
import static io.stagecast.sfu.bwe.AllocationFixtures.audio;
import static io.stagecast.sfu.bwe.AllocationFixtures.simulcast;
import static io.stagecast.sfu.bwe.AllocationFixtures.stage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Budgets over time, one allocation every 100 ms as the owner runs it: hysteresis and stability. */
class StageAllocatorTraceTest {
    private final StageAllocator allocator = new StageAllocator();
    private final TrackDemand voice = audio();
    private final TrackDemand camera = simulcast(TrackPriority.NORMAL);
    private final TrackDemand[] tracks = stage(voice, camera);
    private int changes;
    private int lastLayer = Integer.MIN_VALUE;

    /** Runs every 100 ms from {@code fromMs} (inclusive) to {@code toMs} (exclusive). */
    private void run(long videoBps, long fromMs, long toMs, Expectation expect) {
        for (long ms = fromMs; ms < toMs; ms += 100) {
            allocator.allocate(AUDIO + videoBps, tracks, tracks.length, -1, ms * MS);
            if (lastLayer != Integer.MIN_VALUE && camera.targetLayer != lastLayer) {
                changes++;
            }
            lastLayer = camera.targetLayer;
            if (expect != null) {
                expect.check(ms);
            }
        }
    }

    private interface Expectation {
        void check(long ms);
    }

    private Expectation layer(int expected) {
        return ms -> assertEquals(expected, camera.targetLayer, "at " + ms + " ms");
    }

    @Test
    void downAtOnceUpOnlyAfterTheBudgetHeldForTheHold() {
        run(2_500_000, 0, 3000, layer(2));
        run(700_000, 3000, 5000, layer(1));   // down at the first run that sees the fall
        run(300_000, 5000, 7000, layer(0));
        long[] upAt = {-1};
        run(2_500_000, 7000, 12_000, ms -> {
            if (camera.targetLayer == 2 && upAt[0] < 0) {
                upAt[0] = ms;
            }
            assertEquals(ms < upAt[0] || upAt[0] < 0 ? 0 : 2, camera.targetLayer, "at " + ms + " ms");
        });
        long hold = upAt[0] - 7000;
        System.out.println("allocator trace: up " + hold + " ms after the budget rose (down: 0 ms)");
        assertEquals(BudgetWindow.WINDOW_NANOS / MS, hold, "up once the higher budget lasted the whole window");
        assertEquals(3, changes, "2 -> 1 -> 0 -> 2 with nothing between");
    }

    @Test
    void aStaircaseUpClimbsOneHoldPerStep() {
        run(300_000, 0, 3000, layer(0));
        run(700_000, 3000, 4000, layer(0));
        run(2_500_000, 4000, 4500, layer(0));   // 700k is what the whole window has shown so far
        run(2_500_000, 4500, 5500, layer(1));   // 700k held for 1.5 s: 360p; 2.5M not yet
        run(2_500_000, 5500, 8000, layer(2));   // 2.5M held for 1.5 s from 4.0 s
    }

    @Test
    void theDesiredLayerLeadsUpAndLagsDown() {
        run(2_500_000, 0, 3000, null);
        run(700_000, 3000, 4500, ms -> {
            assertEquals(1, camera.targetLayer);
            assertEquals(2, camera.desiredLayer, "still desired at " + ms + " ms: a short dip does not pause 720p");
        });
        run(700_000, 4500, 7000, ms -> assertEquals(1, camera.desiredLayer, "at " + ms + " ms"));
        run(2_500_000, 7000, 7100, ms -> {
            assertEquals(1, camera.targetLayer);
            assertEquals(2, camera.desiredLayer, "asked for at once, so it flows by the time the hold ends");
        });
    }

    @Test
    void aShortDipGoesDownAndComesBackAfterTheHold() {
        run(2_500_000, 0, 2000, layer(2));
        run(600_000, 2000, 2300, layer(1));
        run(2_500_000, 2300, 3800, layer(1));
        run(2_500_000, 3800, 6000, layer(2));
    }

    @Test
    void noFlappingWithABudgetRightAtTheDownBoundary() {
        run(3_000_000, 0, 2000, layer(2));
        int before = changes;
        for (int k = 0; k < 300; k++) { // 30 s, +-1 % around what 720p costs
            long budget = k % 2 == 0 ? HIGH * 101 / 100 : HIGH * 99 / 100;
            run(budget, 2000 + k * 100L, 2100 + k * 100L, null);
        }
        assertEquals(1, changes - before, "one step down at the first dip, then steady");
        assertEquals(1, camera.targetLayer);
    }

    @Test
    void noFlappingWithABudgetRightAtTheUpBoundaryOrANoisyEstimate() {
        run(1_000_000, 0, 2000, layer(1));
        long upBoundary = HIGH + (long) (BudgetRounds.UP_MARGIN * HIGH); // the cost plus its margin
        for (int k = 0; k < 300; k++) {
            long budget = k % 2 == 0 ? upBoundary * 101 / 100 : upBoundary * 99 / 100;
            run(budget, 2000 + k * 100L, 2100 + k * 100L, layer(1));
        }
        for (int k = 0; k < 300; k++) { // an estimate swinging +-20 % every 100 ms
            long budget = k % 2 == 0 ? 2_160_000 : 1_440_000;
            run(budget, 32_000 + k * 100L, 32_100 + k * 100L, layer(1));
        }
        assertEquals(0, changes);
    }

    @Test
    void aNewDominantSpeakerTakesTheTopLayerAtOnceAtASteadyBudget() {
        TrackDemand a = simulcast(TrackPriority.DOMINANT);
        TrackDemand b = simulcast(TrackPriority.NORMAL);
        TrackDemand c = simulcast(TrackPriority.NORMAL);
        TrackDemand[] room = stage(a, b, c);
        long budget = HIGH + 2 * LOW + 300_000;
        for (long ms = 0; ms < 3000; ms += 100) {
            allocator.allocate(budget, room, 3, -1, ms * MS);
        }
        assertEquals(2, a.targetLayer);
        assertEquals(0, b.targetLayer);
        assertEquals(0, c.targetLayer);

        a.priority = TrackPriority.NORMAL;
        b.priority = TrackPriority.DOMINANT;
        allocator.allocate(budget, room, 3, -1, 3000 * MS);
        assertEquals(2, b.targetLayer, "the budget is proven: no hold for a reshuffle");
        assertEquals(0, a.targetLayer);
        assertEquals(0, c.targetLayer);
        assertTrue(a.allocatedBps + b.allocatedBps + c.allocatedBps <= budget);
    }

    @Test
    void aFallBetweenTwoRunsOfOneBucketIsFollowedAtOnce() {
        run(2_500_000, 0, 2000, layer(2));
        // The owner runs the allocator when the estimate falls, not only on its 100-ms tick.
        allocator.allocate(AUDIO + MID + LOW, tracks, tracks.length, -1, 2_030 * MS);
        assertEquals(1, camera.targetLayer);
        allocator.allocate(AUDIO + LOW, tracks, tracks.length, -1, 2_060 * MS);
        assertEquals(0, camera.targetLayer);
    }
}
