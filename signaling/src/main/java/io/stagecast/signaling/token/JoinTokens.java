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
import java.util.Objects;

/**
 * Mints and verifies join tokens: compact JWS (RFC 7515) JWTs (RFC 7519) signed with HMAC-SHA256
 * under one of the node's {@link ApiKeys}, named in the header ({@code kid}).
 *
 * <p>Claims: {@code iss} "stagecast", {@code sub} participant id (optional: absent means a fresh
 * id per join), {@code name}, {@code room}, {@code role}, {@code vo} view only, {@code exp},
 * {@code iat}, {@code jti}, {@code su} single use. Thread-safe.
 */
public final class JoinTokens {

    public static final String ISSUER = "stagecast";
    /** HS256 needs a key at least as long as its hash output (RFC 7518 section 3.2). */
    public static final int MIN_SECRET_BYTES = 32;
    /** Tolerated clock difference between the minting and the verifying machine. */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(30);
    /** Default bound of remembered single-use token ids. */
    public static final int DEFAULT_MAX_USED_TOKEN_IDS = 100_000;
    /**
     * Longer input is refused before parsing: real tokens are a few hundred bytes, and parsing
     * megabytes of attacker-supplied base64 and JSON is wasted work.
     */
    static final int MAX_TOKEN_CHARS = KeyedJws.MAX_TOKEN_CHARS;

    static final String CLAIM_NAME = "name";
    static final String CLAIM_ROOM = "room";
    static final String CLAIM_ROLE = "role";
    static final String CLAIM_VIEW_ONLY = "vo";
    static final String CLAIM_SINGLE_USE = "su";

    private final KeyedJws jws;
    private final Clock clock;
    private final UsedTokenIds usedTokenIds;

    /**
     * One key, {@value ApiKeys#LEGACY_ID}: what a single {@code token.secret} configures.
     *
     * @throws IllegalArgumentException if the secret is shorter than {@value #MIN_SECRET_BYTES} bytes
     */
    public JoinTokens(byte[] secret, Clock clock) {
        this(secret, clock, DEFAULT_MAX_USED_TOKEN_IDS);
    }

    /**
     * @param maxUsedTokenIds how many redeemed single-use token ids (not yet expired) to remember at
     *                        most; when that many are remembered, further single-use tokens are refused
     */
    public JoinTokens(byte[] secret, Clock clock, int maxUsedTokenIds) {
        this(singleKey(secret), clock, maxUsedTokenIds);
    }

    /** Mints with the signing key of {@code keys}, verifies against the key each token names. */
    public JoinTokens(ApiKeys keys, Clock clock) {
        this(keys, clock, DEFAULT_MAX_USED_TOKEN_IDS);
    }

    public JoinTokens(ApiKeys keys, Clock clock, int maxUsedTokenIds) {
        this.jws = new KeyedJws(keys);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.usedTokenIds = new UsedTokenIds(maxUsedTokenIds);
    }

