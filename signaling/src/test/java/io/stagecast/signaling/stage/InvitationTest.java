package io.stagecast.signaling.stage;

import io.stagecast.signaling.stage.StageEvent.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;

import static io.stagecast.signaling.stage.TestRoom.MOD;
import static io.stagecast.signaling.stage.TestRoom.delivered;
import static org.junit.jupiter.api.Assertions.*;

class InvitationTest {

    @ParameterizedTest
    @EnumSource(value = AccessMode.class, names = {"OPEN", "REQUEST", "INVITE"})
    void moderatorInvitesAttendeeWhoAccepts(AccessMode mode) {
        TestRoom t = TestRoom.live(mode);
        t.attendee("a");
        List<Delivery> d = t.ok(t.room.inviteToStage(MOD, "a"));
        assertTrue(delivered(d, Audience.only("a"), new StageInvitation("a", MOD, false, 60_000)));
        assertTrue(t.p("a").invited());
        t.ok(t.room.acceptInvitation("a"));
        assertEquals(Place.STAGE, t.p("a").place());
        assertFalse(t.p("a").invited());
    }

    @Test
    void inviteeDeclinesAndModeratorsAreTold() {
        TestRoom t = TestRoom.live(AccessMode.INVITE);
        t.attendee("a");
        t.ok(t.room.inviteToStage(MOD, "a"));
        List<Delivery> d = t.ok(t.room.declineInvitation("a"));
        assertTrue(delivered(d, Audience.MODERATORS, new InvitationAnswered("a", false)));
        assertEquals(Place.VIEWER, t.p("a").place());
        assertFalse(t.p("a").invited());
    }

