package io.stagecast.signaling.stage;

import io.stagecast.signaling.stage.StageEvent.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static io.stagecast.signaling.stage.TestRoom.MOD;
import static io.stagecast.signaling.stage.TestRoom.delivered;
import static io.stagecast.signaling.stage.TestRoom.events;
import static org.junit.jupiter.api.Assertions.*;

class StageRequestTest {

    private static TestRoom requestRoomWithAttendee() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.moderator("mod2");
        t.attendee("a");
        return t;
    }

    @Test
    void attendeeRequestNotifiesEveryModerator() {
        TestRoom t = requestRoomWithAttendee();
        List<Delivery> d = t.ok(t.room.requestStage("a"));
        assertTrue(t.p("a").stageRequested());
        assertTrue(delivered(d, Audience.MODERATORS, new StageRequestReceived("a", "Attendee a")));
        assertTrue(delivered(d, Audience.EVERYONE, new ParticipantChanged(t.p("a"))));
        assertEquals(List.of(MOD, "mod2"), t.room.recipients(Audience.MODERATORS));
    }

    @Test
    void duplicateRequestIsInvalidState() {
        TestRoom t = requestRoomWithAttendee();
        t.ok(t.room.requestStage("a"));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.requestStage("a"));
    }

    @ParameterizedTest
    @EnumSource(value = AccessMode.class, names = {"INVITE", "CLOSED"})
    void requestOutsideRequestModeIsForbidden(AccessMode mode) {
        TestRoom t = TestRoom.live(mode);
        t.attendee("a");
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.requestStage("a"));
    }

    @Test
    void requestInOpenModeIsInvalidStateBecauseJoiningIsDirect() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.attendee("a");
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.requestStage("a"));
    }

    @Test
    void speakerDoesNotRequestButJoinsDirectly() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.speaker("s");
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.requestStage("s"));
    }

    @Test
    void requestWhileOnStageIsInvalidState() {
        TestRoom t = requestRoomWithAttendee();
        t.ok(t.room.inviteToStage(MOD, "a"));
        t.ok(t.room.acceptInvitation("a"));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.requestStage("a"));
    }

    @Test
    void requestWhileHoldingInvitationIsInvalidState() {
        TestRoom t = requestRoomWithAttendee();
        t.ok(t.room.inviteToStage(MOD, "a"));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.requestStage("a"));
    }

    @Test
    void requesterMayCancel() {
        TestRoom t = requestRoomWithAttendee();
        t.ok(t.room.requestStage("a"));
        List<Delivery> d = t.ok(t.room.cancelStageRequest("a"));
        assertFalse(t.p("a").stageRequested());
        assertTrue(delivered(d, Audience.MODERATORS, new StageRequestClosed("a", RequestClosure.CANCELLED, "a")));
    }

    @Test
    void cancellingWithoutRequestIsInvalidState() {
        TestRoom t = requestRoomWithAttendee();
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.cancelStageRequest("a"));
    }

    @Test
    void approvalSendsInvitationThatRequesterConfirms() {
        TestRoom t = requestRoomWithAttendee();
        t.ok(t.room.requestStage("a"));
        List<Delivery> d = t.ok(t.room.approveStageRequest(MOD, "a"));
        assertFalse(t.p("a").stageRequested());
        assertTrue(t.p("a").invited());
        assertEquals(Place.VIEWER, t.p("a").place(), "approval alone does not put anyone on stage");
        assertTrue(delivered(d, Audience.MODERATORS, new StageRequestClosed("a", RequestClosure.APPROVED, MOD)));
        assertTrue(delivered(d, Audience.only("a"), new StageInvitation("a", MOD, true, 60_000)));
        assertTrue(events(d, Audience.MEDIA_PLANE, PublishPermissionChanged.class).isEmpty());

        List<Delivery> accepted = t.ok(t.room.acceptInvitation("a"));
        assertEquals(Place.STAGE, t.p("a").place());
        assertTrue(delivered(accepted, Audience.MEDIA_PLANE, new PublishPermissionChanged("a", true, false)));
        assertTrue(delivered(accepted, Audience.MODERATORS, new InvitationAnswered("a", true)));
    }

    @Test
    void declinedRequesterIsToldAndMayAskAgain() {
        TestRoom t = requestRoomWithAttendee();
        t.ok(t.room.requestStage("a"));
        List<Delivery> d = t.ok(t.room.declineStageRequest(MOD, "a"));
        StageRequestClosed declined = new StageRequestClosed("a", RequestClosure.DECLINED, MOD);
        assertTrue(delivered(d, Audience.only("a"), declined));
        assertTrue(delivered(d, Audience.MODERATORS, declined));
        assertFalse(t.p("a").stageRequested());
        t.ok(t.room.requestStage("a"));
        assertTrue(t.p("a").stageRequested());
    }

    @Test
    void approvingCancelledRequestIsInvalidState() {
        TestRoom t = requestRoomWithAttendee();
        t.ok(t.room.requestStage("a"));
        t.ok(t.room.cancelStageRequest("a"));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.approveStageRequest(MOD, "a"));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.declineStageRequest(MOD, "a"));
    }

    @Test
    void secondModeratorApprovingSameRequestGetsInvalidState() {
        TestRoom t = requestRoomWithAttendee();
        t.ok(t.room.requestStage("a"));
        t.ok(t.room.approveStageRequest(MOD, "a"));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.approveStageRequest("mod2", "a"));
    }

    @Test
    void secondModeratorDecliningAnApprovedRequestGetsInvalidState() {
        TestRoom t = requestRoomWithAttendee();
        t.ok(t.room.requestStage("a"));
        t.ok(t.room.approveStageRequest(MOD, "a"));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.declineStageRequest("mod2", "a"));
        assertTrue(t.p("a").invited(), "the first answer stands");
    }

    @Test
    void secondModeratorApprovingADeclinedRequestGetsInvalidState() {
        TestRoom t = requestRoomWithAttendee();
        t.ok(t.room.requestStage("a"));
        t.ok(t.room.declineStageRequest("mod2", "a"));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.approveStageRequest(MOD, "a"));
        assertFalse(t.p("a").invited());
    }

    @Test
    void attendeeCannotApproveOrDeclineRequests() {
        TestRoom t = requestRoomWithAttendee();
        t.attendee("b");
        t.ok(t.room.requestStage("a"));
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.approveStageRequest("b", "a"));
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.declineStageRequest("b", "a"));
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.approveStageRequest("a", "a"));
    }

    @Test
    void approvingUnknownParticipantIsNotFound() {
        TestRoom t = requestRoomWithAttendee();
        t.refused(RefusalCode.NOT_FOUND, () -> t.room.approveStageRequest(MOD, "ghost"));
    }

    @Test
    void leavingRequestModeDropsPendingRequests() {
        TestRoom t = requestRoomWithAttendee();
        t.ok(t.room.requestStage("a"));
        List<Delivery> d = t.ok(t.room.changeSettings(MOD, SettingsChange.NONE.withAccessMode(AccessMode.INVITE)));
        StageRequestClosed dropped = new StageRequestClosed("a", RequestClosure.DROPPED, MOD);
        assertTrue(delivered(d, Audience.only("a"), dropped));
        assertTrue(delivered(d, Audience.MODERATORS, dropped));
        assertFalse(t.p("a").stageRequested());
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.approveStageRequest(MOD, "a"));
    }

    @Test
    void switchingToOpenLetsFormerRequesterJoinDirectly() {
        TestRoom t = requestRoomWithAttendee();
        t.ok(t.room.requestStage("a"));
        t.ok(t.room.changeSettings(MOD, SettingsChange.NONE.withAccessMode(AccessMode.OPEN)));
        t.ok(t.room.joinStage("a"));
        assertEquals(Place.STAGE, t.p("a").place());
    }

    @Test
    void requesterLeavingClosesRequestForModerators() {
        TestRoom t = requestRoomWithAttendee();
        t.ok(t.room.requestStage("a"));
        List<Delivery> d = t.ok(t.room.leave("a"));
        assertTrue(delivered(d, Audience.MODERATORS, new StageRequestClosed("a", RequestClosure.DROPPED, "a")));
    }

    @Test
    void invitingARequesterAnswersTheRequest() {
        TestRoom t = requestRoomWithAttendee();
        t.ok(t.room.requestStage("a"));
        List<Delivery> d = t.ok(t.room.inviteToStage("mod2", "a"));
        assertTrue(delivered(d, Audience.MODERATORS, new StageRequestClosed("a", RequestClosure.APPROVED, "mod2")));
        assertTrue(delivered(d, Audience.only("a"), new StageInvitation("a", "mod2", true, 60_000)));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.approveStageRequest(MOD, "a"));
    }
}
