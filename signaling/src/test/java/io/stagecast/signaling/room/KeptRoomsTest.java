package io.stagecast.signaling.room;

import io.stagecast.signaling.stage.AccessMode;
import io.stagecast.signaling.stage.SettingsChange;
import io.stagecast.signaling.stage.StageRoom;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JSON a room is kept in, in Redis: everything survives it, and what is not a kept room is refused. */
class KeptRoomsTest {

    @Test
    void aRoomSurvivesItsJsonExactly() {
        StageRoom stage = new StageRoom("r");
        assertTrue(stage.join("mod", "Mia", Role.MODERATOR, false, false).ok());
        assertTrue(stage.start("mod").ok());
        assertTrue(stage.changeSettings("mod", SettingsChange.NONE.withAccessMode(AccessMode.REQUEST)).ok());
        assertTrue(stage.join("sam", "Sam", Role.SPEAKER, false, true).ok());
        assertTrue(stage.join("ann", "Ann «Ä»", Role.ATTENDEE, false, false).ok());
        assertTrue(stage.requestStage("ann").ok());
        assertTrue(stage.raiseHand("ann").ok());
        assertTrue(stage.sendChat("ann", "héllo \"world\"\n", null).ok());
        assertTrue(stage.likeChat("mod", "m1", true).ok());
        assertTrue(stage.createPoll("mod", "Quiz?", List.of("a", "b", "c"), Set.of(2)).ok());
        assertTrue(stage.openPoll("mod", "p1").ok());
        assertTrue(stage.answerPoll("ann", "p1", 2).ok());
        assertTrue(stage.askQuestion("ann", "Why?").ok());
        assertTrue(stage.inviteToStage("mod", "ann").ok());
        assertTrue(stage.sendBackchannel("sam", "ready").ok());

        KeptRooms.Kept kept = new KeptRooms.Kept(KeptRooms.VERSION, 90_000, stage.durableState(),
                java.util.Map.of("single-use-1", "2030-01-01T10:00:00.123456789Z"));
        assertEquals(kept, KeptRooms.read(KeptRooms.write(kept)));
    }

    @Test
    void whatIsNotAKeptRoomOfThisVersionIsRefused() {
        String good = KeptRooms.write(new KeptRooms.Kept(KeptRooms.VERSION, 0, new StageRoom("r").durableState(), java.util.Map.of()));
        assertThrows(IllegalArgumentException.class, () -> KeptRooms.read("not json"));
        assertThrows(IllegalArgumentException.class, () -> KeptRooms.read("{}"));
        assertThrows(IllegalArgumentException.class, () -> KeptRooms.read("null"));
        assertThrows(IllegalArgumentException.class,
                () -> KeptRooms.read(good.replace("\"version\":" + KeptRooms.VERSION, "\"version\":99")));
        assertEquals(Rooms.IDLE_LIMIT, KeptRooms.idleLimitOf(KeptRooms.read(good)));
    }

    @Test
    void aFullRoomIsKeptInABoundedSize() {
        StageRoom stage = new StageRoom("big");
        assertTrue(stage.join("mod", "Mia", Role.MODERATOR, false, false).ok());
        assertTrue(stage.start("mod").ok());
        int people = io.stagecast.signaling.stage.StageLimits.DEFAULTS.maxParticipants();
        for (int i = 1; i < people; i++) {
            assertTrue(stage.join("participant-" + i, "Participant number " + i, Role.ATTENDEE, false, false).ok());
        }
        long start = System.nanoTime();
        String json = KeptRooms.write(new KeptRooms.Kept(KeptRooms.VERSION, 0, stage.durableState(), java.util.Map.of()));
        long micros = (System.nanoTime() - start) / 1_000;
        System.out.printf("a room of %d people is kept in %d bytes (%d per person), written in %d us%n",
                people, json.length(), json.length() / people, micros);
        // People as arrays, not objects (306 B each as objects).
        assertTrue(json.length() / people < 150, json.length() + " bytes for " + people + " people");
    }
}
