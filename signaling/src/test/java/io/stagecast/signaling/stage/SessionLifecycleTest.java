package io.stagecast.signaling.stage;

import io.stagecast.signaling.stage.StageEvent.*;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.stagecast.signaling.stage.TestRoom.MOD;
import static io.stagecast.signaling.stage.TestRoom.delivered;
import static io.stagecast.signaling.stage.TestRoom.events;
import static org.junit.jupiter.api.Assertions.*;

class SessionLifecycleTest {

    @Test
    void attendeeArrivingBeforeStartWaitsInLobby() {
        TestRoom t = TestRoom.notStarted(AccessMode.OPEN);
        t.moderator(MOD);
        List<Delivery> d = t.ok(t.room.join("a", "Ann", Role.ATTENDEE, false, false));
        assertEquals(Place.LOBBY, t.p("a").place());
        assertEquals(1, t.room.lobbySize());
        assertTrue(delivered(d, Audience.MODERATORS, new LobbyChanged(1)));
        assertTrue(events(d, ParticipantAdded.class).isEmpty(), "the lobby is not on the participants list");
        assertTrue(t.room.participants().stream().noneMatch(p -> p.id().equals("a")));
        assertEquals(List.of(MOD), t.room.recipients(Audience.EVERYONE));
    }

    @Test
    void moderatorsAndSpeakersEnterBeforeStart() {
        TestRoom t = TestRoom.notStarted(AccessMode.REQUEST);
        t.moderator(MOD);
        t.speaker("s");
        assertEquals(Place.VIEWER, t.p(MOD).place());
        assertEquals(Place.VIEWER, t.p("s").place());
        t.ok(t.room.joinStage("s"));
        assertEquals(Place.STAGE, t.p("s").place());
    }

