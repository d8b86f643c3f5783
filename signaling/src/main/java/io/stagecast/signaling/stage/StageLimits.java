package io.stagecast.signaling.stage;

import java.time.Duration;
import java.util.Set;

/** Bounds and timers of the stage rules; {@link #DEFAULTS} is what the product ships with. */
public record StageLimits(
        Duration reconnectGrace,
        Duration invitationTtl,
        int nameMaxChars,
        int chatMaxChars,
        int chatHistory,
        int chatBurst,
        Duration chatWindow,
        int reactionBurst,
        Duration reactionWindow,
        Set<String> reactionEmoji,
        int pollMaxOptions,
        int pollTextMaxChars,
        int actionBurst,
        Duration actionWindow,
        QaLimits qa,
        int backchannelHistory,
        int maxParticipants,
        int maxPolls) {

    /**
     * Moderators may join a room that holds {@link #maxParticipants()} by this many more: a full
     * room must still let in the people who run it, and a moderator link shared by a crowd still
     * cannot grow the room without bound.
     */
    public static final int MODERATOR_HEADROOM = 16;

    /**
     * Q&amp;A bounds: a question's and an answer's length, how many questions a room keeps (asking
     * into a full list is refused: questions are not dropped behind the moderators' backs), and how
     * often one participant may ask.
     */
    public record QaLimits(int questionMaxChars, int answerMaxChars, int maxQuestions, int askBurst,
                           Duration askWindow) {
        /** 300 characters (a tweet's worth more than a poll option), 1000 for answers, 200 questions, 3 per 30 s. */
        public static final QaLimits DEFAULTS = new QaLimits(300, 1000, 200, 3, Duration.ofSeconds(30));
    }

    public static final StageLimits DEFAULTS = new StageLimits(
            Duration.ofSeconds(30),
            Duration.ofSeconds(60),
            64,
            1000,
            200,
            5, Duration.ofSeconds(5),
            10, Duration.ofSeconds(5),
            Set.of("\uD83D\uDC4D", "\u2764\uFE0F", "\uD83D\uDE02", "\uD83D\uDE2E", "\uD83D\uDC4F", "\uD83C\uDF89",
                    "\uD83D\uDE4C", "\uD83E\uDD14"),
            10,
            300,
            // Every other request that pushes events to the room: hands, stage requests, media
            // toggles, likes, moderation. 20 in 10 s is more than a person clicks, even a moderator
            // working through a queue of requests.
            20, Duration.ofSeconds(10),
            QaLimits.DEFAULTS,
            // The backchannel is a side conversation of a few people: the last 100 messages are enough
            // for a speaker arriving on stage to catch up.
            100,
            // Everyone in the room (lobby and those within their reconnect grace included): a node
            // carries a few thousand viewers (docs/benchmarks.md), so one room may take all of them.
            5_000,
            // A room keeps every poll it ran (results stay readable); 100 is more than a day of
            // webinars runs, and bounds what a moderator's script could pile up.
            100);

    /** The same limits with another reconnect grace (configuration). */
    public StageLimits withReconnectGrace(Duration grace) {
        return new StageLimits(grace, invitationTtl, nameMaxChars, chatMaxChars, chatHistory, chatBurst, chatWindow,
                reactionBurst, reactionWindow, reactionEmoji, pollMaxOptions, pollTextMaxChars, actionBurst, actionWindow, qa, backchannelHistory,
                maxParticipants, maxPolls);
    }

    /** The same limits with another cap of participants per room ({@code rooms.max-participants}). */
    public StageLimits withMaxParticipants(int max) {
        return new StageLimits(reconnectGrace, invitationTtl, nameMaxChars, chatMaxChars, chatHistory, chatBurst, chatWindow,
                reactionBurst, reactionWindow, reactionEmoji, pollMaxOptions, pollTextMaxChars, actionBurst, actionWindow, qa,
                backchannelHistory, max, maxPolls);
    }

    /** The same limits with another cap of polls per room (tests). */
    public StageLimits withMaxPolls(int max) {
        return new StageLimits(reconnectGrace, invitationTtl, nameMaxChars, chatMaxChars, chatHistory, chatBurst, chatWindow,
                reactionBurst, reactionWindow, reactionEmoji, pollMaxOptions, pollTextMaxChars, actionBurst, actionWindow, qa,
                backchannelHistory, maxParticipants, max);
    }

    /** The same limits with other Q&amp;A bounds (tests). */
    public StageLimits withQa(QaLimits value) {
        return new StageLimits(reconnectGrace, invitationTtl, nameMaxChars, chatMaxChars, chatHistory, chatBurst, chatWindow,
                reactionBurst, reactionWindow, reactionEmoji, pollMaxOptions, pollTextMaxChars, actionBurst, actionWindow,
                value, backchannelHistory, maxParticipants, maxPolls);
    }

    public StageLimits {
        reactionEmoji = Set.copyOf(reactionEmoji);
        if (maxParticipants < 1 || maxPolls < 1) {
            throw new IllegalArgumentException("a room takes at least one participant and one poll");
        }
    }
}