    private static ApiKeys singleKey(byte[] secret) {
        Objects.requireNonNull(secret, "secret");
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("token secret must be at least " + MIN_SECRET_BYTES
                    + " bytes, was " + secret.length);
        }
        return ApiKeys.single(ApiKeys.LEGACY_ID, secret);
    }

    /** The keys this verifies with; new tokens are signed with their signing key. */
    public ApiKeys keys() {
        return jws.keys();
    }

    /**
     * Signs a token for the grant. A missing token id is replaced by a random one; the expiry is
     * truncated to whole seconds (JWT NumericDate).
     */
    public String mint(JoinGrant grant) {
        Objects.requireNonNull(grant, "grant");
        String tokenId = grant.tokenId() != null ? grant.tokenId() : RandomIds.tokenId();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .claim(CLAIM_ROOM, grant.room())
                .claim(CLAIM_ROLE, grant.role().wireName())
                .claim(CLAIM_VIEW_ONLY, grant.viewOnly())
                .claim(CLAIM_SINGLE_USE, grant.singleUse())
                .expirationTime(Date.from(grant.expiresAt().truncatedTo(ChronoUnit.SECONDS)))
                .issueTime(Date.from(clock.instant().truncatedTo(ChronoUnit.SECONDS)))
                .jwtID(tokenId);
        if (grant.participantId() != null) {
            claims.subject(grant.participantId());
        }
        if (grant.displayName() != null) {
            claims.claim(CLAIM_NAME, grant.displayName());
        }
        return jws.sign(JOSEObjectType.JWT, claims.build());
    }

    /**
     * Checks a token and returns what it grants. Checks, in order: well-formed compact JWS, algorithm
     * exactly HS256, a key id ({@code kid}) this node has (none: the legacy key {@value ApiKeys#LEGACY_ID}),
     * signature under that key, not an API token, claim types and presence, issuer, {@code exp} / {@code nbf} (with
     * {@link #CLOCK_SKEW}), room, and for single-use tokens that the {@code jti} was not redeemed
     * before. Verifying does not use a single-use token up: the join it is for calls
     * {@link #redeem} once nothing else can refuse it, so a refused join leaves the link usable.
     *
     * @param expectedRoom the room being joined
     * @throws TokenError for every way a token string can be wrong; no other exception for any input
     */
    public JoinGrant verify(String token, String expectedRoom) throws TokenError {
        return verify(token, expectedRoom, false);
    }

    /**
     * Like {@link #verify(String, String)}, but a single-use token that was already redeemed
     * passes too: for a request about the session its join made, such as the DELETE of a WHIP/WHEP
     * resource, which carries the token of its POST (RFC 9725 4.4).
     */
    public JoinGrant verifyRedeemed(String token, String expectedRoom) throws TokenError {
        return verify(token, expectedRoom, true);
    }

    private JoinGrant verify(String token, String expectedRoom, boolean acceptRedeemed) throws TokenError {
        Objects.requireNonNull(expectedRoom, "expectedRoom");
        SignedJWT jwt = jws.verify(token);
        if (ApiTokens.TYPE.equals(jwt.getHeader().getType())) {
            throw new TokenError(Code.WRONG_TYPE, "an API token is not a join token");
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException | RuntimeException e) {
            throw new TokenError(Code.MALFORMED, "token payload is not a JSON claims set", e);
        }
        Instant now = clock.instant();
        JoinGrant grant = readGrant(claims, now);
        if (!grant.room().equals(expectedRoom)) {
            throw new TokenError(Code.WRONG_ROOM, "token is for room '" + grant.room() + "', not '" + expectedRoom + "'");
        }
        if (grant.singleUse() && !acceptRedeemed && usedTokenIds.contains(grant.tokenId(), now)) {
            throw alreadyUsed(grant);
        }
        return grant;
    }

    /**
     * Uses up a verified single-use token (nothing for a reusable one). Call it under the lock that
     * serialises the joins of the token's room, right before the join's last step, and
     * {@link #cancelRedemption} if that step refuses after all.
     *
     * @throws TokenError {@code ALREADY_USED} when it was redeemed before, or when no more redeemed
     *                    ids can be remembered
     */
    public void redeem(JoinGrant grant) throws TokenError {
        if (!grant.singleUse()) {
            return;
        }
        Instant now = clock.instant();
        // Remember as long as the token could pass the expiry check, i.e. including the skew.
        Instant forgetAt = redemptionKeptUntil(grant);
        switch (usedTokenIds.markUsed(grant.tokenId(), forgetAt, now)) {
            case FIRST_USE -> {
            }
            case REPLAYED -> throw alreadyUsed(grant);
            case FULL -> throw new TokenError(Code.ALREADY_USED, "cannot remember more than "
                    + usedTokenIds.capacity() + " redeemed single-use tokens; refused so that none can be replayed");
        }
    }

    /** How long a redeemed single-use token must be remembered: while it could still pass the expiry check. */
    public static Instant redemptionKeptUntil(JoinGrant grant) {
        return grant.expiresAt().plus(CLOCK_SKEW);
    }

    /**
     * A single-use token another node redeemed (cluster mode: a room taken over from its dead
     * origin brings the ids its joins used up), remembered here until {@code forgetAt}. Nothing if
     * it expired already or no more ids can be remembered (then that token fails on this node's
     * cap instead, since {@link #redeem} refuses new ones when full).
     */
    public void markRedeemed(String tokenId, Instant forgetAt) {
        usedTokenIds.markUsed(tokenId, forgetAt, clock.instant());
    }

    /** The join a {@link #redeem} was for was refused after all: the single-use token stays usable. */
    public void cancelRedemption(JoinGrant grant) {
        if (grant.singleUse()) {
            usedTokenIds.forget(grant.tokenId());
        }
    }

    private static TokenError alreadyUsed(JoinGrant grant) {
        return new TokenError(Code.ALREADY_USED, "single-use token '" + grant.tokenId() + "' was already used");
    }

    private static JoinGrant readGrant(JWTClaimsSet claims, Instant now) throws TokenError {
        String issuer = claims.getIssuer();
        if (issuer == null) {
            throw new TokenError(Code.MISSING_CLAIM, "claim 'iss' missing");
        }
        if (!ISSUER.equals(issuer)) {
            throw new TokenError(Code.MALFORMED, "issuer '" + issuer + "' is not " + ISSUER);
        }
        Date expiry = claims.getExpirationTime();
        if (expiry == null) {
            throw new TokenError(Code.MISSING_CLAIM, "claim 'exp' missing");
        }
        Instant expiresAt = expiry.toInstant();
        if (now.isAfter(expiresAt.plus(CLOCK_SKEW))) {
            throw new TokenError(Code.EXPIRED, "token expired at " + expiresAt);
        }
        Date notBefore = claims.getNotBeforeTime();
        if (notBefore != null && now.plus(CLOCK_SKEW).isBefore(notBefore.toInstant())) {
            throw new TokenError(Code.NOT_YET_VALID, "token not valid before " + notBefore.toInstant());
        }
        String room = requiredString(claims, CLAIM_ROOM);
        if (room.isBlank()) {
            throw new TokenError(Code.MALFORMED, "claim 'room' is blank");
        }
        String roleName = requiredString(claims, CLAIM_ROLE);
        Role role;
        try {
            role = Role.fromWire(roleName);
        } catch (IllegalArgumentException e) {
            throw new TokenError(Code.MALFORMED, e.getMessage(), e);
        }
        boolean singleUse = optionalBoolean(claims, CLAIM_SINGLE_USE);
        String tokenId = claims.getJWTID();
        if (singleUse && tokenId == null) {
            throw new TokenError(Code.MISSING_CLAIM, "single-use token without claim 'jti'");
        }
        String subject = claims.getSubject();
        String participantId = subject != null && !subject.isEmpty() ? subject : RandomIds.participantId();
        return new JoinGrant(room, participantId, optionalString(claims, CLAIM_NAME), role,
                optionalBoolean(claims, CLAIM_VIEW_ONLY), expiresAt, tokenId, singleUse,
                subject != null && !subject.isEmpty());
    }

    private static String requiredString(JWTClaimsSet claims, String name) throws TokenError {
        String value = optionalString(claims, name);
        if (value == null) {
            throw new TokenError(Code.MISSING_CLAIM, "claim '" + name + "' missing");
        }
        return value;
    }

    private static String optionalString(JWTClaimsSet claims, String name) throws TokenError {
        try {
            return claims.getStringClaim(name);
        } catch (ParseException e) {
            throw new TokenError(Code.MALFORMED, "claim '" + name + "' is not a string", e);
        }
    }

    private static boolean optionalBoolean(JWTClaimsSet claims, String name) throws TokenError {
        try {
            return Boolean.TRUE.equals(claims.getBooleanClaim(name));
        } catch (ParseException e) {
            throw new TokenError(Code.MALFORMED, "claim '" + name + "' is not a boolean", e);
        }
    }
}
