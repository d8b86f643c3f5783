package io.stagecast.bench;

import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.JoinTokens;
import io.stagecast.signaling.token.RandomIds;
import io.stagecast.signaling.token.Role;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * Join tokens minted here with the node's {@code token.secret} (key {@code default}): what the
 * capacity scripts use against a node they started themselves. Each participant gets a name and an
 * id of its own, as a person's invitation would.
 */
final class LocallyMintedTokens implements JoinCredentials {
    private static final Duration TTL = Duration.ofHours(1);

    private final JoinTokens tokens;
    private final String room;

    LocallyMintedTokens(byte[] secret, String room) {
        this.tokens = new JoinTokens(secret, Clock.systemUTC());
        this.room = room;
    }

    @Override
    public String room() {
        return room;
    }

    @Override
    public CompletableFuture<String> publisherToken(int index) {
        return CompletableFuture.completedFuture(mint("publisher-" + index, Role.MODERATOR));
    }

    @Override
    public CompletableFuture<String> viewerToken(int index) {
        return CompletableFuture.completedFuture(mint("viewer-" + index, Role.ATTENDEE));
    }

    private String mint(String name, Role role) {
        return tokens.mint(JoinGrant.of(room, RandomIds.participantId(), name, role, Instant.now().plus(TTL)));
    }

    @Override
    public String describe() {
        return "join tokens minted with --token-secret";
    }
}
