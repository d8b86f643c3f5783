package io.stagecast.signaling.stage;

import io.stagecast.signaling.stage.StageEvent.*;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.stagecast.signaling.stage.TestRoom.MOD;
import static io.stagecast.signaling.stage.TestRoom.events;
import static org.junit.jupiter.api.Assertions.*;

/** The application's server acts on the room with a moderator's powers, the same rules and refusals. */
class ServerActorTest {
    private static final String SERVER = StageRoom.SERVER;

    @Test
    void theServerStartsASessionWithNoModeratorInTheRoom() {
        TestRoom t = TestRoom.notStarted(AccessMode.REQUEST);
        t.ok(t.room.join("a", "Ann", Role.ATTENDEE, false, false));
        List<Delivery> d = t.ok(t.room.start(SERVER));
        assertEquals(List.of(new SessionStarted(SERVER)), events(d, Audience.EVERYONE, SessionStarted.class));
        assertEquals(Place.VIEWER, t.p("a").place());
        assertTrue(t.room.participant(SERVER).isEmpty(), "the server is in no list");
    }

    @Test
    void noParticipantMayJoinUnderTheServersId() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.join(SERVER, "Mallory", Role.MODERATOR, false, false));
    }

    @Test
    void theServerBringsAViewerToStageAndRemovesThemAgain() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.attendee("a");
        List<Delivery> d = t.ok(t.room.bringToStage(SERVER, "a"));
        assertTrue(TestRoom.delivered(d, Audience.MEDIA_PLANE, new PublishPermissionChanged("a", true, false)));
        assertEquals(Place.STAGE, t.p("a").place());
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.bringToStage(SERVER, "a"));
        d = t.ok(t.room.removeFromStage(SERVER, "a"));
        assertEquals(List.of(new MovedToViewer("a", StageExit.REMOVED, SERVER)), events(d, MovedToViewer.class));
    }

    @Test
    void bringingToAClosedStageRefusesAttendeesAndPhonesAlways() {
        TestRoom t = TestRoom.live(AccessMode.CLOSED);
        t.attendee("a");
        t.ok(t.room.join("phone", "Phone", Role.SPEAKER, true, false));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.bringToStage(SERVER, "a"));
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.bringToStage(MOD, "phone"));
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.bringToStage("a", MOD));
    }

    @Test
    void theServerRemovesSomeoneFromTheRoomButNeverTheLastModerator() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.attendee("a");
        List<Delivery> d = t.ok(t.room.removeFromRoom(SERVER, "a"));
        assertEquals(List.of(new ParticipantRemoved("a", RemovalReason.REMOVED)), events(d, ParticipantRemoved.class));
        assertTrue(t.room.participant("a").isEmpty());
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.removeFromRoom(SERVER, MOD));
        t.refused(RefusalCode.NOT_FOUND, () -> t.room.removeFromRoom(SERVER, "a"));
    }

    @Test
    void theServerDoesNotActAsAParticipant() {
        TestRoom t = TestRoom.live(AccessMode.OPEN);
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.joinStage(SERVER));
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.raiseHand(SERVER));
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.sendChat(SERVER, "hi", null));
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.sendBackchannel(SERVER, "hi"));
    }

    @Test
    void theServerIsNotRateLimitedAndEndsTheSession() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.attendee("a");
        for (int i = 0; i < 30; i++) {
            t.ok(t.room.blockChat(SERVER, "a", i % 2 == 0));
        }
        t.ok(t.room.end(SERVER));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.start(SERVER));
    }
}
