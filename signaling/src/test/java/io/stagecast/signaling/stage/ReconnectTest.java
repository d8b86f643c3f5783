package io.stagecast.signaling.stage;

import io.stagecast.signaling.stage.StageEvent.*;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.stagecast.signaling.stage.TestRoom.MOD;
import static io.stagecast.signaling.stage.TestRoom.delivered;
import static org.junit.jupiter.api.Assertions.*;

class ReconnectTest {

    @Test
    void disconnectedParticipantIsShownAsReconnectingAndGetsNoEvents() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.attendee("a");
        List<Delivery> d = t.ok(t.room.disconnect("a"));
        assertFalse(t.p("a").connected());
        assertTrue(delivered(d, Audience.EVERYONE, new ParticipantChanged(t.p("a"))));
        assertEquals(List.of(MOD), t.room.recipients(Audience.EVERYONE));
        assertEquals(List.of(), t.room.recipients(Audience.only("a")));
    }

    @Test
    void reconnectWithinGraceKeepsRoleStagePlaceAndRequest() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.speaker("s");
        t.ok(t.room.joinStage("s"));
        t.attendee("a");
        t.ok(t.room.requestStage("a"));
        t.ok(t.room.disconnect("s"));
        t.ok(t.room.disconnect("a"));
        t.time.advance(Duration.ofSeconds(29));
        assertEquals(List.of(), t.room.tick());
        t.ok(t.room.reconnect("s"));
        t.ok(t.room.reconnect("a"));
        assertEquals(Place.STAGE, t.p("s").place());
        assertEquals(Role.SPEAKER, t.p("s").role());
        assertTrue(t.p("a").stageRequested());
        assertTrue(t.p("a").connected());
        t.ok(t.room.approveStageRequest(MOD, "a"));
    }

    @Test
    void afterGraceParticipantIsRemovedAndRoomTold() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.speaker("s");
        t.ok(t.room.joinStage("s"));
        t.ok(t.room.disconnect("s"));
        t.time.advance(Duration.ofSeconds(30));
        List<Delivery> d = t.room.tick();
        assertTrue(delivered(d, Audience.EVERYONE, new ParticipantRemoved("s", RemovalReason.TIMED_OUT)));
        assertTrue(delivered(d, Audience.MEDIA_PLANE, new PublishPermissionChanged("s", false, false)));
        assertTrue(t.room.participant("s").isEmpty());
        t.refused(RefusalCode.NOT_FOUND, () -> t.room.reconnect("s"));
        t.ok(t.room.join("s", "Speaker s", Role.SPEAKER, false, false));
        assertEquals(Place.VIEWER, t.p("s").place(), "a fresh join starts over");
    }

    @Test
    void pendingRequestOfTimedOutParticipantIsClosedForModerators() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.attendee("a");
        t.ok(t.room.requestStage("a"));
        t.ok(t.room.disconnect("a"));
        t.time.advance(Duration.ofSeconds(31));
        List<Delivery> d = t.room.tick();
        assertTrue(delivered(d, Audience.MODERATORS, new StageRequestClosed("a", RequestClosure.DROPPED, "a")));
    }

    @Test
    void disconnectingTwiceIsInvalidState() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.attendee("a");
        t.ok(t.room.disconnect("a"));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.disconnect("a"));
    }

    @Test
    void reconnectWhileConnectedIsANoOp() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.attendee("a");
        t.noOp(() -> t.room.reconnect("a"));
    }

    @Test
    void reconnectingUnknownIsNotFound() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.refused(RefusalCode.NOT_FOUND, () -> t.room.reconnect("ghost"));
        t.refused(RefusalCode.NOT_FOUND, () -> t.room.disconnect("ghost"));
    }

    @Test
    void reconnectedParticipantSnapshotShowsPendingInvitation() {
        TestRoom t = TestRoom.live(AccessMode.INVITE);
        t.attendee("a");
        t.ok(t.room.inviteToStage(MOD, "a"));
        t.ok(t.room.disconnect("a"));
        t.time.advance(Duration.ofSeconds(10));
        t.ok(t.room.reconnect("a"));
        RoomSnapshot s = t.room.snapshot("a");
        assertTrue(s.you().invited());
        assertEquals(50_000L, s.invitationExpiresInMillis());
    }

    @Test
    void lobbyWaiterDisconnectingBeyondGraceLeavesLobby() {
        TestRoom t = TestRoom.notStarted(AccessMode.OPEN);
        t.moderator(MOD);
        t.ok(t.room.join("a", "Ann", Role.ATTENDEE, false, false));
        assertEquals(List.of(), t.ok(t.room.disconnect("a")));
        t.time.advance(Duration.ofSeconds(30));
        assertEquals(List.of(new Delivery(Audience.MODERATORS, new LobbyChanged(0))), t.room.tick());
    }

    @Test
    void disconnectedModeratorStillCountsForLastModeratorRule() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.moderator("m2");
        t.ok(t.room.disconnect("m2"));
        t.ok(t.room.setRole(MOD, MOD, Role.ATTENDEE));
        assertEquals(Role.ATTENDEE, t.p(MOD).role());
    }
}
