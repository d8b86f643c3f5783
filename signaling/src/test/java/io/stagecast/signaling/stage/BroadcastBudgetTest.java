package io.stagecast.signaling.stage;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.stagecast.signaling.stage.TestRoom.MOD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A large room's chat and reactions have a budget of deliveries (what the node writes to the
 * room's sessions), beside each person's own limit: there, everyone chatting at their own limit
 * would ask the node for N^2 writes a second.
 */
class BroadcastBudgetTest {
    private static final long CAPACITY = BroadcastBudget.DELIVERIES_PER_SECOND * BroadcastBudget.BURST_SECONDS;

    private static TestRoom largeRoom(int attendees) {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        for (int i = 0; i < attendees; i++) {
            t.attendee("a" + i);
        }
        return t;
    }

    @Test
    void aLargeRoomsChatSlowsDownRoomWideWhileAModeratorStillGetsThrough() {
        TestRoom t = largeRoom(1_000);
        int size = t.room.memberCount();
        long fits = CAPACITY / size; // each message costs the room's size
        int sender = 0;
        for (; sender < fits; sender++) {
            t.ok(t.room.sendChat("a" + sender, "hi " + sender, null));
        }
        final int next = sender;
        Outcome.Refused refused = t.refused(RefusalCode.RATE_LIMITED, () -> t.room.sendChat("a" + next, "one more", null));
        assertTrue(refused.message().contains("the room is busy"), refused.message());
        assertEquals(fits, t.room.snapshot(MOD).chat().size(), "the refused message is not in the chat");
        t.ok(t.room.sendChat(MOD, "a moderator's announcement gets out", null));
        t.ok(t.room.react("a" + next, "👏")); // reactions have their own budget
        t.time.advance(Duration.ofSeconds(1));
        long perSecond = BroadcastBudget.DELIVERIES_PER_SECOND / size;
        for (int i = 0; i < perSecond; i++) {
            t.ok(t.room.sendChat("a" + (next + i), "later " + i, null));
        }
        t.refused(RefusalCode.RATE_LIMITED, () -> t.room.sendChat("a" + (next + perSecond), "too soon", null));
    }

    @Test
    void aSmallRoomNeverMeetsIt() {
        TestRoom t = largeRoom(20);
        // Everyone at their own limit (5 per 5 s), over and over: 21 people x 5 = 105 messages per 5 s.
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 20; i++) {
                for (int k = 0; k < StageLimits.DEFAULTS.chatBurst(); k++) {
                    t.ok(t.room.sendChat("a" + i, "m" + k, null));
                }
            }
            t.time.advance(StageLimits.DEFAULTS.chatWindow());
        }
    }
}