    @Test
    void lobbyAttendeeCannotActBeforeStart() {
        TestRoom t = TestRoom.notStarted(AccessMode.OPEN);
        t.moderator(MOD);
        t.ok(t.room.join("a", "Ann", Role.ATTENDEE, false, false));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.raiseHand("a"));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.sendChat("a", "hi", null));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.joinStage("a"));
    }

    @Test
    void attendeeCannotJoinStageBeforeStartEvenInOpenMode() {
        TestRoom t = TestRoom.notStarted(AccessMode.OPEN);
        t.moderator(MOD);
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.join("a", "Ann", Role.ATTENDEE, false, true));
    }

    @Test
    void startAdmitsLobbyAsViewersWithSnapshot() {
        TestRoom t = TestRoom.notStarted(AccessMode.OPEN);
        t.moderator(MOD);
        t.ok(t.room.join("a", "Ann", Role.ATTENDEE, false, false));
        t.ok(t.room.join("b", "Bob", Role.ATTENDEE, false, false));
        List<Delivery> d = t.ok(t.room.start(MOD));
        assertEquals(SessionState.LIVE, t.room.session());
        assertEquals(Place.VIEWER, t.p("a").place());
        assertEquals(0, t.room.lobbySize());
        assertTrue(delivered(d, Audience.EVERYONE, new SessionStarted(MOD)));
        assertEquals(2, events(d, Audience.EVERYONE, ParticipantAdded.class).size());
        List<Admitted> admittedA = events(d, Audience.only("a"), Admitted.class);
        assertEquals(1, admittedA.size());
        assertEquals(3, admittedA.get(0).snapshot().participants().size());
        assertEquals(SessionState.LIVE, admittedA.get(0).snapshot().session());
        assertTrue(delivered(d, Audience.MODERATORS, new LobbyChanged(0)));
    }

    @Test
    void attendeeCannotStartSession() {
        TestRoom t = TestRoom.notStarted(AccessMode.OPEN);
        t.moderator(MOD);
        t.speaker("s");
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.start("s"));
        assertEquals(SessionState.LOBBY, t.room.session());
    }

    @Test
    void startingTwiceIsInvalidState() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.start(MOD));
    }

    @Test
    void attendeeJoiningLiveSessionIsAddedForEveryone() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        List<Delivery> d = t.ok(t.room.join("a", "Ann", Role.ATTENDEE, false, false));
        assertEquals(Place.VIEWER, t.p("a").place());
        assertTrue(delivered(d, Audience.EVERYONE, new ParticipantAdded(t.p("a"))));
        assertEquals(List.of(MOD, "a"), t.room.recipients(Audience.EVERYONE));
        assertEquals(List.of(MOD), t.room.recipients(Audience.MODERATORS));
    }

    @Test
    void joiningTwiceWithSameIdIsInvalidState() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.attendee("a");
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.join("a", "Again", Role.ATTENDEE, false, false));
    }

    @Test
    void joinWithoutNameOrWithTooLongNameIsInvalidNameAndWithoutIdOrRoleBadRequest() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.refused(RefusalCode.INVALID_NAME, () -> t.room.join("a", "  ", Role.ATTENDEE, false, false));
        t.refused(RefusalCode.INVALID_NAME, () -> t.room.join("a", null, Role.ATTENDEE, false, false));
        t.refused(RefusalCode.INVALID_NAME, () -> t.room.join("a", "x".repeat(65), Role.ATTENDEE, false, false));
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.join("", "Ann", Role.ATTENDEE, false, false));
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.join("a", "Ann", null, false, false));
    }

    @Test
    void lockedRoomRefusesNewAttendeesAndSpeakers() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.ok(t.room.changeSettings(MOD, SettingsChange.NONE.withLocked(true)));
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.join("a", "Ann", Role.ATTENDEE, false, false));
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.join("s", "Sam", Role.SPEAKER, false, false));
    }

    @Test
    void lockedRoomStillAdmitsModerators() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.ok(t.room.changeSettings(MOD, SettingsChange.NONE.withLocked(true)));
        t.moderator("m2");
        assertEquals(Role.MODERATOR, t.p("m2").role());
    }

    @Test
    void unlockingAdmitsAgain() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.ok(t.room.changeSettings(MOD, SettingsChange.NONE.withLocked(true)));
        t.ok(t.room.changeSettings(MOD, SettingsChange.NONE.withLocked(false)));
        t.attendee("a");
    }

    @Test
    void lockedRoomKeepsThoseAlreadyInside() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.attendee("a");
        t.ok(t.room.changeSettings(MOD, SettingsChange.NONE.withLocked(true)));
        t.ok(t.room.joinStage("a"));
    }

    @Test
    void endForEveryoneRevokesPublishingAndTellsLobbyToo() {
        TestRoom t = TestRoom.notStarted(AccessMode.OPEN);
        t.moderator(MOD);
        t.speaker("s");
        t.ok(t.room.joinStage("s"));
        t.ok(t.room.join("a", "Ann", Role.ATTENDEE, false, false));
        List<Delivery> d = t.ok(t.room.end(MOD));
        assertEquals(SessionState.ENDED, t.room.session());
        assertTrue(delivered(d, Audience.MEDIA_PLANE, new PublishPermissionChanged("s", false, false)));
        assertTrue(delivered(d, Audience.EVERYONE, new SessionEnded(MOD)));
        assertTrue(delivered(d, Audience.only("a"), new SessionEnded(MOD)));
        assertEquals(Place.VIEWER, t.p("s").place());
    }

    @Test
    void endTurnsOffEveryonesMedia() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.attendee("a");
        t.ok(t.room.joinStage("a"));
        t.ok(t.room.setMicrophone("a", true));
        t.ok(t.room.setCamera("a", true));
        t.ok(t.room.end(MOD));
        assertFalse(t.p("a").microphoneOn() || t.p("a").cameraOn());
    }

    @Test
    void everyActionAfterEndIsInvalidState() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.attendee("a");
        t.ok(t.room.end(MOD));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.joinStage("a"));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.sendChat("a", "hello?", null));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.end(MOD));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.start(MOD));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.join("b", "Bob", Role.ATTENDEE, false, false));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.reconnect("a"));
    }

    @Test
    void attendeeCannotEndSession() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.attendee("a");
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.end("a"));
    }

    @Test
    void leavingRemovesFromListAndRevokesPublishing() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.attendee("a");
        t.ok(t.room.joinStage("a"));
        List<Delivery> d = t.ok(t.room.leave("a"));
        assertTrue(delivered(d, Audience.MEDIA_PLANE, new PublishPermissionChanged("a", false, false)));
        assertTrue(delivered(d, Audience.EVERYONE, new ParticipantRemoved("a", RemovalReason.LEFT)));
        assertTrue(t.room.participant("a").isEmpty());
    }

    @Test
    void leavingFromLobbyUpdatesLobbyCount() {
        TestRoom t = TestRoom.notStarted(AccessMode.OPEN);
        t.moderator(MOD);
        t.ok(t.room.join("a", "Ann", Role.ATTENDEE, false, false));
        List<Delivery> d = t.ok(t.room.leave("a"));
        assertEquals(List.of(new Delivery(Audience.MODERATORS, new LobbyChanged(0))), d);
    }

    @Test
    void unknownActorIsNotFound() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.refused(RefusalCode.NOT_FOUND, () -> t.room.joinStage("ghost"));
        t.refused(RefusalCode.NOT_FOUND, () -> t.room.leave("ghost"));
        t.refused(RefusalCode.NOT_FOUND, () -> t.room.removeFromStage(MOD, "ghost"));
    }

    @Test
    void snapshotOfUnknownParticipantIsRefused() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        assertThrows(IllegalArgumentException.class, () -> t.room.snapshot("ghost"));
    }
}
