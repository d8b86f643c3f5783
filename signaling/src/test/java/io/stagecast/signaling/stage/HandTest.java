package io.stagecast.signaling.stage;

import io.stagecast.signaling.stage.StageEvent.*;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.stagecast.signaling.stage.TestRoom.MOD;
import static org.junit.jupiter.api.Assertions.*;

class HandTest {

    @Test
    void raisedHandsQueueInOrderOfRaising() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.attendee("a");
        t.attendee("b");
        t.attendee("c");
        t.ok(t.room.raiseHand("b"));
        t.time.advance(Duration.ofSeconds(1));
        Instant whenC = t.time.instant();
        t.ok(t.room.raiseHand("c"));
        t.ok(t.room.raiseHand("a"));
        assertEquals(List.of("b", "c", "a"), t.room.raisedHands());
        assertEquals(List.of("b", "c", "a"), t.room.snapshot(MOD).raisedHands());
        assertEquals(whenC, t.p("c").handRaisedAt());
        assertTrue(t.p("b").handOrder() < t.p("c").handOrder());
    }

    @Test
    void raisingIsAnnouncedAsDelta() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.attendee("a");
        List<Delivery> d = t.ok(t.room.raiseHand("a"));
        assertEquals(List.of(new Delivery(Audience.EVERYONE, new ParticipantChanged(t.p("a")))), d);
    }

    @Test
    void raisingRaisedHandIsANoOpAndKeepsPlaceInQueue() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.attendee("a");
        t.attendee("b");
        t.ok(t.room.raiseHand("a"));
        t.ok(t.room.raiseHand("b"));
        t.noOp(() -> t.room.raiseHand("a"));
        assertEquals(List.of("a", "b"), t.room.raisedHands());
    }

    @Test
    void participantLowersOwnHand() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.attendee("a");
        t.ok(t.room.raiseHand("a"));
        t.ok(t.room.lowerHand("a", "a"));
        assertFalse(t.p("a").handRaised());
        assertEquals(0, t.p("a").handOrder());
    }

    @Test
    void reraisedHandGoesToEndOfQueue() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.attendee("a");
        t.attendee("b");
        t.ok(t.room.raiseHand("a"));
        t.ok(t.room.raiseHand("b"));
        t.ok(t.room.lowerHand("a", "a"));
        t.ok(t.room.raiseHand("a"));
        assertEquals(List.of("b", "a"), t.room.raisedHands());
    }

    @Test
    void moderatorLowersAnyHand() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.attendee("a");
        t.ok(t.room.raiseHand("a"));
        t.ok(t.room.lowerHand(MOD, "a"));
        assertFalse(t.p("a").handRaised());
    }

    @Test
    void attendeeCannotLowerSomeoneElsesHand() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.attendee("a");
        t.attendee("b");
        t.ok(t.room.raiseHand("a"));
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.lowerHand("b", "a"));
    }

    @Test
    void loweringLoweredHandIsANoOpSoTwoModeratorsDoNotConflict() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.moderator("m2");
        t.attendee("a");
        t.ok(t.room.raiseHand("a"));
        t.ok(t.room.lowerHand(MOD, "a"));
        t.noOp(() -> t.room.lowerHand("m2", "a"));
    }

    @Test
    void moderatorClearsAllHandsWithOneEvent() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.attendee("a");
        t.attendee("b");
        t.ok(t.room.raiseHand("a"));
        t.ok(t.room.raiseHand("b"));
        List<Delivery> d = t.ok(t.room.lowerAllHands(MOD));
        assertEquals(List.of(new Delivery(Audience.EVERYONE, new AllHandsLowered(MOD))), d);
        assertEquals(List.of(), t.room.raisedHands());
        t.noOp(() -> t.room.lowerAllHands(MOD));
    }

    @Test
    void attendeeCannotClearAllHands() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.attendee("a");
        t.ok(t.room.raiseHand("a"));
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.lowerAllHands("a"));
    }

    @Test
    void loweringHandOfUnknownParticipantIsNotFound() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.refused(RefusalCode.NOT_FOUND, () -> t.room.lowerHand(MOD, "ghost"));
    }

    @Test
    void newcomerSnapshotShowsHandQueue() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.attendee("a");
        t.ok(t.room.raiseHand("a"));
        t.attendee("late");
        RoomSnapshot snapshot = t.room.snapshot("late");
        assertEquals(List.of("a"), snapshot.raisedHands());
        assertTrue(snapshot.participants().stream().filter(p -> p.id().equals("a")).findFirst().orElseThrow().handRaised());
    }
}
