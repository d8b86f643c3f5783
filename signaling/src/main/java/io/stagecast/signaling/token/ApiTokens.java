package io.stagecast.signaling.token;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.stagecast.signaling.token.TokenError.Code;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Short-lived tokens that authenticate a server-to-server REST API call ({@code Authorization: Bearer}):
 * compact HS256 JWS signed by an API key, the key named in the header {@code kid}.
 *
 * <p>Header: {@code alg} HS256, {@code typ} {@value #TYPE_NAME} (explicit typing, RFC 8725 section 3.11:
 * a join token is never taken for an API token, nor the reverse, although the same keys sign both),
 * {@code kid}. Claims: {@code iss} and {@code sub} the key id, {@code aud} {@value #AUDIENCE},
 * {@code iat}, {@code exp} at most {@link #MAX_LIFETIME} after it, {@code jti}, and {@code grants}
 * ({@link ApiGrants}). Thread-safe.
 */
public final class ApiTokens {

    public static final String TYPE_NAME = "stagecast-api+jwt";
    static final JOSEObjectType TYPE = new JOSEObjectType(TYPE_NAME);
    public static final String AUDIENCE = "stagecast-api";
    /** A leaked API token is a master key while it lasts: keep that short (LiveKit's CLI uses minutes too). */
    public static final Duration MAX_LIFETIME = Duration.ofMinutes(10);
    static final String CLAIM_GRANTS = "grants";
    static final String GRANT_ROOM_CREATE = "roomCreate";
    static final String GRANT_ROOM_LIST = "roomList";
    static final String GRANT_ROOM_ADMIN = "roomAdmin";

    private final KeyedJws jws;
    private final Clock clock;

    public ApiTokens(ApiKeys keys, Clock clock) {
        this.jws = new KeyedJws(keys);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * A token signed by the signing key of the keys, valid for {@code ttl}.
     *
     * @throws IllegalArgumentException if {@code ttl} is not positive or longer than {@link #MAX_LIFETIME}
     */
    public String mint(ApiGrants grants, Duration ttl) {
        Objects.requireNonNull(grants, "grants");
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_LIFETIME) > 0) {
            throw new IllegalArgumentException("an API token lives more than 0 and at most " + MAX_LIFETIME
                    + ", not " + ttl);
        }
        String kid = jws.keys().signingKey().id();
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Map<String, Object> grantClaim = new LinkedHashMap<>();
        if (grants.roomCreate()) {
            grantClaim.put(GRANT_ROOM_CREATE, true);
        }
        if (grants.roomList()) {
            grantClaim.put(GRANT_ROOM_LIST, true);
        }
        if (grants.roomAdmin() != null) {
            grantClaim.put(GRANT_ROOM_ADMIN, grants.roomAdmin());
        }
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(kid)
                .subject(kid)
                .audience(AUDIENCE)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(RandomIds.tokenId())
                .claim(CLAIM_GRANTS, grantClaim)
                .build();
        return jws.sign(TYPE, claims);
    }

    /**
     * Checks an API token: the checks of a join token's signature (size, HS256, known {@code kid}, signature),
     * then type, issuer and subject equal to the key id, audience, expiry (with
     * {@link JoinTokens#CLOCK_SKEW}), lifetime, and the grants' types. Unknown grant names are ignored
     * (a newer client may know more); they allow nothing here.
     *
     * @throws TokenError for every way a token string can be wrong; no other exception for any input
     */
    public ApiCaller verify(String token) throws TokenError {
        SignedJWT jwt = jws.verify(token);
        if (!TYPE.equals(jwt.getHeader().getType())) {
            throw new TokenError(Code.WRONG_TYPE, "not an API token (header typ must be " + TYPE_NAME + ")");
        }
        String kid = jwt.getHeader().getKeyID() != null ? jwt.getHeader().getKeyID() : ApiKeys.LEGACY_ID;
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException | RuntimeException e) {
            throw new TokenError(Code.MALFORMED, "token payload is not a JSON claims set", e);
        }
        if (!kid.equals(claims.getIssuer()) || !kid.equals(claims.getSubject())) {
            throw new TokenError(Code.MALFORMED, "iss and sub of an API token are the id of the key that signed it");
        }
        List<String> audience = claims.getAudience();
        if (audience == null || !audience.contains(AUDIENCE)) {
            throw new TokenError(Code.MALFORMED, "aud of an API token is '" + AUDIENCE + "'");
        }
        Instant expiresAt = checkTimes(claims, clock.instant());
        return new ApiCaller(kid, readGrants(claims), expiresAt, claims.getJWTID());
    }

    private static Instant checkTimes(JWTClaimsSet claims, Instant now) throws TokenError {
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new TokenError(Code.MISSING_CLAIM, "claim 'exp' missing");
        }
        Instant expiresAt = exp.toInstant();
        if (now.isAfter(expiresAt.plus(JoinTokens.CLOCK_SKEW))) {
            throw new TokenError(Code.EXPIRED, "API token expired at " + expiresAt);
        }
        // Both bounds: a token minted elsewhere could claim a recent iat with a far exp, or no iat at all.
        if (expiresAt.isAfter(now.plus(MAX_LIFETIME).plus(JoinTokens.CLOCK_SKEW))) {
            throw new TokenError(Code.LIFETIME_TOO_LONG, "API token valid until " + expiresAt + ", more than "
                    + MAX_LIFETIME + " ahead");
        }
        Date iat = claims.getIssueTime();
        if (iat != null && Duration.between(iat.toInstant(), expiresAt).compareTo(MAX_LIFETIME) > 0) {
            throw new TokenError(Code.LIFETIME_TOO_LONG, "API token lives longer than " + MAX_LIFETIME);
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && nbf.toInstant().isAfter(now.plus(JoinTokens.CLOCK_SKEW))) {
            throw new TokenError(Code.NOT_YET_VALID, "API token not valid before " + nbf.toInstant());
        }
        return expiresAt;
    }

    private static ApiGrants readGrants(JWTClaimsSet claims) throws TokenError {
        Map<String, Object> grants;
        try {
            grants = claims.getJSONObjectClaim(CLAIM_GRANTS);
        } catch (ParseException e) {
            throw new TokenError(Code.MALFORMED, "claim 'grants' is not an object", e);
        }
        if (grants == null) {
            throw new TokenError(Code.MISSING_CLAIM, "claim 'grants' missing");
        }
        boolean create = flag(grants, GRANT_ROOM_CREATE);
        boolean list = flag(grants, GRANT_ROOM_LIST);
        Object admin = grants.get(GRANT_ROOM_ADMIN);
        if (admin != null && (!(admin instanceof String room) || room.isBlank())) {
            throw new TokenError(Code.MALFORMED, "grant 'roomAdmin' is a room name or '*'");
        }
        return new ApiGrants(create, list, (String) admin);
    }

    private static boolean flag(Map<String, Object> grants, String name) throws TokenError {
        Object value = grants.get(name);
        if (value != null && !(value instanceof Boolean)) {
            throw new TokenError(Code.MALFORMED, "grant '" + name + "' is true or false");
        }
        return Boolean.TRUE.equals(value);
    }
}
