package io.stagecast.signaling.token;

import java.time.Instant;
import java.util.Objects;

/**
 * What a join token grants: who may join which room, in which role, until when.
 *
 * @param room          the room the token is valid for
 * @param participantId stable id of the participant; {@code null} when minting a token for "whoever
 *                      opens the link" (verification then assigns a fresh random id on every join)
 * @param displayName   name to show, or {@code null} when the token names nobody
 * @param role          the participant's role
 * @param viewOnly      the token forbids publishing, whatever the role
 * @param expiresAt     end of validity; tokens carry whole seconds, so minting drops sub-second parts
 * @param tokenId       the JWT id ({@code jti}); {@code null} when minting lets {@link JoinTokens} choose one,
 *                      and after verifying a reusable token minted elsewhere without one
 * @param singleUse     the token may be redeemed only once (tracked per {@code tokenId})
 * @param named         the token names its participant (claim {@code sub}); false when every use of it
 *                      is a new person with a fresh random id, so the id proves nothing about who used it
 */
public record JoinGrant(String room, String participantId, String displayName, Role role, boolean viewOnly,
                        Instant expiresAt, String tokenId, boolean singleUse, boolean named) {

    /** A grant as minted: it names a participant exactly when {@code participantId} is set. */
    public JoinGrant(String room, String participantId, String displayName, Role role, boolean viewOnly,
                     Instant expiresAt, String tokenId, boolean singleUse) {
        this(room, participantId, displayName, role, viewOnly, expiresAt, tokenId, singleUse, participantId != null);
    }

    public JoinGrant {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (room.isBlank()) {
            throw new IllegalArgumentException("room must not be blank");
        }
    }

    /** A reusable grant for a named participant, publishing as the role allows; {@link JoinTokens} picks the token id. */
    public static JoinGrant of(String room, String participantId, String displayName, Role role, Instant expiresAt) {
        return new JoinGrant(room, participantId, displayName, role, false, expiresAt, null, false);
    }

    /** Whether the holder may publish media: the role allows it and the token is not view-only. */
    public boolean mayPublish() {
        return role.mayPublish() && !viewOnly;
    }
}
