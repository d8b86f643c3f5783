package io.stagecast.signaling.stage;

import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A room's durable state, kept and taken over by a new room (another node's, after its origin died). */
class DurableRoomTest {
    private static final List<String> EVERYONE = List.of(TestRoom.MOD, "s1", "a1", "a2", "a3", "a4", "phone");

    /** A room with something of every kind of durable state in it. */
    private static TestRoom busyRoom() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        // Instants to the nanosecond: what people see of times must survive to the digit.
        t.time.advance(Duration.ofNanos(123_456_789));
        t.ok(t.room.join("s1", "Sam Speaker", Role.SPEAKER, false, true));
        t.attendee("a1");
        t.attendee("a2");
        t.attendee("a3");
        t.attendee("a4");
        t.ok(t.room.join("phone", "Pat Phone", Role.ATTENDEE, true, false));
        t.ok(t.room.requestStage("a1"));
        t.ok(t.room.inviteToStage(TestRoom.MOD, "a2"));
        t.ok(t.room.raiseHand("a3"));
        t.ok(t.room.blockChat(TestRoom.MOD, "a4", true));
        t.ok(t.room.forceOff(TestRoom.MOD, "s1", TrackKind.MICROPHONE));
        t.ok(t.room.spotlight(TestRoom.MOD, "s1"));
        t.ok(t.room.sendChat("a1", "hello", null));
        t.ok(t.room.sendChat(TestRoom.MOD, "welcome", "m1"));
        t.ok(t.room.likeChat("a3", "m1", true));
        t.ok(t.room.pinChat(TestRoom.MOD, "m2"));
        t.ok(t.room.createPoll(TestRoom.MOD, "Lunch?", List.of("yes", "no"), Set.of()));
        t.ok(t.room.openPoll(TestRoom.MOD, "p1"));
        t.ok(t.room.answerPoll("a1", "p1", 0));
        t.ok(t.room.answerPoll("a3", "p1", 1));
        t.ok(t.room.createPoll(TestRoom.MOD, "2+2?", List.of("3", "4"), Set.of(1)));
        t.ok(t.room.askQuestion("a2", "When is the break?"));
        t.ok(t.room.upvoteQuestion("a3", "q1", true));
        t.ok(t.room.answerQuestion(TestRoom.MOD, "q1", "At noon"));
        t.ok(t.room.pinQuestion(TestRoom.MOD, "q1"));
        t.ok(t.room.sendBackchannel(TestRoom.MOD, "a1 next?"));
        t.time.advance(Duration.ofSeconds(3));
        return t;
    }

    /** A room on another node: its own clocks, nothing in common with the first but the kept state. */
    private static TestRoom takenOver(DurableRoom kept) {
        TestRoom t = TestRoom.notStarted(AccessMode.OPEN);
        t.time.advance(Duration.ofHours(5));
        t.room.restore(kept);
        return t;
    }

    @Test
    void everyoneComesBackToTheRoomAsTheyLeftIt() {
        TestRoom origin = busyRoom();
        DurableRoom kept = origin.room.durableState();
        TestRoom next = takenOver(kept);

        assertEquals(kept, next.room.durableState(), "what is kept survives a second take-over unchanged");
        for (String id : EVERYONE) {
            assertFalse(next.p(id).connected(), id + " comes back disconnected, until it rejoins");
            next.ok(next.room.reconnect(id));
        }
        for (String id : EVERYONE) {
            assertEquals(origin.room.snapshot(id), next.room.snapshot(id), "what " + id + " sees after the take-over");
        }
        assertEquals(Place.STAGE, next.p("s1").place());
        assertTrue(next.p("s1").microphoneForcedOff());
        assertTrue(next.p("a1").stageRequested());
        assertTrue(next.p("a2").invited());
        assertTrue(next.p("a4").chatBlocked());
    }

    @Test
    void theRoomGoesOnWhereItStopped() {
        TestRoom next = takenOver(busyRoom().room.durableState());
        for (String id : EVERYONE) {
            next.ok(next.room.reconnect(id));
        }
        next.ok(next.room.approveStageRequest(TestRoom.MOD, "a1"));
        next.ok(next.room.acceptInvitation("a1"));
        next.ok(next.room.acceptInvitation("a2"));
        assertEquals(Place.STAGE, next.p("a1").place());
        assertEquals(Place.STAGE, next.p("a2").place());
        // New ids follow the kept ones: a message, poll or question never takes an old one's id.
        List<Delivery> sent = next.ok(next.room.sendChat("a3", "back again", null));
        assertEquals("m3", TestRoom.events(sent, StageEvent.ChatPosted.class).get(0).message().id());
        List<Delivery> poll = next.ok(next.room.createPoll(TestRoom.MOD, "More?", List.of("a", "b"), Set.of()));
        assertEquals("p3", TestRoom.events(poll, StageEvent.PollCreated.class).get(0).poll().id());
        List<Delivery> asked = next.ok(next.room.askQuestion("a3", "And dinner?"));
        assertEquals("q2", TestRoom.events(asked, StageEvent.QuestionAsked.class).get(0).question().id());
        // One answer each still holds.
        next.refused(RefusalCode.INVALID_STATE, () -> next.room.answerPoll("a1", "p1", 1));
        // The hand queue goes on after the kept one.
        next.ok(next.room.raiseHand("phone"));
        assertEquals(List.of("a3", "phone"), next.room.raisedHands());
    }

    @Test
    void whoeverDoesNotComeBackWithinTheGraceIsRemoved() {
        TestRoom next = takenOver(busyRoom().room.durableState());
        next.ok(next.room.reconnect(TestRoom.MOD));
        next.time.advance(StageLimits.DEFAULTS.reconnectGrace().plusSeconds(1));
        next.room.tick();
        assertEquals(List.of(TestRoom.MOD), next.room.participants().stream().map(ParticipantState::id).toList());
        assertEquals(null, next.room.spotlight(), "the spotlight went with s1");
    }

    @Test
    void anInvitationKeepsTheTimeItHadLeft() {
        TestRoom origin = busyRoom();
        long left = origin.room.snapshot("a2").invitationExpiresInMillis();
        TestRoom next = takenOver(origin.room.durableState());
        next.ok(next.room.reconnect("a2"));
        assertEquals(left, next.room.snapshot("a2").invitationExpiresInMillis());
        next.time.advance(Duration.ofMillis(left + 1));
        next.room.tick();
        assertFalse(next.p("a2").invited(), "it expires when it would have on the first node");
    }

    @Test
    void onlyANewRoomTakesAKeptStateOver() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        DurableRoom kept = busyRoom().room.durableState();
        assertThrows(IllegalStateException.class, () -> t.room.restore(kept));
        assertEquals(List.of(TestRoom.MOD), t.room.participants().stream().map(ParticipantState::id).toList());
    }

    @Test
    void anIncompleteKeptRoomIsRefusedAndChangesNothing() {
        DurableRoom kept = busyRoom().room.durableState();
        DurableRoom.Person first = kept.people().get(0);
        DurableRoom.Person noRole = new DurableRoom.Person(first.id(), first.name(), null, false,
                first.standing(), null, false, 0, 0, null, 0, false, false, false);
        java.util.List<DurableRoom.Person> people = new java.util.ArrayList<>(kept.people());
        people.set(0, noRole);
        DurableRoom broken = new DurableRoom(kept.session(), kept.settings(), people, kept.nextHandOrder(),
                kept.spotlightId(), kept.chat(), kept.backchannel(), kept.polls(), kept.nextPollId(), kept.questions(),
                kept.nextQuestionId(), kept.pinnedQuestionId());
        DurableRoom twice = new DurableRoom(kept.session(), kept.settings(), java.util.List.of(first, first),
                0, null, kept.chat(), kept.backchannel(), kept.polls(), 1, kept.questions(), 1, null);
        for (DurableRoom bad : List.of(broken, twice)) {
            TestRoom t = TestRoom.notStarted(AccessMode.OPEN);
            String before = t.room.debugState();
            assertThrows(IllegalArgumentException.class, () -> t.room.restore(bad));
            assertEquals(before, t.room.debugState(), "a refused take-over changed the room");
        }
    }
}
