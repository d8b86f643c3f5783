package io.stagecast.signaling.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.stagecast.signaling.stage.StageRoom;
import io.stagecast.signaling.token.InvitationLinks;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.JoinTokens;
import io.stagecast.signaling.token.RandomIds;
import io.stagecast.signaling.token.Role;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;

/**
 * Join tokens and invitation links for a room, minted by the node with its signing key: a person's
 * ({@code participantId} set: reconnecting with it resumes that participant) or a shared link
 * (no {@code participantId}: everyone who opens it is a new participant, e.g. the attendee link).
 * The room need not exist yet: the first valid token makes it, as always.
 */
final class TokensApi {
    static final Duration DEFAULT_TTL = Duration.ofHours(24);
    static final Duration MAX_TTL = Duration.ofDays(30);
    static final int MAX_ID_CHARS = 64;
    static final int MAX_NAME_CHARS = 200;

    private final JoinTokens tokens;
    private final Supplier<String> baseUrl;

    TokensApi(JoinTokens tokens, Supplier<String> baseUrl) {
        this.tokens = tokens;
        this.baseUrl = baseUrl;
    }

    FullHttpResponse mint(String room, FullHttpRequest request) throws ApiError {
        ApiBodies.MintToken body = ApiJson.read(request, ApiBodies.MintToken.class);
        if (body.role() == null) {
            throw ApiError.badRequest("role is required: moderator, speaker or attendee");
        }
        Role role;
        try {
            role = Role.fromWire(body.role());
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
        String id = body.participantId();
        if (id != null && (id.isBlank() || id.length() > MAX_ID_CHARS || id.equals(StageRoom.SERVER)
                || id.chars().anyMatch(c -> c < 0x20 || c == 0x7f))) {
            throw ApiError.badRequest("participantId is 1-" + MAX_ID_CHARS + " characters, no control characters, not "
                    + StageRoom.SERVER);
        }
        if (body.name() != null && (body.name().isBlank() || body.name().length() > MAX_NAME_CHARS)) {
            throw ApiError.badRequest("name is 1-" + MAX_NAME_CHARS + " characters");
        }
        Duration ttl = body.ttlSeconds() == null ? DEFAULT_TTL : Duration.ofSeconds(body.ttlSeconds());
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw ApiError.badRequest("ttlSeconds must be 1.." + MAX_TTL.toSeconds());
        }
        boolean viewOnly = Boolean.TRUE.equals(body.viewOnly());
        boolean singleUse = Boolean.TRUE.equals(body.singleUse());
        Instant expiresAt = Instant.now().plus(ttl).truncatedTo(ChronoUnit.SECONDS);
        String token = tokens.mint(new JoinGrant(room, id, body.name(), role, viewOnly, expiresAt, RandomIds.tokenId(),
                singleUse));
        ObjectNode out = ApiJson.object();
        out.put("room", room);
        out.put("role", role.wireName());
        out.put("participantId", id);
        out.put("name", body.name());
        out.put("viewOnly", viewOnly);
        out.put("singleUse", singleUse);
        out.put("expiresAt", expiresAt.toString());
        out.put("token", token);
        out.put("url", InvitationLinks.url(baseUrl.get(), room, token));
        return ApiJson.ok(HttpResponseStatus.CREATED, out);
    }
}
