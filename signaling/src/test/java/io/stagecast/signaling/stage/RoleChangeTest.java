package io.stagecast.signaling.stage;

import io.stagecast.signaling.stage.StageEvent.*;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.stagecast.signaling.stage.TestRoom.MOD;
import static io.stagecast.signaling.stage.TestRoom.delivered;
import static io.stagecast.signaling.stage.TestRoom.events;
import static org.junit.jupiter.api.Assertions.*;

class RoleChangeTest {

    @Test
    void moderatorPromotesAttendeeToSpeakerWhoMayThenJoinDirectly() {
        TestRoom t = TestRoom.live(AccessMode.CLOSED);
        t.attendee("a");
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.joinStage("a"));
        List<Delivery> d = t.ok(t.room.setRole(MOD, "a", Role.SPEAKER));
        assertEquals(Role.SPEAKER, t.p("a").role());
        assertTrue(delivered(d, Audience.EVERYONE, new ParticipantChanged(t.p("a"))));
        t.ok(t.room.joinStage("a"));
    }

    @Test
    void promotedModeratorMayModerate() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.attendee("a");
        t.attendee("b");
        t.ok(t.room.setRole(MOD, "a", Role.MODERATOR));
        t.ok(t.room.inviteToStage("a", "b"));
        assertTrue(t.room.recipients(Audience.MODERATORS).contains("a"));
    }

    @Test
    void attendeeCannotChangeRoles() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.attendee("a");
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.setRole("a", "a", Role.MODERATOR));
        t.speaker("s");
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.setRole("s", "a", Role.SPEAKER));
    }

    @Test
    void lastModeratorCannotDemoteThemselves() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.setRole(MOD, MOD, Role.ATTENDEE));
    }

    @Test
    void moderatorMayStepDownWhenAnotherRemains() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.moderator("m2");
        t.ok(t.room.setRole(MOD, MOD, Role.SPEAKER));
        assertEquals(Role.SPEAKER, t.p(MOD).role());
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.setRole("m2", "m2", Role.ATTENDEE));
    }

    @Test
    void settingSameRoleIsInvalidState() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.attendee("a");
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.setRole(MOD, "a", Role.ATTENDEE));
    }

    @Test
    void nullRoleIsBadRequest() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.attendee("a");
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.setRole(MOD, "a", null));
    }

    @Test
    void demotedSpeakerKeepsStagePlaceButLosesScreenShare() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.speaker("s");
        t.ok(t.room.joinStage("s"));
        t.ok(t.room.setScreenShare("s", true));
        List<Delivery> d = t.ok(t.room.setRole(MOD, "s", Role.ATTENDEE));
        assertEquals(Place.STAGE, t.p("s").place());
        assertFalse(t.p("s").screenSharing());
        assertTrue(delivered(d, Audience.MEDIA_PLANE, new PublishPermissionChanged("s", true, false)));
    }

    @Test
    void roleChangeOfViewerTouchesNoMedia() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.attendee("a");
        List<Delivery> d = t.ok(t.room.setRole(MOD, "a", Role.SPEAKER));
        assertTrue(events(d, Audience.MEDIA_PLANE, StageEvent.class).isEmpty());
    }

    @Test
    void demotingInvitedSpeakerInClosedModeWithdrawsInvitation() {
        TestRoom t = TestRoom.live(AccessMode.CLOSED);
        t.speaker("s");
        t.ok(t.room.inviteToStage(MOD, "s"));
        List<Delivery> d = t.ok(t.room.setRole(MOD, "s", Role.ATTENDEE));
        assertTrue(delivered(d, Audience.only("s"), new InvitationWithdrawn("s", WithdrawReason.ROLE_CHANGED)));
        assertFalse(t.p("s").invited());
    }
}
