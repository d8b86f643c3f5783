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
        Duration actionWindow) {

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
            20, Duration.ofSeconds(10));

    /** The same limits with another reconnect grace (configuration). */
    public StageLimits withReconnectGrace(Duration grace) {
        return new StageLimits(grace, invitationTtl, nameMaxChars, chatMaxChars, chatHistory, chatBurst, chatWindow,
                reactionBurst, reactionWindow, reactionEmoji, pollMaxOptions, pollTextMaxChars, actionBurst, actionWindow);
    }

    public StageLimits {
        reactionEmoji = Set.copyOf(reactionEmoji);
    }
}
