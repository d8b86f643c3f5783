package io.stagecast.signaling.token;

import io.stagecast.signaling.token.TokenError.Code;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The REST API's bearer tokens: what they grant, how long they live, and every way they are refused. */
class ApiTokensTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final byte[] K1 = "api-key-one-api-key-one-api-key-one!".getBytes(StandardCharsets.UTF_8);
    private static final byte[] K2 = "api-key-two-api-key-two-api-key-two!".getBytes(StandardCharsets.UTF_8);
    private final ManualClock clock = new ManualClock(NOW);
    private final ApiKeys keys = ApiKeys.of(List.of(new ApiKey("k1", K1), new ApiKey("k2", K2)), "k1");
    private final ApiTokens tokens = new ApiTokens(keys, clock);

    private Code refusal(String token) {
        TokenError error = assertThrows(TokenError.class, () -> tokens.verify(token));
        assertFalse(error.getMessage().isBlank());
        return error.code();
    }

    private static String header(String kid) {
        return "{\"alg\":\"HS256\",\"typ\":\"" + ApiTokens.TYPE_NAME + "\",\"kid\":\"" + kid + "\"}";
    }

    /** Claims as a well-formed token of key k1 has them, with one part replaced. */
    private static String claims(String iss, String sub, String aud, long exp, String grants) {
        StringBuilder json = new StringBuilder("{\"iat\":" + NOW.getEpochSecond());
        if (iss != null) {
            json.append(",\"iss\":\"").append(iss).append('"');
        }
        if (sub != null) {
            json.append(",\"sub\":\"").append(sub).append('"');
        }
        if (aud != null) {
            json.append(",\"aud\":\"").append(aud).append('"');
        }
        if (exp > 0) {
            json.append(",\"exp\":").append(exp);
        }
        if (grants != null) {
            json.append(",\"grants\":").append(grants);
        }
        return json.append('}').toString();
    }

    private static long in(Duration d) {
        return NOW.plus(d).getEpochSecond();
    }

    @Test
    void grantsSurviveMintAndVerify() throws TokenError {
        for (ApiGrants grants : List.of(ApiGrants.all(), ApiGrants.roomCreation(), ApiGrants.roomListing(),
                ApiGrants.adminOf("room 7"), ApiGrants.NONE)) {
            ApiCaller caller = tokens.verify(tokens.mint(grants, Duration.ofMinutes(10)));
            assertEquals(grants, caller.grants());
            assertEquals("k1", caller.keyId());
            assertEquals(NOW.plus(Duration.ofMinutes(10)), caller.expiresAt());
        }
    }

    @Test
    void theTokenCarriesTheDocumentedHeaderAndClaims() {
        String token = tokens.mint(new ApiGrants(true, false, "*"), Duration.ofMinutes(2));
        String header = HandMadeJws.header(token);
        String payload = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);

        assertTrue(header.contains("\"alg\":\"HS256\"") && header.contains("\"kid\":\"k1\"")
                && header.contains("\"typ\":\"stagecast-api+jwt\""), header);
        assertTrue(payload.contains("\"iss\":\"k1\"") && payload.contains("\"sub\":\"k1\"")
                && payload.contains("\"aud\":\"stagecast-api\""), payload);
        assertTrue(payload.contains("\"grants\":{\"roomCreate\":true,\"roomAdmin\":\"*\"}"), payload);
    }

    @Test
    void aTokenOfAnotherConfiguredKeyWorksAndARetiredOneDoesNot() throws TokenError {
        String byK2 = new ApiTokens(ApiKeys.of(keys.all(), "k2"), clock).mint(ApiGrants.roomListing(), Duration.ofMinutes(1));
        assertEquals("k2", tokens.verify(byK2).keyId());

        ApiTokens onlyK1 = new ApiTokens(ApiKeys.single("k1", K1), clock);
        assertEquals(Code.UNKNOWN_KEY, assertThrows(TokenError.class, () -> onlyK1.verify(byK2)).code());
    }

    @Test
    void lifetimeIsAtMostTenMinutes() {
        assertThrows(IllegalArgumentException.class, () -> tokens.mint(ApiGrants.all(), Duration.ofMinutes(11)));
        assertThrows(IllegalArgumentException.class, () -> tokens.mint(ApiGrants.all(), Duration.ZERO));
        String farExp = HandMadeJws.sign(K1, header("k1"), claims("k1", "k1", "stagecast-api", in(Duration.ofHours(1)), "{}"));
        assertEquals(Code.LIFETIME_TOO_LONG, refusal(farExp));
        String oldIat = HandMadeJws.sign(K1, header("k1"), claims("k1", "k1", "stagecast-api", in(Duration.ofMinutes(5)), "{}")
                .replace("\"iat\":" + NOW.getEpochSecond(), "\"iat\":" + NOW.minus(Duration.ofMinutes(30)).getEpochSecond()));
        assertEquals(Code.LIFETIME_TOO_LONG, refusal(oldIat), "exp - iat over ten minutes");
    }

    @Test
    void anExpiredTokenIsRefusedAfterTheClockSkew() throws TokenError {
        String token = tokens.mint(ApiGrants.all(), Duration.ofMinutes(1));
        clock.advance(Duration.ofMinutes(1).plus(JoinTokens.CLOCK_SKEW));
        tokens.verify(token);
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Code.EXPIRED, refusal(token));
    }

    @Test
    void wrongClaimsAreRefused() {
        long exp = in(Duration.ofMinutes(5));
        assertEquals(Code.MALFORMED, refusal(HandMadeJws.sign(K1, header("k1"), claims("k2", "k1", "stagecast-api", exp, "{}"))),
                "iss of another key");
        assertEquals(Code.MALFORMED, refusal(HandMadeJws.sign(K1, header("k1"), claims("k1", null, "stagecast-api", exp, "{}"))),
                "no sub");
        assertEquals(Code.MALFORMED, refusal(HandMadeJws.sign(K1, header("k1"), claims("k1", "k1", null, exp, "{}"))),
                "no aud");
        assertEquals(Code.MISSING_CLAIM, refusal(HandMadeJws.sign(K1, header("k1"), claims("k1", "k1", "stagecast-api", 0, "{}"))),
                "no exp");
        assertEquals(Code.MISSING_CLAIM, refusal(HandMadeJws.sign(K1, header("k1"), claims("k1", "k1", "stagecast-api", exp, null))),
                "no grants");
        for (String grants : List.of("[]", "{\"roomCreate\":\"yes\"}", "{\"roomAdmin\":true}", "{\"roomAdmin\":\" \"}")) {
            assertEquals(Code.MALFORMED, refusal(HandMadeJws.sign(K1, header("k1"),
                    claims("k1", "k1", "stagecast-api", exp, grants))), grants);
        }
        assertEquals(Code.BAD_SIGNATURE, refusal(HandMadeJws.sign(K2, header("k1"), claims("k1", "k1", "stagecast-api", exp, "{}"))),
                "signed by k2, claiming k1");
        assertEquals(Code.WRONG_TYPE, refusal(HandMadeJws.sign(K1, "{\"alg\":\"HS256\",\"kid\":\"k1\"}",
                claims("k1", "k1", "stagecast-api", exp, "{}"))), "no typ");
        assertEquals(Code.BAD_SIGNATURE, refusal("eyJhbGciOiJub25lIn0.e30."), "alg none");
        assertEquals(Code.MALFORMED, refusal("not a token"));
        assertEquals(Code.MALFORMED, refusal(null));
    }

    @Test
    void unknownGrantsAllowNothingButDoNotBreakTheToken() throws TokenError {
        String token = HandMadeJws.sign(K1, header("k1"), claims("k1", "k1", "stagecast-api", in(Duration.ofMinutes(5)),
                "{\"roomRecord\":true,\"roomList\":true}"));
        assertEquals(ApiGrants.roomListing(), tokens.verify(token).grants());
    }

    @Test
    void grantsAllowWhatTheySay() {
        assertTrue(ApiGrants.all().mayAdminister("any") && ApiGrants.all().mayListRooms() && ApiGrants.all().mayCreateRooms());
        assertTrue(ApiGrants.adminOf("a").mayAdminister("a"));
        assertFalse(ApiGrants.adminOf("a").mayAdminister("b"));
        assertFalse(ApiGrants.adminOf("a").mayListRooms());
        assertTrue(ApiGrants.adminOf("*").mayListRooms(), "admin of every room may list them");
        assertFalse(ApiGrants.roomCreation().mayAdminister("a"));
        assertFalse(ApiGrants.NONE.mayCreateRooms() || ApiGrants.NONE.mayListRooms() || ApiGrants.NONE.mayAdminister("a"));
    }
}
