package io.stagecast.signaling.stage;

import io.stagecast.signaling.stage.StageEvent.*;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.stagecast.signaling.stage.TestRoom.MOD;
import static org.junit.jupiter.api.Assertions.*;

class ReactionTest {
    private static final String CLAP = "\uD83D\uDC4F";

    @Test
    void reactionIsBroadcastAndNotStored() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.attendee("a");
        String before = t.room.debugState();
        assertEquals(List.of(new Delivery(Audience.EVERYONE, new Reaction("a", CLAP))), t.ok(t.room.react("a", CLAP)));
        assertEquals(List.of(), t.room.snapshot("a").chat());
        assertNotEquals(before, t.room.debugState(), "only the rate window moved");
    }

    @Test
    void emojiOutsideAllowedSetIsBadRequest() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.attendee("a");
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.react("a", "\uD83D\uDCA9"));
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.react("a", "<script>"));
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.react("a", null));
    }

    @Test
    void reactionsAreRateLimited() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.attendee("a");
        for (int i = 0; i < 10; i++) {
            t.ok(t.room.react("a", CLAP));
        }
        t.refused(RefusalCode.RATE_LIMITED, () -> t.room.react("a", CLAP));
        t.time.advance(Duration.ofSeconds(5));
        t.ok(t.room.react("a", CLAP));
    }

    @Test
    void reactionsOffIsInvalidState() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.attendee("a");
        t.ok(t.room.changeSettings(MOD, SettingsChange.NONE.withReactionsEnabled(false)));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.react("a", CLAP));
    }
}