    @Test
    void attendeeCannotInvite() {
        TestRoom t = TestRoom.live(AccessMode.INVITE);
        t.attendee("a");
        t.attendee("b");
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.inviteToStage("a", "b"));
    }

    @Test
    void invitingAttendeeInClosedModeIsInvalidState() {
        TestRoom t = TestRoom.live(AccessMode.CLOSED);
        t.attendee("a");
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.inviteToStage(MOD, "a"));
    }

    @Test
    void invitingSpeakerInClosedModeIsAllowed() {
        TestRoom t = TestRoom.live(AccessMode.CLOSED);
        t.speaker("s");
        t.ok(t.room.inviteToStage(MOD, "s"));
        t.ok(t.room.acceptInvitation("s"));
        assertEquals(Place.STAGE, t.p("s").place());
    }

    @Test
    void duplicateInvitationIsInvalidState() {
        TestRoom t = TestRoom.live(AccessMode.INVITE);
        t.attendee("a");
        t.ok(t.room.inviteToStage(MOD, "a"));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.inviteToStage(MOD, "a"));
    }

    @Test
    void invitingSomeoneOnStageIsInvalidState() {
        TestRoom t = TestRoom.live(AccessMode.INVITE);
        t.speaker("s");
        t.ok(t.room.joinStage("s"));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.inviteToStage(MOD, "s"));
    }

    @Test
    void moderatorInvitingThemselvesIsBadRequest() {
        TestRoom t = TestRoom.live(AccessMode.INVITE);
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.inviteToStage(MOD, MOD));
    }

    @Test
    void invitingUnknownOrLobbyParticipantIsNotFound() {
        TestRoom t = TestRoom.notStarted(AccessMode.INVITE);
        t.moderator(MOD);
        t.ok(t.room.join("a", "Ann", io.stagecast.signaling.token.Role.ATTENDEE, false, false));
        t.refused(RefusalCode.NOT_FOUND, () -> t.room.inviteToStage(MOD, "a"));
        t.refused(RefusalCode.NOT_FOUND, () -> t.room.inviteToStage(MOD, "ghost"));
    }

    @Test
    void moderatorRevokesInvitation() {
        TestRoom t = TestRoom.live(AccessMode.INVITE);
        t.attendee("a");
        t.ok(t.room.inviteToStage(MOD, "a"));
        List<Delivery> d = t.ok(t.room.revokeInvitation(MOD, "a"));
        InvitationWithdrawn withdrawn = new InvitationWithdrawn("a", WithdrawReason.REVOKED);
        assertTrue(delivered(d, Audience.only("a"), withdrawn));
        assertTrue(delivered(d, Audience.MODERATORS, withdrawn));
        assertFalse(t.p("a").invited());
    }

    @Test
    void acceptingWithdrawnInvitationIsInvalidState() {
        TestRoom t = TestRoom.live(AccessMode.INVITE);
        t.attendee("a");
        t.ok(t.room.inviteToStage(MOD, "a"));
        t.ok(t.room.revokeInvitation(MOD, "a"));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.acceptInvitation("a"));
        assertEquals(Place.VIEWER, t.p("a").place());
    }

    @Test
    void revokingWithoutInvitationIsInvalidState() {
        TestRoom t = TestRoom.live(AccessMode.INVITE);
        t.attendee("a");
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.revokeInvitation(MOD, "a"));
    }

    @Test
    void attendeeCannotRevokeInvitation() {
        TestRoom t = TestRoom.live(AccessMode.INVITE);
        t.attendee("a");
        t.attendee("b");
        t.ok(t.room.inviteToStage(MOD, "a"));
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.revokeInvitation("b", "a"));
    }

    @Test
    void acceptingExpiredInvitationIsInvalidStateEvenBeforeTick() {
        TestRoom t = TestRoom.live(AccessMode.INVITE);
        t.attendee("a");
        t.ok(t.room.inviteToStage(MOD, "a"));
        t.time.advance(Duration.ofSeconds(60));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.acceptInvitation("a"));
    }

    @Test
    void acceptingJustBeforeExpiryWorks() {
        TestRoom t = TestRoom.live(AccessMode.INVITE);
        t.attendee("a");
        t.ok(t.room.inviteToStage(MOD, "a"));
        t.time.advance(Duration.ofSeconds(59));
        t.ok(t.room.acceptInvitation("a"));
    }

    @Test
    void tickWithdrawsExpiredInvitation() {
        TestRoom t = TestRoom.live(AccessMode.INVITE);
        t.attendee("a");
        t.ok(t.room.inviteToStage(MOD, "a"));
        t.time.advance(Duration.ofSeconds(59));
        assertEquals(List.of(), t.room.tick());
        t.time.advance(Duration.ofSeconds(1));
        List<Delivery> d = t.room.tick();
        InvitationWithdrawn expired = new InvitationWithdrawn("a", WithdrawReason.EXPIRED);
        assertTrue(delivered(d, Audience.only("a"), expired));
        assertTrue(delivered(d, Audience.MODERATORS, expired));
        assertFalse(t.p("a").invited());
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.acceptInvitation("a"));
    }

    @Test
    void snapshotTellsInviteeTimeLeft() {
        TestRoom t = TestRoom.live(AccessMode.INVITE);
        t.attendee("a");
        t.ok(t.room.inviteToStage(MOD, "a"));
        t.time.advance(Duration.ofSeconds(20));
        assertEquals(40_000L, t.room.snapshot("a").invitationExpiresInMillis());
        assertNull(t.room.snapshot(MOD).invitationExpiresInMillis());
    }

    @Test
    void switchingToClosedWithdrawsAttendeeInvitations() {
        TestRoom t = TestRoom.live(AccessMode.INVITE);
        t.attendee("a");
        t.speaker("s");
        t.ok(t.room.inviteToStage(MOD, "a"));
        t.ok(t.room.inviteToStage(MOD, "s"));
        List<Delivery> d = t.ok(t.room.changeSettings(MOD, SettingsChange.NONE.withAccessMode(AccessMode.CLOSED)));
        assertTrue(delivered(d, Audience.only("a"), new InvitationWithdrawn("a", WithdrawReason.MODE_CHANGED)));
        assertFalse(t.p("a").invited());
        assertTrue(t.p("s").invited(), "speakers keep theirs: closed blocks attendees only");
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.acceptInvitation("a"));
    }

    @Test
    void decliningWithoutInvitationIsInvalidState() {
        TestRoom t = TestRoom.live(AccessMode.INVITE);
        t.attendee("a");
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.declineInvitation("a"));
    }

    @Test
    void invitedSpeakerJoiningDirectlyConsumesInvitation() {
        TestRoom t = TestRoom.live(AccessMode.INVITE);
        t.speaker("s");
        t.ok(t.room.inviteToStage(MOD, "s"));
        List<Delivery> d = t.ok(t.room.joinStage("s"));
        assertFalse(t.p("s").invited());
        assertTrue(delivered(d, Audience.MODERATORS, new InvitationAnswered("s", true)));
    }
}
