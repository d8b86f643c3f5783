package io.stagecast.signaling.stage;

import io.stagecast.signaling.stage.StageEvent.*;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.stagecast.signaling.stage.TestRoom.MOD;
import static io.stagecast.signaling.stage.TestRoom.events;
import static org.junit.jupiter.api.Assertions.*;

/** The moderators' backchannel: moderators and speakers on stage only, never an attendee. */
class BackchannelTest {

    /** A moderator, a speaker on stage, a speaker in the audience, and an attendee on stage. */
    private static TestRoom room() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.speaker("s");
        t.ok(t.room.joinStage("s"));
        t.speaker("v");
        t.attendeeOnStage("a");
        return t;
    }

    @Test
    void onlyModeratorsAndSpeakersOnStageReceiveIt() {
        TestRoom t = room();
        List<Delivery> d = t.ok(t.room.sendBackchannel(MOD, "s, you're next"));
        BackchannelPosted posted = events(d, Audience.BACKSTAGE, BackchannelPosted.class).get(0);
        assertEquals(1, d.size(), "one delivery, to the backstage audience only");
        assertEquals("b1", posted.message().id());
        assertEquals(List.of(MOD, "s"), t.room.recipients(Audience.BACKSTAGE));
        assertNotNull(t.room.snapshot("s").backchannel());
        assertNull(t.room.snapshot("v").backchannel(), "a speaker in the audience");
        assertNull(t.room.snapshot("a").backchannel(), "an attendee, even on stage");
    }

    @Test
    void attendeesAndSpeakersOffStageMayNotWrite() {
        TestRoom t = room();
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.sendBackchannel("a", "let me in"));
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.sendBackchannel("v", "hello"));
        t.ok(t.room.sendBackchannel("s", "ready"));
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.sendBackchannel("s", " "));
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.sendBackchannel("s", "x".repeat(1001)));
    }

    @Test
    void aSpeakerRemovedFromStageStopsReceivingIt() {
        TestRoom t = room();
        t.ok(t.room.removeFromStage(MOD, "s"));
        assertEquals(List.of(MOD), t.room.recipients(Audience.BACKSTAGE));
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.sendBackchannel("s", "still here?"));
        assertNull(t.room.snapshot("s").backchannel());
    }

    @Test
    void aDemotedModeratorStopsReceivingIt() {
        TestRoom t = room();
        t.moderator("m2");
        assertTrue(t.room.recipients(Audience.BACKSTAGE).contains("m2"));
        t.ok(t.room.setRole(MOD, "m2", Role.ATTENDEE));
        assertFalse(t.room.recipients(Audience.BACKSTAGE).contains("m2"));
        assertNull(t.room.snapshot("m2").backchannel());
    }

    @Test
    void whoeverJoinsItGetsTheHistoryOnceAndOnlyThen() {
        TestRoom t = room();
        t.ok(t.room.sendBackchannel(MOD, "before v"));
        List<Delivery> d = t.ok(t.room.joinStage("v"));
        List<BackchannelHistory> history = events(d, Audience.only("v"), BackchannelHistory.class);
        assertEquals(1, history.size());
        assertEquals("before v", history.get(0).messages().get(0).text());
        assertEquals(List.of(), events(t.ok(t.room.setRole(MOD, "v", Role.MODERATOR)), BackchannelHistory.class),
                "already reading it");
        t.ok(t.room.removeFromStage(MOD, "s"));
        assertEquals(List.of(), events(t.ok(t.room.joinStage("s")), Audience.only("v"), BackchannelHistory.class),
                "nobody else is sent the history");
    }

    @Test
    void aPromotedAttendeeOnStageGetsTheHistory() {
        TestRoom t = room();
        t.ok(t.room.sendBackchannel("s", "hi"));
        List<Delivery> d = t.ok(t.room.setRole(MOD, "a", Role.SPEAKER));
        assertEquals(1, events(d, Audience.only("a"), BackchannelHistory.class).size());
    }

    @Test
    void ownMessagesOrModeratorsDelete() {
        TestRoom t = room();
        String mine = events(t.ok(t.room.sendBackchannel(MOD, "mod's")), BackchannelPosted.class).get(0).message().id();
        String theirs = events(t.ok(t.room.sendBackchannel("s", "s's")), BackchannelPosted.class).get(0).message().id();
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.deleteBackchannel("s", mine));
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.deleteBackchannel("a", theirs));
        List<Delivery> d = t.ok(t.room.deleteBackchannel("s", theirs));
        assertEquals(List.of(new Delivery(Audience.BACKSTAGE, new BackchannelDeleted(theirs, "s"))), d);
        t.ok(t.room.deleteBackchannel(MOD, mine));
        assertEquals(List.of(), t.room.backchannel());
        t.refused(RefusalCode.NOT_FOUND, () -> t.room.deleteBackchannel(MOD, mine));
    }

    @Test
    void itHasItsOwnRateWindowAndIgnoresThePublicChatSwitch() {
        TestRoom t = room();
        t.ok(t.room.changeSettings(MOD, SettingsChange.NONE.withChatEnabled(false)));
        for (int i = 0; i < 5; i++) {
            t.ok(t.room.sendBackchannel("s", "m" + i));
        }
        t.refused(RefusalCode.RATE_LIMITED, () -> t.room.sendBackchannel("s", "sixth"));
        t.time.advance(Duration.ofSeconds(5));
        t.ok(t.room.sendBackchannel("s", "later"));
    }

    @Test
    void theHistoryIsBounded() {
        TestRoom t = room();
        for (int i = 0; i < 101; i++) {
            t.time.advance(Duration.ofSeconds(1));
            t.ok(t.room.sendBackchannel(MOD, "m" + i));
        }
        List<ChatMessage> kept = t.room.backchannel();
        assertEquals(100, kept.size());
        assertEquals("m1", kept.get(0).text());
    }
}
