package io.stagecast.bench.soak;

import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.JoinTokens;
import io.stagecast.signaling.token.RandomIds;
import io.stagecast.signaling.token.Role;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Join tokens minted with the node's {@code token.secret}, as the load generator does against a
 * node of its own: every join is a new participant (an id of its own), so a churn never resumes
 * someone still held in the reconnect grace.
 */
final class SoakTokens {
    private static final Duration TTL = Duration.ofHours(2);

    private final JoinTokens tokens;
    private final String room;

    SoakTokens(String secret, String room) {
        this.tokens = new JoinTokens(secret.getBytes(StandardCharsets.UTF_8), Clock.systemUTC());
        this.room = room;
    }

    String room() {
        return room;
    }

    /** A moderator, who goes on stage and starts the session. */
    String publisher(String name) {
        return mint(name, Role.MODERATOR);
    }

    String viewer(String name) {
        return mint(name, Role.ATTENDEE);
    }

    private String mint(String name, Role role) {
        return tokens.mint(JoinGrant.of(room, RandomIds.participantId(), name, role, Instant.now().plus(TTL)));
    }
}
