package io.stagecast.signaling.stage;

import io.stagecast.signaling.stage.StageEvent.*;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static io.stagecast.signaling.stage.TestRoom.MOD;
import static io.stagecast.signaling.stage.TestRoom.events;
import static org.junit.jupiter.api.Assertions.*;

class PollTest {
    private static final List<String> OPTIONS = List.of("Red", "Green", "Blue");

    private static TestRoom room() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.attendee("a");
        t.attendee("b");
        return t;
    }

    private static String create(TestRoom t, Set<Integer> correct) {
        List<Delivery> d = t.ok(t.room.createPoll(MOD, "Favourite colour?", OPTIONS, correct));
        return events(d, Audience.MODERATORS, PollCreated.class).get(0).poll().id();
    }

    @Test
    void createdPollIsADraftSeenOnlyByModerators() {
        TestRoom t = room();
        List<Delivery> d = t.ok(t.room.createPoll(MOD, "Favourite colour?", OPTIONS, Set.of()));
        PollView poll = events(d, Audience.MODERATORS, PollCreated.class).get(0).poll();
        assertEquals(PollView.Status.DRAFT, poll.status());
        assertFalse(poll.quiz());
        assertEquals(1, d.size());
        assertEquals(List.of(), t.room.snapshot("a").polls());
        assertEquals(1, t.room.snapshot(MOD).polls().size());
    }

    @Test
    void attendeeCannotCreateOpenOrClosePolls() {
        TestRoom t = room();
        String id = create(t, Set.of());
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.createPoll("a", "Q?", OPTIONS, Set.of()));
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.openPoll("a", id));
        t.ok(t.room.openPoll(MOD, id));
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.closePoll("a", id));
    }

    @Test
    void malformedPollsAreBadRequest() {
        TestRoom t = room();
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.createPoll(MOD, " ", OPTIONS, Set.of()));
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.createPoll(MOD, "Q?", List.of("only one"), Set.of()));
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.createPoll(MOD, "Q?", List.of("a", ""), Set.of()));
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.createPoll(MOD, "Q?", null, Set.of()));
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.createPoll(MOD, "Q?", List.of("1", "2", "3", "4", "5", "6", "7",
                "8", "9", "10", "11"), Set.of()));
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.createPoll(MOD, "x".repeat(301), OPTIONS, Set.of()));
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.createPoll(MOD, "Q?", OPTIONS, Set.of(3)));
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.createPoll(MOD, "Q?", OPTIONS, Set.of(-1)));
    }

    @Test
    void openedPollGoesToEveryoneWithoutCountsOrAnswers() {
        TestRoom t = room();
        String id = create(t, Set.of(2));
        List<Delivery> d = t.ok(t.room.openPoll(MOD, id));
        PollView opened = events(d, Audience.EVERYONE, PollOpened.class).get(0).poll();
        assertEquals(PollView.Status.OPEN, opened.status());
        assertTrue(opened.quiz());
        assertNull(opened.counts());
        assertNull(opened.correctOptions(), "the correct answer stays secret until closed");
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.openPoll(MOD, id));
    }

    @Test
    void eachParticipantAnswersOnce() {
        TestRoom t = room();
        String id = create(t, Set.of());
        t.ok(t.room.openPoll(MOD, id));
        List<Delivery> d = t.ok(t.room.answerPoll("a", id, 1));
        assertEquals(List.of(new Delivery(Audience.MODERATORS, new PollTally(id, List.of(0, 1, 0), 1))), d);
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.answerPoll("a", id, 2));
        assertEquals(1, t.room.snapshot("a").polls().get(0).yourAnswer());
        assertNull(t.room.snapshot("b").polls().get(0).yourAnswer());
    }

    @Test
    void answeringDraftIsNotFoundForAttendeesAndClosedIsInvalidState() {
        TestRoom t = room();
        String id = create(t, Set.of());
        t.refused(RefusalCode.NOT_FOUND, () -> t.room.answerPoll("a", id, 0));
        t.ok(t.room.openPoll(MOD, id));
        t.ok(t.room.closePoll(MOD, id));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.answerPoll("a", id, 0));
    }

    @Test
    void answerWithBadOptionIsBadRequest() {
        TestRoom t = room();
        String id = create(t, Set.of());
        t.ok(t.room.openPoll(MOD, id));
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.answerPoll("a", id, 3));
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.answerPoll("a", id, -1));
    }

    @Test
    void unknownPollIsNotFound() {
        TestRoom t = room();
        t.refused(RefusalCode.NOT_FOUND, () -> t.room.answerPoll("a", "p9", 0));
        t.refused(RefusalCode.NOT_FOUND, () -> t.room.openPoll(MOD, "p9"));
        t.refused(RefusalCode.NOT_FOUND, () -> t.room.closePoll(MOD, null));
    }

    @Test
    void closingPushesResultsToEveryone() {
        TestRoom t = room();
        String id = create(t, Set.of());
        t.ok(t.room.openPoll(MOD, id));
        t.ok(t.room.answerPoll("a", id, 0));
        t.ok(t.room.answerPoll("b", id, 0));
        t.ok(t.room.answerPoll(MOD, id, 2));
        List<Delivery> d = t.ok(t.room.closePoll(MOD, id));
        PollView closed = events(d, Audience.EVERYONE, PollClosed.class).get(0).poll();
        assertEquals(List.of(2, 0, 1), closed.counts());
        assertTrue(events(d, QuizResult.class).isEmpty(), "a poll is not a quiz");
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.closePoll(MOD, id));
    }

    @Test
    void closingDraftIsInvalidState() {
        TestRoom t = room();
        String id = create(t, Set.of());
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.closePoll(MOD, id));
    }

    @Test
    void quizShowsEachParticipantTheirOwnResult() {
        TestRoom t = room();
        String id = create(t, Set.of(1, 2));
        t.ok(t.room.openPoll(MOD, id));
        t.ok(t.room.answerPoll("a", id, 2));
        t.ok(t.room.answerPoll("b", id, 0));
        List<Delivery> d = t.ok(t.room.closePoll(MOD, id));
        assertTrue(d.contains(new Delivery(Audience.only("a"), new QuizResult(id, 2, true, Set.of(1, 2)))));
        assertTrue(d.contains(new Delivery(Audience.only("b"), new QuizResult(id, 0, false, Set.of(1, 2)))));
        PollView closed = events(d, Audience.EVERYONE, PollClosed.class).get(0).poll();
        assertEquals(Set.of(1, 2), closed.correctOptions());
    }

    @Test
    void pollsOffRefusesCreatingOpeningAndAnswering() {
        TestRoom t = room();
        String id = create(t, Set.of());
        String open = create(t, Set.of());
        t.ok(t.room.openPoll(MOD, open));
        t.ok(t.room.changeSettings(MOD, SettingsChange.NONE.withPollsEnabled(false)));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.createPoll(MOD, "Q?", OPTIONS, Set.of()));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.openPoll(MOD, id));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.answerPoll("a", open, 0));
        t.ok(t.room.closePoll(MOD, open));
    }

    @Test
    void aRoomKeepsAtMostMaxPollsAndNamesTheCapWhenRefusing() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST, StageLimits.DEFAULTS.withMaxPolls(2));
        create(t, Set.of());
        create(t, Set.of());
        Outcome.Refused refused = t.refused(RefusalCode.INVALID_STATE,
                () -> t.room.createPoll(MOD, "One more?", OPTIONS, Set.of()));
        assertEquals("polls", refused.cap());
        assertEquals(2, t.room.snapshot(MOD).polls().size(), "the refusal made no poll");
        assertNull(t.refused(RefusalCode.NOT_FOUND, () -> t.room.createPoll("nobody", "Q?", OPTIONS, Set.of())).cap(),
                "a refusal that is no cap names none");
    }

    @Test
    void aFullRoomRefusesAnyoneButAFewModerators() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST, StageLimits.DEFAULTS.withMaxParticipants(2));
        t.attendee("a");
        Outcome.Refused full = t.refused(RefusalCode.ROOM_FULL,
                () -> t.room.join("b", "B", io.stagecast.signaling.token.Role.ATTENDEE, false, false));
        assertEquals("participants", full.cap());
        for (int i = 0; i < StageLimits.MODERATOR_HEADROOM; i++) {
            t.moderator("m" + i);
        }
        t.refused(RefusalCode.ROOM_FULL,
                () -> t.room.join("m-over", "M", io.stagecast.signaling.token.Role.MODERATOR, false, false));
        t.ok(t.room.disconnect("a"));
        t.ok(t.room.reconnect("a"));
    }
}
