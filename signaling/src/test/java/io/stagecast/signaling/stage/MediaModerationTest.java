package io.stagecast.signaling.stage;

import io.stagecast.signaling.stage.StageEvent.*;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.stagecast.signaling.stage.TestRoom.MOD;
import static io.stagecast.signaling.stage.TestRoom.delivered;
import static io.stagecast.signaling.stage.TestRoom.events;
import static org.junit.jupiter.api.Assertions.*;

class MediaModerationTest {

    private static TestRoom withAttendeeOnStage() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.attendee("a");
        t.ok(t.room.joinStage("a"));
        t.ok(t.room.setMicrophone("a", true));
        t.ok(t.room.setCamera("a", true));
        return t;
    }

    @Test
    void participantOnStageTogglesOwnMicAndCameraVisibleToAll() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.attendee("a");
        t.ok(t.room.joinStage("a"));
        List<Delivery> d = t.ok(t.room.setMicrophone("a", true));
        assertTrue(t.p("a").microphoneOn());
        assertTrue(delivered(d, Audience.EVERYONE, new ParticipantChanged(t.p("a"))));
        t.ok(t.room.setCamera("a", true));
        assertTrue(t.p("a").cameraOn());
        t.ok(t.room.setMicrophone("a", false));
        assertFalse(t.p("a").microphoneOn());
    }

    @Test
    void settingTheCurrentMicStateIsANoOp() {
        TestRoom t = withAttendeeOnStage();
        t.noOp(() -> t.room.setMicrophone("a", true));
    }

    @Test
    void viewerCannotTurnOnMicrophone() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.attendee("a");
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.setMicrophone("a", true));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.setCamera("a", true));
    }

    @Test
    void moderatorForcesMicOffAndMediaPlaneStopsForwarding() {
        TestRoom t = withAttendeeOnStage();
        List<Delivery> d = t.ok(t.room.forceOff(MOD, "a", TrackKind.MICROPHONE));
        ParticipantState a = t.p("a");
        assertFalse(a.microphoneOn());
        assertTrue(a.microphoneForcedOff());
        assertTrue(a.cameraOn(), "only the microphone");
        assertTrue(delivered(d, Audience.MEDIA_PLANE, new TrackForcedMute("a", TrackKind.MICROPHONE, true)));
        assertTrue(delivered(d, Audience.only("a"), new ForcedOff("a", TrackKind.MICROPHONE, MOD)));
    }

    @Test
    void moderatorTurnsCameraOff() {
        TestRoom t = withAttendeeOnStage();
        List<Delivery> d = t.ok(t.room.forceOff(MOD, "a", TrackKind.CAMERA));
        assertFalse(t.p("a").cameraOn());
        assertTrue(delivered(d, Audience.MEDIA_PLANE, new TrackForcedMute("a", TrackKind.CAMERA, true)));
    }

    @Test
    void withoutStrongMuteParticipantUnmutesThemselvesAndForwardingResumes() {
        TestRoom t = withAttendeeOnStage();
        t.ok(t.room.forceOff(MOD, "a", TrackKind.MICROPHONE));
        List<Delivery> d = t.ok(t.room.setMicrophone("a", true));
        assertTrue(t.p("a").microphoneOn());
        assertFalse(t.p("a").microphoneForcedOff());
        assertTrue(delivered(d, Audience.MEDIA_PLANE, new TrackForcedMute("a", TrackKind.MICROPHONE, false)));
    }

    @Test
    void strongMuteKeepsParticipantMutedUntilModeratorAllows() {
        TestRoom t = withAttendeeOnStage();
        t.ok(t.room.changeSettings(MOD, SettingsChange.NONE.withStrongMute(true)));
        t.ok(t.room.forceOff(MOD, "a", TrackKind.MICROPHONE));
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.setMicrophone("a", true));
        List<Delivery> d = t.ok(t.room.allowTrack(MOD, "a", TrackKind.MICROPHONE));
        assertTrue(delivered(d, Audience.MEDIA_PLANE, new TrackForcedMute("a", TrackKind.MICROPHONE, false)));
        assertFalse(t.p("a").microphoneOn(), "allowing never turns anything on");
        t.ok(t.room.setMicrophone("a", true));
        assertTrue(t.p("a").microphoneOn());
    }

    @Test
    void strongMuteSurvivesRemovalAndReturnToStage() {
        TestRoom t = withAttendeeOnStage();
        t.ok(t.room.changeSettings(MOD, SettingsChange.NONE.withStrongMute(true)));
        t.ok(t.room.forceOff(MOD, "a", TrackKind.CAMERA));
        t.ok(t.room.removeFromStage(MOD, "a"));
        t.ok(t.room.joinStage("a"));
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.setCamera("a", true));
    }

    @Test
    void forcingAlreadyForcedTrackIsInvalidState() {
        TestRoom t = withAttendeeOnStage();
        t.ok(t.room.forceOff(MOD, "a", TrackKind.MICROPHONE));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.forceOff(MOD, "a", TrackKind.MICROPHONE));
    }

    @Test
    void forcingViewerIsInvalidState() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.attendee("a");
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.forceOff(MOD, "a", TrackKind.MICROPHONE));
    }

    @Test
    void forcingScreenIsBadRequest() {
        TestRoom t = withAttendeeOnStage();
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.forceOff(MOD, "a", TrackKind.SCREEN));
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.forceOffAll(MOD, TrackKind.SCREEN));
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.allowTrack(MOD, "a", TrackKind.SCREEN));
    }

    @Test
    void moderatorForcingThemselvesIsBadRequest() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.ok(t.room.joinStage(MOD));
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.forceOff(MOD, MOD, TrackKind.MICROPHONE));
    }

    @Test
    void attendeeCannotForceMuteOthers() {
        TestRoom t = withAttendeeOnStage();
        t.attendee("b");
        t.ok(t.room.joinStage("b"));
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.forceOff("b", "a", TrackKind.MICROPHONE));
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.forceOffAll("b", TrackKind.MICROPHONE));
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.allowTrack("b", "a", TrackKind.MICROPHONE));
    }

    @Test
    void allowingTrackThatIsNotForcedIsInvalidState() {
        TestRoom t = withAttendeeOnStage();
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.allowTrack(MOD, "a", TrackKind.CAMERA));
    }

    @Test
    void muteAllForcesEveryNonModeratorOnStage() {
        TestRoom t = withAttendeeOnStage();
        t.speaker("s");
        t.ok(t.room.joinStage("s"));
        t.ok(t.room.setMicrophone("s", true));
        t.ok(t.room.joinStage(MOD));
        t.ok(t.room.setMicrophone(MOD, true));
        t.attendee("viewer");
        List<Delivery> d = t.ok(t.room.forceOffAll(MOD, TrackKind.MICROPHONE));
        assertEquals(2, events(d, Audience.MEDIA_PLANE, TrackForcedMute.class).size());
        assertTrue(t.p("a").microphoneForcedOff());
        assertTrue(t.p("s").microphoneForcedOff());
        assertFalse(t.p(MOD).microphoneForcedOff());
        assertTrue(t.p(MOD).microphoneOn());
        assertFalse(t.p("viewer").microphoneForcedOff());
    }

    @Test
    void camerasOffAllSkipsThoseAlreadyForced() {
        TestRoom t = withAttendeeOnStage();
        t.ok(t.room.forceOff(MOD, "a", TrackKind.CAMERA));
        t.noOp(() -> t.room.forceOffAll(MOD, TrackKind.CAMERA));
    }

    @Test
    void speakerOnStageSharesScreen() {
        TestRoom t = TestRoom.live(AccessMode.CLOSED);
        t.speaker("s");
        t.ok(t.room.joinStage("s"));
        t.ok(t.room.setScreenShare("s", true));
        assertTrue(t.p("s").screenSharing());
        t.ok(t.room.setScreenShare("s", false));
        assertFalse(t.p("s").screenSharing());
    }

    @Test
    void attendeeCannotShareScreen() {
        TestRoom t = withAttendeeOnStage();
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.setScreenShare("a", true));
    }

    @Test
    void speakerOffStageCannotShareScreen() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.speaker("s");
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.setScreenShare("s", true));
    }

    @Test
    void secondScreenShareIsInvalidState() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.speaker("s");
        t.ok(t.room.joinStage("s"));
        t.ok(t.room.joinStage(MOD));
        t.ok(t.room.setScreenShare("s", true));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.setScreenShare(MOD, true));
    }

    @Test
    void removalStopsScreenShare() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.speaker("s");
        t.ok(t.room.joinStage("s"));
        t.ok(t.room.setScreenShare("s", true));
        t.ok(t.room.removeFromStage(MOD, "s"));
        assertFalse(t.p("s").screenSharing());
        t.ok(t.room.joinStage(MOD));
        t.ok(t.room.setScreenShare(MOD, true));
    }

    @Test
    void moderatorSpotlightsSomeoneOnStage() {
        TestRoom t = withAttendeeOnStage();
        List<Delivery> d = t.ok(t.room.spotlight(MOD, "a"));
        assertEquals(List.of(new Delivery(Audience.EVERYONE, new SpotlightChanged("a"))), d);
        assertEquals("a", t.room.snapshot("a").spotlight());
        t.noOp(() -> t.room.spotlight(MOD, "a"));
        t.ok(t.room.spotlight(MOD, null));
        assertNull(t.room.snapshot("a").spotlight());
    }

    @Test
    void spotlightingViewerIsInvalidState() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.attendee("a");
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.spotlight(MOD, "a"));
    }

    @Test
    void attendeeCannotSpotlight() {
        TestRoom t = withAttendeeOnStage();
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.spotlight("a", "a"));
    }
}
