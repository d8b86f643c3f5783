package io.stagecast.signaling.stage;

import io.stagecast.signaling.stage.StageEvent.*;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.stagecast.signaling.stage.TestRoom.MOD;
import static io.stagecast.signaling.stage.TestRoom.events;
import static org.junit.jupiter.api.Assertions.*;

/** Q&A: asking (bounded, rate-limited, off with the setting), upvotes once, moderators answer, dismiss, pin. */
class QuestionBoardTest {

    private static TestRoom room() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.attendee("a");
        t.attendee("b");
        return t;
    }

    private static String ask(TestRoom t, String who, String text) {
        return events(t.ok(t.room.askQuestion(who, text)), Audience.EVERYONE, QuestionAsked.class).get(0).question().id();
    }

    @Test
    void anAttendeesQuestionGoesToEveryoneAndIntoEverySnapshot() {
        TestRoom t = room();
        List<Delivery> d = t.ok(t.room.askQuestion("a", "  What about latency?  "));
        QuestionView q = events(d, Audience.EVERYONE, QuestionAsked.class).get(0).question();
        assertEquals("a", q.askerId());
        assertEquals("Attendee a", q.askerName());
        assertEquals("What about latency?", q.text(), "stripped");
        assertEquals(t.time.instant(), q.askedAt());
        assertEquals(0, q.upvotes());
        assertNull(q.upvoted(), "an event to everyone carries nobody's vote");
        assertEquals(QuestionView.Status.OPEN, q.status());
        assertEquals(List.of(q.id()), t.room.snapshot("b").questions().stream().map(QuestionView::id).toList());
        assertEquals(Boolean.FALSE, t.room.snapshot("b").questions().get(0).upvoted());
        assertEquals(1, t.room.questions().size(), "the server's list");
    }

    @Test
    void blankAndOverlongQuestionsAreBadRequests() {
        TestRoom t = room();
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.askQuestion("a", "   "));
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.askQuestion("a", null));
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.askQuestion("a", "x".repeat(301)));
        t.ok(t.room.askQuestion("a", "\uD83E\uDD14".repeat(300)));
    }

    @Test
    void theFourthQuestionWithinThirtySecondsIsRateLimitedThenAllowedAgain() {
        TestRoom t = room();
        for (int i = 0; i < 3; i++) {
            t.ok(t.room.askQuestion("a", "q" + i));
        }
        t.refused(RefusalCode.RATE_LIMITED, () -> t.room.askQuestion("a", "one more"));
        t.ok(t.room.askQuestion("b", "someone else may"));
        t.time.advance(Duration.ofSeconds(30));
        t.ok(t.room.askQuestion("a", "later"));
    }

    @Test
    void aFullListRefusesNewQuestionsUntilOneIsDismissed() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST, StageLimits.DEFAULTS.withQa(
                new StageLimits.QaLimits(300, 1000, 2, 10, Duration.ofSeconds(30))));
        t.attendee("a");
        String first = ask(t, "a", "one");
        ask(t, "a", "two");
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.askQuestion("a", "three"));
        t.ok(t.room.dismissQuestion(MOD, first));
        t.ok(t.room.askQuestion("a", "three"));
    }

    @Test
    void offRefusesEveryRequestAndOnAgainKeepsTheList() {
        TestRoom t = room();
        String q = ask(t, "a", "kept?");
        t.ok(t.room.changeSettings(MOD, SettingsChange.NONE.withQaEnabled(false)));
        assertFalse(t.room.settings().qaEnabled());
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.askQuestion("b", "now?"));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.upvoteQuestion("b", q, true));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.answerQuestion(MOD, q, "yes"));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.pinQuestion(MOD, q));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.dismissQuestion(MOD, q));
        t.ok(t.room.changeSettings(MOD, SettingsChange.NONE.withQaEnabled(true)));
        assertEquals(1, t.room.snapshot("b").questions().size());
    }

    @Test
    void othersUpvoteOnceAndMayTakeItBack() {
        TestRoom t = room();
        String q = ask(t, "a", "upvote me");
        List<Delivery> d = t.ok(t.room.upvoteQuestion("b", q, true));
        assertEquals(List.of(new QuestionUpvotes(q, 1)), events(d, Audience.EVERYONE, QuestionUpvotes.class));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.upvoteQuestion("b", q, true));
        assertEquals(Boolean.TRUE, t.room.snapshot("b").questions().get(0).upvoted());
        assertEquals(Boolean.FALSE, t.room.snapshot(MOD).questions().get(0).upvoted());
        t.ok(t.room.upvoteQuestion(MOD, q, true));
        assertEquals(2, t.room.questions().get(0).upvotes());
        d = t.ok(t.room.upvoteQuestion("b", q, false));
        assertEquals(List.of(new QuestionUpvotes(q, 1)), events(d, QuestionUpvotes.class));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.upvoteQuestion("b", q, false));
    }

    @Test
    void nobodyUpvotesTheirOwnQuestion() {
        TestRoom t = room();
        String q = ask(t, "a", "mine");
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.upvoteQuestion("a", q, true));
        t.refused(RefusalCode.NOT_FOUND, () -> t.room.upvoteQuestion("a", "q99", true));
    }

    @Test
    void aModeratorAnswersInTextAndTheQuestionIsAnswered() {
        TestRoom t = room();
        String q = ask(t, "a", "When is the replay?");
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.answerQuestion("b", q, "tomorrow"));
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.answerQuestion(MOD, q, " "));
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.answerQuestion(MOD, q, "x".repeat(1001)));
        List<Delivery> d = t.ok(t.room.answerQuestion(MOD, q, "Tomorrow at noon"));
        QuestionView answered = events(d, Audience.EVERYONE, QuestionChanged.class).get(0).question();
        assertEquals(QuestionView.Status.ANSWERED, answered.status());
        assertEquals("Tomorrow at noon", answered.answer());
        assertEquals(MOD, answered.answeredBy());
        assertEquals(answered.answer(), t.room.snapshot("b").questions().get(0).answer());
    }

    @Test
    void markingAnsweredTogglesAndRepeatingIsInvalidState() {
        TestRoom t = room();
        String q = ask(t, "a", "said on stage");
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.markQuestionAnswered(MOD, q, false));
        t.ok(t.room.markQuestionAnswered(MOD, q, true));
        assertEquals(QuestionView.Status.ANSWERED, t.room.questions().get(0).status());
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.markQuestionAnswered(MOD, q, true));
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.markQuestionAnswered("a", q, false));
        t.ok(t.room.markQuestionAnswered(MOD, q, false));
        assertEquals(QuestionView.Status.OPEN, t.room.questions().get(0).status());
        assertNull(t.room.questions().get(0).answeredBy());
    }

    @Test
    void moderatorsDismissAnyQuestionAskersOnlyTheirOwn() {
        TestRoom t = room();
        String qa = ask(t, "a", "a's");
        String qb = ask(t, "b", "b's");
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.dismissQuestion("a", qb));
        List<Delivery> d = t.ok(t.room.dismissQuestion("a", qa));
        assertEquals(List.of(new QuestionRemoved(qa, "a")), events(d, Audience.EVERYONE, QuestionRemoved.class));
        t.ok(t.room.dismissQuestion(MOD, qb));
        assertEquals(List.of(), t.room.snapshot("a").questions());
        t.refused(RefusalCode.NOT_FOUND, () -> t.room.dismissQuestion(MOD, qb));
    }

    @Test
    void oneQuestionIsPinnedAndDismissingItUnpins() {
        TestRoom t = room();
        String q1 = ask(t, "a", "first");
        String q2 = ask(t, "b", "second");
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.pinQuestion(MOD, null));
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.pinQuestion("a", q1));
        assertEquals(List.of(new QuestionPinned(q1)), events(t.ok(t.room.pinQuestion(MOD, q1)), QuestionPinned.class));
        t.noOp(() -> t.room.pinQuestion(MOD, q1));
        t.ok(t.room.pinQuestion(MOD, q2));
        assertEquals(q2, t.room.snapshot("a").pinnedQuestionId());
        List<Delivery> d = t.ok(t.room.dismissQuestion(MOD, q2));
        assertEquals(List.of(new QuestionPinned(null)), events(d, Audience.EVERYONE, QuestionPinned.class));
        assertNull(t.room.pinnedQuestion());
    }

    @Test
    void blockedFromChatMeansBlockedFromAskingButNotFromUpvoting() {
        TestRoom t = room();
        String q = ask(t, "b", "b asks");
        t.ok(t.room.blockChat(MOD, "a", true));
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.askQuestion("a", "spam"));
        t.ok(t.room.upvoteQuestion("a", q, true));
    }

    @Test
    void theServerAnswersDismissesAndPinsButDoesNotAsk() {
        TestRoom t = room();
        String q = ask(t, "a", "for the organiser");
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.askQuestion(StageRoom.SERVER, "hi"));
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.upvoteQuestion(StageRoom.SERVER, q, true));
        QuestionView answered = events(t.ok(t.room.answerQuestion(StageRoom.SERVER, q, "Yes")), QuestionChanged.class)
                .get(0).question();
        assertEquals(StageRoom.SERVER, answered.answeredBy());
        t.ok(t.room.pinQuestion(StageRoom.SERVER, q));
        t.ok(t.room.dismissQuestion(StageRoom.SERVER, q));
        assertEquals(List.of(), t.room.questions());
    }
}
