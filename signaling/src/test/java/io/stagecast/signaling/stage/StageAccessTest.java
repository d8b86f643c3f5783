package io.stagecast.signaling.stage;

import io.stagecast.signaling.stage.StageEvent.*;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static io.stagecast.signaling.stage.TestRoom.MOD;
import static io.stagecast.signaling.stage.TestRoom.delivered;
import static org.junit.jupiter.api.Assertions.*;

class StageAccessTest {

    @Test
    void attendeeJoinsStageDirectlyInOpenMode() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.attendee("a");
        List<Delivery> d = t.ok(t.room.joinStage("a"));
        assertEquals(Place.STAGE, t.p("a").place());
        assertTrue(delivered(d, Audience.MEDIA_PLANE, new PublishPermissionChanged("a", true, false)));
        assertTrue(delivered(d, Audience.EVERYONE, new ParticipantChanged(t.p("a"))));
    }

    @Test
    void attendeeJoinsRoomStraightOntoStageInOpenMode() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        List<Delivery> d = t.ok(t.room.join("a", "Ann", Role.ATTENDEE, false, true));
        assertEquals(Place.STAGE, t.p("a").place());
        assertTrue(delivered(d, Audience.EVERYONE, new ParticipantAdded(t.p("a"))));
        assertTrue(delivered(d, Audience.MEDIA_PLANE, new PublishPermissionChanged("a", true, false)));
    }

    @ParameterizedTest
    @EnumSource(value = AccessMode.class, names = {"REQUEST", "INVITE", "CLOSED"})
    void attendeeCannotJoinStageDirectlyOutsideOpenMode(AccessMode mode) {
        TestRoom t = TestRoom.live(mode);
        t.attendee("a");
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.joinStage("a"));
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.join("b", "Bob", Role.ATTENDEE, false, true));
    }

    @ParameterizedTest
    @EnumSource(AccessMode.class)
    void speakerJoinsStageDirectlyInEveryMode(AccessMode mode) {
        TestRoom t = TestRoom.live(mode);
        t.speaker("s");
        List<Delivery> d = t.ok(t.room.joinStage("s"));
        assertEquals(Place.STAGE, t.p("s").place());
        assertTrue(delivered(d, Audience.MEDIA_PLANE, new PublishPermissionChanged("s", true, true)));
    }

    @ParameterizedTest
    @EnumSource(AccessMode.class)
    void moderatorJoinsStageDirectlyInEveryMode(AccessMode mode) {
        TestRoom t = TestRoom.live(mode);
        t.ok(t.room.joinStage(MOD));
        assertEquals(Place.STAGE, t.p(MOD).place());
    }

    @Test
    void mobileClientCannotJoinStraightOntoStage() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.join("phone", "Pat", Role.SPEAKER, true, true));
    }

    @Test
    void mobileViewerMayLaterJoinStageLikeAnyone() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.ok(t.room.join("phone", "Pat", Role.ATTENDEE, true, false));
        assertTrue(t.p("phone").mobile());
        t.ok(t.room.joinStage("phone"));
        assertEquals(Place.STAGE, t.p("phone").place());
    }

    @Test
    void joiningStageTwiceIsInvalidState() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.attendee("a");
        t.ok(t.room.joinStage("a"));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.joinStage("a"));
    }

    @Test
    void attendeeCannotLeaveStage() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.attendee("a");
        t.ok(t.room.joinStage("a"));
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.leaveStage("a"));
        assertEquals(Place.STAGE, t.p("a").place());
    }

    @Test
    void speakerCannotLeaveStage() {
        TestRoom t = TestRoom.live(AccessMode.CLOSED);
        t.speaker("s");
        t.ok(t.room.joinStage("s"));
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.leaveStage("s"));
    }

    @Test
    void leavingStageWhenNotOnItIsInvalidState() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.attendee("a");
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.leaveStage("a"));
    }

    @Test
    void moderatorMayStepOffStage() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.ok(t.room.joinStage(MOD));
        List<Delivery> d = t.ok(t.room.leaveStage(MOD));
        assertEquals(Place.VIEWER, t.p(MOD).place());
        assertTrue(delivered(d, Audience.MEDIA_PLANE, new PublishPermissionChanged(MOD, false, false)));
    }

    @Test
    void moderatorRemovesFromStageAndPublishingIsRevoked() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.attendee("a");
        t.ok(t.room.joinStage("a"));
        t.ok(t.room.setMicrophone("a", true));
        t.ok(t.room.setCamera("a", true));
        List<Delivery> d = t.ok(t.room.removeFromStage(MOD, "a"));
        ParticipantState a = t.p("a");
        assertEquals(Place.VIEWER, a.place());
        assertFalse(a.microphoneOn());
        assertFalse(a.cameraOn());
        assertEquals(new Delivery(Audience.MEDIA_PLANE, new PublishPermissionChanged("a", false, false)), d.get(0),
                "the media plane hears first, so the next packet is dropped");
        assertTrue(delivered(d, Audience.only("a"), new MovedToViewer("a", StageExit.REMOVED, MOD)));
        assertTrue(delivered(d, Audience.EVERYONE, new ParticipantChanged(a)));
    }

    @Test
    void attendeeCannotRemoveOthersFromStage() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.attendee("a");
        t.attendee("b");
        t.ok(t.room.joinStage("b"));
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.removeFromStage("a", "b"));
    }

    @Test
    void removingSomeoneNotOnStageIsInvalidState() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.attendee("a");
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.removeFromStage(MOD, "a"));
    }

    @Test
    void removedAttendeeMayComeBackTheUsualWay() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.attendee("a");
        t.ok(t.room.joinStage("a"));
        t.ok(t.room.removeFromStage(MOD, "a"));
        t.ok(t.room.joinStage("a"));
        assertEquals(Place.STAGE, t.p("a").place());
    }

    @Test
    void removingSpotlightedParticipantClearsSpotlight() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.attendee("a");
        t.ok(t.room.joinStage("a"));
        t.ok(t.room.spotlight(MOD, "a"));
        List<Delivery> d = t.ok(t.room.removeFromStage(MOD, "a"));
        assertTrue(delivered(d, Audience.EVERYONE, new SpotlightChanged(null)));
        assertNull(t.room.snapshot(MOD).spotlight());
    }

    @Test
    void goingOnStageLowersHand() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.attendee("a");
        t.ok(t.room.raiseHand("a"));
        t.ok(t.room.joinStage("a"));
        assertFalse(t.p("a").handRaised());
        assertEquals(List.of(), t.room.raisedHands());
    }
}
