package io.stagecast.signaling.stage;

import io.stagecast.signaling.stage.StageEvent.*;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.stagecast.signaling.stage.TestRoom.MOD;
import static io.stagecast.signaling.stage.TestRoom.events;
import static org.junit.jupiter.api.Assertions.*;

class ChatTest {

    private static TestRoom room() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.attendee("a");
        t.attendee("b");
        return t;
    }

    private static String post(TestRoom t, String who, String text) {
        List<ChatPosted> posted = events(t.ok(t.room.sendChat(who, text, null)), ChatPosted.class);
        return posted.get(0).message().id();
    }

    @Test
    void messageCarriesSenderAndTimeAndGoesToEveryone() {
        TestRoom t = room();
        List<Delivery> d = t.ok(t.room.sendChat("a", "hello", null));
        ChatMessage m = events(d, Audience.EVERYONE, ChatPosted.class).get(0).message();
        assertEquals("a", m.senderId());
        assertEquals("Attendee a", m.senderName());
        assertEquals("hello", m.text());
        assertEquals(t.time.instant(), m.sentAt());
        assertEquals(List.of(m), t.room.snapshot("b").chat());
    }

    @Test
    void emptyMessageIsBadRequest() {
        TestRoom t = room();
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.sendChat("a", "   ", null));
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.sendChat("a", null, null));
    }

    @Test
    void overlongMessageIsBadRequest() {
        TestRoom t = room();
        t.ok(t.room.sendChat("a", "x".repeat(1000), null));
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.sendChat("a", "x".repeat(1001), null));
    }

    @Test
    void lengthCountsCharactersNotUtf16Units() {
        TestRoom t = room();
        t.ok(t.room.sendChat("a", "\uD83D\uDE00".repeat(1000), null));
    }

    @Test
    void sixthMessageWithinFiveSecondsIsRateLimited() {
        TestRoom t = room();
        for (int i = 0; i < 5; i++) {
            t.ok(t.room.sendChat("a", "m" + i, null));
            t.time.advance(Duration.ofMillis(500));
        }
        t.refused(RefusalCode.RATE_LIMITED, () -> t.room.sendChat("a", "too fast", null));
        t.ok(t.room.sendChat("b", "others are not limited by a", null));
        t.time.advance(Duration.ofMillis(2500));
        t.ok(t.room.sendChat("a", "window moved on", null));
    }

    @Test
    void replyNamesTheMessageAnswered() {
        TestRoom t = room();
        String first = post(t, "a", "question?");
        ChatMessage reply = events(t.ok(t.room.sendChat("b", "answer", first)), ChatPosted.class).get(0).message();
        assertEquals(first, reply.replyTo());
    }

    @Test
    void replyToUnknownMessageIsNotFound() {
        TestRoom t = room();
        t.refused(RefusalCode.NOT_FOUND, () -> t.room.sendChat("a", "hm", "m999"));
    }

    @Test
    void likesAreCountedOncePerParticipant() {
        TestRoom t = room();
        String id = post(t, "a", "like me");
        assertEquals(List.of(new Delivery(Audience.EVERYONE, new ChatLikes(id, 1))), t.ok(t.room.likeChat("b", id, true)));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.likeChat("b", id, true));
        t.ok(t.room.likeChat(MOD, id, true));
        assertEquals(2, t.room.snapshot("a").chat().get(0).likes());
        assertEquals(List.of(new Delivery(Audience.EVERYONE, new ChatLikes(id, 1))), t.ok(t.room.likeChat("b", id, false)));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.likeChat("b", id, false));
    }

    @Test
    void likingUnknownMessageIsNotFound() {
        TestRoom t = room();
        t.refused(RefusalCode.NOT_FOUND, () -> t.room.likeChat("a", "m1", true));
    }

    @Test
    void senderDeletesOwnMessage() {
        TestRoom t = room();
        String id = post(t, "a", "oops");
        assertEquals(List.of(new Delivery(Audience.EVERYONE, new ChatDeleted(id, "a"))), t.ok(t.room.deleteChat("a", id)));
        assertEquals(List.of(), t.room.snapshot("a").chat());
    }

    @Test
    void attendeeCannotDeleteOthersMessage() {
        TestRoom t = room();
        String id = post(t, "a", "mine");
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.deleteChat("b", id));
    }

    @Test
    void moderatorDeletesAnyMessage() {
        TestRoom t = room();
        String id = post(t, "a", "spam");
        t.ok(t.room.deleteChat(MOD, id));
        t.refused(RefusalCode.NOT_FOUND, () -> t.room.deleteChat(MOD, id));
    }

    @Test
    void moderatorPinsAndUnpins() {
        TestRoom t = room();
        String id = post(t, "a", "important");
        assertEquals(List.of(new Delivery(Audience.EVERYONE, new ChatPinned(id))), t.ok(t.room.pinChat(MOD, id)));
        assertEquals(id, t.room.snapshot("b").pinnedMessageId());
        t.noOp(() -> t.room.pinChat(MOD, id));
        assertEquals(List.of(new Delivery(Audience.EVERYONE, new ChatPinned(null))), t.ok(t.room.pinChat(MOD, null)));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.pinChat(MOD, null));
    }

    @Test
    void attendeeCannotPin() {
        TestRoom t = room();
        String id = post(t, "a", "me me me");
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.pinChat("a", id));
    }

    @Test
    void pinningUnknownMessageIsNotFound() {
        TestRoom t = room();
        t.refused(RefusalCode.NOT_FOUND, () -> t.room.pinChat(MOD, "m42"));
    }

    @Test
    void deletingPinnedMessageUnpinsIt() {
        TestRoom t = room();
        String id = post(t, "a", "pinned");
        t.ok(t.room.pinChat(MOD, id));
        List<Delivery> d = t.ok(t.room.deleteChat("a", id));
        assertTrue(d.contains(new Delivery(Audience.EVERYONE, new ChatPinned(null))));
        assertNull(t.room.snapshot("a").pinnedMessageId());
    }

    @Test
    void moderatorClearsHistory() {
        TestRoom t = room();
        String id = post(t, "a", "one");
        t.ok(t.room.pinChat(MOD, id));
        assertEquals(List.of(new Delivery(Audience.EVERYONE, new ChatCleared(MOD))), t.ok(t.room.clearChat(MOD)));
        assertEquals(List.of(), t.room.snapshot("a").chat());
        assertNull(t.room.snapshot("a").pinnedMessageId());
        t.noOp(() -> t.room.clearChat(MOD));
    }

    @Test
    void attendeeCannotClearChat() {
        TestRoom t = room();
        post(t, "a", "one");
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.clearChat("a"));
    }

    @Test
    void historyIsBoundedAndDropsOldestFirst() {
        TestRoom t = room();
        for (int i = 0; i < 201; i++) {
            t.ok(t.room.sendChat(MOD, "n" + i, null));
            t.time.advance(Duration.ofSeconds(1));
        }
        List<ChatMessage> chat = t.room.snapshot("a").chat();
        assertEquals(200, chat.size());
        assertEquals("n1", chat.get(0).text());
        assertEquals("n200", chat.get(199).text());
    }

    @Test
    void pinnedMessageFallingOutOfHistoryIsUnpinned() {
        TestRoom t = room();
        String id = post(t, MOD, "first");
        t.ok(t.room.pinChat(MOD, id));
        List<Delivery> last = List.of();
        for (int i = 0; i < 200; i++) {
            t.time.advance(Duration.ofSeconds(1));
            last = t.ok(t.room.sendChat(MOD, "n" + i, null));
        }
        assertTrue(last.contains(new Delivery(Audience.EVERYONE, new ChatPinned(null))));
        assertNull(t.room.snapshot(MOD).pinnedMessageId());
    }

    @Test
    void blockedParticipantCannotChatOrLike() {
        TestRoom t = room();
        String id = post(t, "b", "hi");
        t.ok(t.room.blockChat(MOD, "a", true));
        assertTrue(t.p("a").chatBlocked());
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.sendChat("a", "let me speak", null));
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.likeChat("a", id, true));
        t.ok(t.room.blockChat(MOD, "a", false));
        t.ok(t.room.sendChat("a", "thanks", null));
    }

    @Test
    void blockingTwiceIsInvalidState() {
        TestRoom t = room();
        t.ok(t.room.blockChat(MOD, "a", true));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.blockChat(MOD, "a", true));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.blockChat(MOD, "b", false));
    }

    @Test
    void moderatorsCannotBeBlocked() {
        TestRoom t = room();
        t.moderator("m2");
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.blockChat(MOD, "m2", true));
    }

    @Test
    void attendeeCannotBlock() {
        TestRoom t = room();
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.blockChat("a", "b", true));
    }

    @Test
    void chatOffRefusesAttendeesButNotModerators() {
        TestRoom t = room();
        t.ok(t.room.changeSettings(MOD, SettingsChange.NONE.withChatEnabled(false)));
        t.refused(RefusalCode.INVALID_STATE, () -> t.room.sendChat("a", "hello?", null));
        t.ok(t.room.sendChat(MOD, "chat is paused", null));
    }
}
