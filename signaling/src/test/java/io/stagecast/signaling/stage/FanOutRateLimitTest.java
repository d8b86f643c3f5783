package io.stagecast.signaling.stage;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.function.IntFunction;

import static io.stagecast.signaling.stage.TestRoom.MOD;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every request whose events go to the whole room (or its moderators) is rate-limited per
 * participant, like chat and reactions: one client must not make the node send a message to
 * everyone as fast as it can write requests.
 */
class FanOutRateLimitTest {
    private static final int BURST = StageLimits.DEFAULTS.actionBurst();
    private static final Duration WINDOW = StageLimits.DEFAULTS.actionWindow();

    /** {@code action(i)} pushes events each time; the burst passes, one more is refused, the window frees it. */
    private static void limited(TestRoom t, IntFunction<Outcome> action) {
        int i = 0;
        for (; i < BURST; i++) {
            assertTrue(!t.ok(action.apply(i)).isEmpty(), "request " + i + " should push events");
        }
        final int next = i;
        Outcome.Refused refused = t.refused(RefusalCode.RATE_LIMITED, () -> action.apply(next));
        assertTrue(refused.message().contains(BURST + " requests per " + WINDOW.toSeconds() + " s"), refused.message());
        t.time.advance(WINDOW);
        t.ok(action.apply(next));
    }

    @Test
    void raisingAndLoweringAHand() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.attendee("a");
        limited(t, i -> i % 2 == 0 ? t.room.raiseHand("a") : t.room.lowerHand("a", "a"));
    }

    @Test
    void askingForTheStageAndCancelling() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.attendee("a");
        limited(t, i -> i % 2 == 0 ? t.room.requestStage("a") : t.room.cancelStageRequest("a"));
    }

    @Test
    void microphoneAndCameraToggles() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.attendeeOnStage("a");
        t.time.advance(WINDOW); // accepting the invitation was one request of the budget
        limited(t, i -> (i / 2) % 2 == 0 ? t.room.setMicrophone("a", i % 2 == 0) : t.room.setCamera("a", i % 2 == 0));
    }

    @Test
    void likingAndUnliking() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.attendee("a");
        t.ok(t.room.sendChat(MOD, "hello", null));
        String id = t.room.snapshot("a").chat().get(0).id();
        limited(t, i -> t.room.likeChat("a", id, i % 2 == 0));
    }

    @Test
    void moderatorsToo() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.attendee("a");
        limited(t, i -> t.room.blockChat(MOD, "a", i % 2 == 0));
    }

    @Test
    void noOpsAndRefusalsDoNotCount() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.attendee("a");
        t.ok(t.room.raiseHand("a"));
        for (int i = 0; i < 3 * BURST; i++) {
            t.noOp(() -> t.room.raiseHand("a"));
            t.refused(RefusalCode.INVALID_STATE, () -> t.room.cancelStageRequest("a"));
        }
        t.ok(t.room.lowerHand("a", "a"));
    }

    @Test
    void eachParticipantHasItsOwnBudget() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.attendee("a");
        t.attendee("b");
        for (int i = 0; i < BURST; i++) {
            t.ok(i % 2 == 0 ? t.room.raiseHand("a") : t.room.lowerHand("a", "a"));
        }
        t.refused(RefusalCode.RATE_LIMITED, () -> t.room.raiseHand("a"));
        t.ok(t.room.raiseHand("b"));
    }
}
