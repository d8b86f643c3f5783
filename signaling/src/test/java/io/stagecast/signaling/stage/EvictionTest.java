package io.stagecast.signaling.stage;

import io.stagecast.signaling.stage.StageEvent.*;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.stagecast.signaling.stage.TestRoom.MOD;
import static io.stagecast.signaling.stage.TestRoom.delivered;
import static io.stagecast.signaling.stage.TestRoom.events;
import static org.junit.jupiter.api.Assertions.*;

class EvictionTest {

    @Test
    void joiningFullStageEvictsLongestSilentNonModerator() {
        TestRoom t = TestRoom.live(AccessMode.OPEN, 3);
        t.ok(t.room.joinStage(MOD));
        t.attendee("a");
        t.attendee("b");
        t.ok(t.room.joinStage("a"));
        t.time.advance(Duration.ofSeconds(1));
        t.ok(t.room.joinStage("b"));
        t.time.advance(Duration.ofSeconds(10));
        t.room.reportVoiceActivity("a", t.time.nanos());
        t.time.advance(Duration.ofSeconds(1));

        t.attendee("c");
        List<Delivery> d = t.ok(t.room.joinStage("c"));
        assertEquals(Place.VIEWER, t.p("b").place(), "b has been silent since joining; a spoke a second ago");
        assertEquals(Place.STAGE, t.p("a").place());
        assertEquals(Place.STAGE, t.p("c").place());
        assertTrue(delivered(d, Audience.only("b"), new MovedToViewer("b", StageExit.EVICTED, "c")));
        assertTrue(delivered(d, Audience.MEDIA_PLANE, new PublishPermissionChanged("b", false, false)));
        assertTrue(delivered(d, Audience.MEDIA_PLANE, new PublishPermissionChanged("c", true, false)));
    }

    @Test
    void neverSpokenNewcomerIsNotEvictedBeforeLongSilentVeteran() {
        TestRoom t = TestRoom.live(AccessMode.OPEN, 2);
        t.attendee("veteran");
        t.attendee("newcomer");
        t.ok(t.room.joinStage("veteran"));
        t.room.reportVoiceActivity("veteran", t.time.nanos());
        t.time.advance(Duration.ofMinutes(5));
        t.ok(t.room.joinStage("newcomer"));
        t.time.advance(Duration.ofSeconds(1));
        t.speaker("s");
        t.ok(t.room.joinStage("s"));
        assertEquals(Place.VIEWER, t.p("veteran").place());
        assertEquals(Place.STAGE, t.p("newcomer").place());
    }

    @Test
    void moderatorsAreNeverEvicted() {
        TestRoom t = TestRoom.live(AccessMode.OPEN, 2);
        t.ok(t.room.joinStage(MOD));
        t.attendee("a");
        t.ok(t.room.joinStage("a"));
        t.room.reportVoiceActivity("a", t.time.nanos() + 1);
        t.attendee("b");
        t.ok(t.room.joinStage("b"));
        assertEquals(Place.STAGE, t.p(MOD).place());
        assertEquals(Place.VIEWER, t.p("a").place());
    }

    @Test
    void stageFullOfModeratorsRefusesJoin() {
        TestRoom t = TestRoom.live(AccessMode.OPEN, 1);
        t.ok(t.room.joinStage(MOD));
        t.attendee("a");
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.joinStage("a"));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.join("b", "Bob", Role.ATTENDEE, false, true));
    }

    @Test
    void acceptingInvitationToFullStageEvicts() {
        TestRoom t = TestRoom.live(AccessMode.INVITE, 1);
        t.speaker("s");
        t.ok(t.room.joinStage("s"));
        t.attendee("a");
        t.ok(t.room.inviteToStage(MOD, "a"));
        List<Delivery> d = t.ok(t.room.acceptInvitation("a"));
        assertEquals(Place.VIEWER, t.p("s").place());
        assertEquals(1, events(d, Audience.only("s"), MovedToViewer.class).size());
    }

    @Test
    void evictedParticipantMayComeBack() {
        TestRoom t = TestRoom.live(AccessMode.OPEN, 1);
        t.attendee("a");
        t.attendee("b");
        t.ok(t.room.joinStage("a"));
        t.ok(t.room.joinStage("b"));
        assertEquals(Place.VIEWER, t.p("a").place());
        t.ok(t.room.joinStage("a"));
        assertEquals(Place.STAGE, t.p("a").place());
        assertEquals(Place.VIEWER, t.p("b").place());
    }

    @Test
    void loweredCapacityEvictsEnoughOnNextJoinOnly() {
        TestRoom t = TestRoom.live(AccessMode.OPEN, 3);
        t.attendee("a");
        t.attendee("b");
        t.attendee("c");
        t.ok(t.room.joinStage("a"));
        t.ok(t.room.joinStage("b"));
        t.ok(t.room.joinStage("c"));
        List<Delivery> d = t.ok(t.room.changeSettings(MOD, SettingsChange.NONE.withCapacity(1)));
        assertTrue(events(d, MovedToViewer.class).isEmpty(), "nobody is moved when capacity drops");
        t.ok(t.room.joinStage(MOD));
        assertEquals(1, t.room.participants().stream().filter(p -> p.place() == Place.STAGE).count());
    }

    @Test
    void voiceReportForUnknownParticipantIsIgnored() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        String before = t.room.debugState();
        t.room.reportVoiceActivity("ghost", 42);
        assertEquals(before, t.room.debugState());
    }
}
