package io.stagecast.signaling.token;

import io.stagecast.signaling.token.TokenError.Code;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class JoinTokensTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private static final byte[] OTHER_SECRET = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODE = Base64.getUrlDecoder();

    private final Clock fixedClock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final JoinTokens tokens = new JoinTokens(SECRET, fixedClock);

    private static JoinGrant attendeeGrant(String room) {
        return JoinGrant.of(room, "p-1", "Ada", Role.ATTENDEE, NOW.plusSeconds(3600));
    }

    private static Code errorCode(JoinTokens tokens, String token, String room) {
        TokenError error = assertThrows(TokenError.class, () -> tokens.verify(token, room));
        assertNotNull(error.getMessage());
        return error.code();
    }

    @Test
    void everyClaimSurvivesMintAndVerify() throws TokenError {
        JoinGrant grant = new JoinGrant("stage-1", "p-42", "Grace Hopper", Role.SPEAKER, true,
                NOW.plusSeconds(600), "jti-1", true);

        JoinGrant verified = tokens.verify(tokens.mint(grant), "stage-1");

        assertEquals(grant, verified);
    }

    @Test
    void eachRoleSurvivesMintAndVerify() throws TokenError {
        for (Role role : Role.values()) {
            JoinGrant grant = new JoinGrant("r", "p", null, role, false, NOW.plusSeconds(60), "id-" + role, false);
            assertEquals(grant, tokens.verify(tokens.mint(grant), "r"));
        }
    }

    @Test
    void mintChoosesTokenIdAndTruncatesExpiryToSeconds() throws TokenError {
        JoinGrant grant = JoinGrant.of("r", "p", "n", Role.MODERATOR, NOW.plusMillis(60_999));

        JoinGrant verified = tokens.verify(tokens.mint(grant), "r");

        assertNotNull(verified.tokenId());
        assertEquals(NOW.plusSeconds(60), verified.expiresAt());
    }

    @Test
    void tokenWithoutSubjectGetsAFreshParticipantIdOnEachJoin() throws TokenError {
        String token = tokens.mint(JoinGrant.of("r", null, null, Role.ATTENDEE, NOW.plusSeconds(60)));

        JoinGrant first = tokens.verify(token, "r");
        JoinGrant second = tokens.verify(token, "r");

        assertTrue(first.participantId().matches("[A-Za-z0-9_-]{22}"), first.participantId());
        assertNotEquals(first.participantId(), second.participantId());
        assertEquals(null, first.displayName());
    }

    @Test
    void expiredTokenIsRefused() {
        String token = tokens.mint(JoinGrant.of("r", "p", "n", Role.ATTENDEE, NOW.minusSeconds(31)));

        assertEquals(Code.EXPIRED, errorCode(tokens, token, "r"));
    }

    @Test
    void recentlyExpiredTokenIsAcceptedWithinClockSkew() throws TokenError {
        String token = tokens.mint(JoinGrant.of("r", "p", "n", Role.ATTENDEE, NOW.minusSeconds(29)));

        assertEquals("p", tokens.verify(token, "r").participantId());
    }

    @Test
    void tokenFromTheFutureIsNotYetValid() {
        String token = signedToken(SECRET, "{\"alg\":\"HS256\"}",
                "{\"iss\":\"stagecast\",\"room\":\"r\",\"role\":\"attendee\",\"exp\":" + (NOW.getEpochSecond() + 600)
                        + ",\"nbf\":" + (NOW.getEpochSecond() + 31) + "}");

        assertEquals(Code.NOT_YET_VALID, errorCode(tokens, token, "r"));
    }

    @Test
    void tokenSignedWithAnotherSecretHasBadSignature() {
        String token = new JoinTokens(OTHER_SECRET, fixedClock).mint(attendeeGrant("r"));

        assertEquals(Code.BAD_SIGNATURE, errorCode(tokens, token, "r"));
    }

    @Test
    void unsignedAlgNoneTokenIsRefused() {
        String payload = "{\"iss\":\"stagecast\",\"sub\":\"p\",\"room\":\"r\",\"role\":\"moderator\",\"exp\":"
                + (NOW.getEpochSecond() + 600) + "}";
        String token = b64("{\"alg\":\"none\"}") + "." + b64(payload) + ".";

        assertEquals(Code.BAD_SIGNATURE, errorCode(tokens, token, "r"));
    }

    @Test
    void algNoneHeaderWithAValidLookingSignatureIsRefused() {
        String valid = tokens.mint(attendeeGrant("r"));
        String[] parts = valid.split("\\.");
        String token = b64("{\"alg\":\"none\"}") + "." + parts[1] + "." + parts[2];

        assertEquals(Code.BAD_SIGNATURE, errorCode(tokens, token, "r"));
    }

    @Test
    void otherHmacAlgorithmIsRefusedEvenWithTheRightSecret() {
        String token = signedToken(SECRET, "{\"alg\":\"HS512\"}",
                "{\"iss\":\"stagecast\",\"room\":\"r\",\"role\":\"attendee\",\"exp\":" + (NOW.getEpochSecond() + 600) + "}");

        assertEquals(Code.BAD_SIGNATURE, errorCode(tokens, token, "r"));
    }

    @Test
    void editedPayloadWithOriginalSignatureHasBadSignature() {
        String[] parts = tokens.mint(attendeeGrant("r")).split("\\.");
        String payload = new String(B64_DECODE.decode(parts[1]), StandardCharsets.UTF_8);
        assertTrue(payload.contains("\"attendee\""), payload);
        String forged = parts[0] + "." + b64(payload.replace("\"attendee\"", "\"moderator\"")) + "." + parts[2];

        assertEquals(Code.BAD_SIGNATURE, errorCode(tokens, forged, "r"));
    }

    @Test
    void tokenForAnotherRoomIsWrongRoom() {
        String token = tokens.mint(attendeeGrant("room-a"));

        assertEquals(Code.WRONG_ROOM, errorCode(tokens, token, "room-b"));
    }

    @Test
    void replayedSingleUseTokenIsAlreadyUsed() throws TokenError {
        String token = tokens.mint(new JoinGrant("r", "p", "n", Role.SPEAKER, false, NOW.plusSeconds(60), "once", true));

        tokens.redeem(tokens.verify(token, "r"));

        assertEquals(Code.ALREADY_USED, errorCode(tokens, token, "r"));
        JoinGrant replay = new JoinGrant("r", "p", "n", Role.SPEAKER, false, NOW.plusSeconds(60), "once", true);
        assertEquals(Code.ALREADY_USED, assertThrows(TokenError.class, () -> tokens.redeem(replay)).code(),
                "two joins verified before either redeemed: only one may redeem");
    }

    @Test
    void verifyingASingleUseTokenDoesNotUseItUp() throws TokenError {
        String token = tokens.mint(new JoinGrant("r", "p", "n", Role.SPEAKER, false, NOW.plusSeconds(60), "once", true));

        tokens.verify(token, "r");
        tokens.verify(token, "r");
        tokens.redeem(tokens.verify(token, "r"));

        assertEquals(Code.ALREADY_USED, errorCode(tokens, token, "r"));
    }

    @Test
    void aRedeemedTokenStillVouchesForTheSessionItsJoinMade() throws TokenError {
        String token = tokens.mint(new JoinGrant("r", "p", "n", Role.SPEAKER, false, NOW.plusSeconds(60), "once", true));
        tokens.redeem(tokens.verify(token, "r"));

        assertEquals("p", tokens.verifyRedeemed(token, "r").participantId());
        assertEquals(Code.WRONG_ROOM, assertThrows(TokenError.class, () -> tokens.verifyRedeemed(token, "x")).code());
    }

    @Test
    void aCancelledRedemptionLeavesTheTokenUsable() throws TokenError {
        String token = tokens.mint(new JoinGrant("r", "p", "n", Role.SPEAKER, false, NOW.plusSeconds(60), "once", true));
        JoinGrant grant = tokens.verify(token, "r");
        tokens.redeem(grant);

        tokens.cancelRedemption(grant);

        tokens.redeem(tokens.verify(token, "r"));
        assertEquals(Code.ALREADY_USED, errorCode(tokens, token, "r"));
    }

    @Test
    void aGrantSaysWhetherItsTokenNamesTheParticipant() throws TokenError {
        assertTrue(tokens.verify(tokens.mint(attendeeGrant("r")), "r").named());
        JoinGrant anyone = tokens.verify(tokens.mint(JoinGrant.of("r", null, null, Role.ATTENDEE, NOW.plusSeconds(60))), "r");
        assertFalse(anyone.named(), "a fresh random id is not an identity");
        assertNotNull(anyone.participantId());
    }

    @Test
    void reusableTokenMayBeUsedRepeatedly() throws TokenError {
        String token = tokens.mint(attendeeGrant("r"));

        tokens.verify(token, "r");
        tokens.verify(token, "r");
        assertEquals("p-1", tokens.verify(token, "r").participantId());
    }

    @Test
    void singleUseTokenRefusedForAnotherRoomIsNotUsedUp() throws TokenError {
        String token = tokens.mint(new JoinGrant("r", "p", "n", Role.SPEAKER, false, NOW.plusSeconds(60), "once", true));

        assertEquals(Code.WRONG_ROOM, errorCode(tokens, token, "elsewhere"));
        assertEquals("once", tokens.verify(token, "r").tokenId());
    }

    @Test
    void usedTokenIdsAreForgottenAfterTheirTokensExpire() throws TokenError {
        ManualClock clock = new ManualClock(NOW);
        JoinTokens bounded = new JoinTokens(SECRET, clock, 1);
        String first = bounded.mint(new JoinGrant("r", "p", "n", Role.SPEAKER, false, NOW.plusSeconds(60), "a", true));
        String second = bounded.mint(new JoinGrant("r", "p", "n", Role.SPEAKER, false, NOW.plusSeconds(600), "b", true));
        bounded.redeem(bounded.verify(first, "r"));

        // Full of a still-valid id: refuse rather than forget "a" and allow its replay.
        JoinGrant secondGrant = bounded.verify(second, "r");
        assertEquals(Code.ALREADY_USED, assertThrows(TokenError.class, () -> bounded.redeem(secondGrant)).code());

        clock.advance(Duration.ofSeconds(60 + 30 + 1));
        assertEquals(Code.EXPIRED, errorCode(bounded, first, "r"));
        bounded.redeem(bounded.verify(second, "r"));
        assertEquals(Code.ALREADY_USED, errorCode(bounded, second, "r"));
    }

    @Test
    void usedTokenIdIsRememberedThroughTheSkewWindow() throws TokenError {
        ManualClock clock = new ManualClock(NOW);
        JoinTokens skewed = new JoinTokens(SECRET, clock);
        String token = skewed.mint(new JoinGrant("r", "p", "n", Role.SPEAKER, false, NOW.plusSeconds(10), "s", true));
        skewed.redeem(skewed.verify(token, "r"));

        clock.advance(Duration.ofSeconds(35)); // past exp, inside the skew: the signature still passes
        assertEquals(Code.ALREADY_USED, errorCode(skewed, token, "r"));
    }

    @Test
    void singleUseTokenWithoutTokenIdIsMissingClaim() {
        String token = signedToken(SECRET, "{\"alg\":\"HS256\"}",
                "{\"iss\":\"stagecast\",\"room\":\"r\",\"role\":\"attendee\",\"su\":true,\"exp\":"
                        + (NOW.getEpochSecond() + 600) + "}");

        assertEquals(Code.MISSING_CLAIM, errorCode(tokens, token, "r"));
    }

    @Test
    void missingRequiredClaimsAreReported() {
        long exp = NOW.getEpochSecond() + 600;
        String[] payloads = {
                "{\"room\":\"r\",\"role\":\"attendee\",\"exp\":" + exp + "}",
                "{\"iss\":\"stagecast\",\"role\":\"attendee\",\"exp\":" + exp + "}",
                "{\"iss\":\"stagecast\",\"room\":\"r\",\"exp\":" + exp + "}",
                "{\"iss\":\"stagecast\",\"room\":\"r\",\"role\":\"attendee\"}",
        };
        for (String payload : payloads) {
            assertEquals(Code.MISSING_CLAIM, errorCode(tokens, signedToken(SECRET, "{\"alg\":\"HS256\"}", payload), "r"),
                    payload);
        }
    }

    @Test
    void wronglyTypedOrUnknownClaimValuesAreMalformed() {
        long exp = NOW.getEpochSecond() + 600;
        String[] payloads = {
                "{\"iss\":\"stagecast\",\"room\":\"r\",\"role\":\"admin\",\"exp\":" + exp + "}",
                "{\"iss\":\"stagecast\",\"room\":\"r\",\"role\":\"MODERATOR\",\"exp\":" + exp + "}",
                "{\"iss\":\"stagecast\",\"room\":7,\"role\":\"attendee\",\"exp\":" + exp + "}",
                "{\"iss\":\"stagecast\",\"room\":\"r\",\"role\":\"attendee\",\"vo\":\"yes\",\"exp\":" + exp + "}",
                "{\"iss\":\"stagecast\",\"room\":\"r\",\"role\":\"attendee\",\"exp\":\"tomorrow\"}",
                "{\"iss\":\"someone-else\",\"room\":\"r\",\"role\":\"attendee\",\"exp\":" + exp + "}",
                "[1,2,3]",
                "not json",
        };
        for (String payload : payloads) {
            assertEquals(Code.MALFORMED, errorCode(tokens, signedToken(SECRET, "{\"alg\":\"HS256\"}", payload), "r"),
                    payload);
        }
    }

    @Test
    void garbageStringsAreMalformed() {
        String[] garbage = {"", "a.b.c", "a.b", ".", "..", "...", "a", "\u0000", "é.é.é", "x".repeat(100 * 1024),
                b64("{}") + "." + b64("{}") + "." + b64("x")};
        for (String input : garbage) {
            assertEquals(Code.MALFORMED, errorCode(tokens, input, "r"),
                    input.length() > 40 ? input.substring(0, 40) : input);
        }
        assertEquals(Code.MALFORMED, errorCode(tokens, null, "r"));
    }

    @Test
    void payloadIsReadOnlyAfterTheSignatureIsChecked() {
        String token = b64("{\"alg\":\"HS256\"}") + ".!!!." + b64("not a signature");

        assertEquals(Code.BAD_SIGNATURE, errorCode(tokens, token, "r"));
    }

    @Test
    void randomInputNeverThrowsAnythingButTokenError() {
        Random random = new Random(20260301L);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/{}\":, ";
        String valid = tokens.mint(attendeeGrant("r"));
        for (int i = 0; i < 5_000; i++) {
            String input;
            if (i % 2 == 0) {
                StringBuilder sb = new StringBuilder();
                int length = random.nextInt(300);
                for (int c = 0; c < length; c++) {
                    sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                input = sb.toString();
            } else {
                // Mutate one character of a valid token: must never be accepted.
                char[] chars = valid.toCharArray();
                int at = random.nextInt(chars.length);
                char replacement = alphabet.charAt(random.nextInt(alphabet.length()));
                if (replacement == chars[at]) {
                    continue;
                }
                chars[at] = replacement;
                input = new String(chars);
            }
            try {
                JoinGrant accepted = tokens.verify(input, "r");
                // Base64url's last character may carry unused bits; such a mutation decodes to the same bytes.
                assertEquals(attendeeGrant("r").room(), accepted.room(), input);
                assertEquals(Role.ATTENDEE, accepted.role(), input);
            } catch (TokenError expected) {
                assertNotNull(expected.code());
            } catch (RuntimeException e) {
                fail("unexpected " + e + " for input " + input);
            }
        }
    }

    @Test
    void shortSecretIsRefused() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new JoinTokens(new byte[31], fixedClock));
        assertTrue(error.getMessage().contains("32"), error.getMessage());
    }

    @Test
    void callerCannotChangeTheSecretAfterConstruction() throws TokenError {
        byte[] secret = SECRET.clone();
        JoinTokens own = new JoinTokens(secret, fixedClock);
        String token = own.mint(attendeeGrant("r"));
        secret[0] ^= 1;

        assertEquals("p-1", own.verify(token, "r").participantId());
    }

    @Test
    void viewOnlyTokenForbidsPublishingWhateverTheRole() throws TokenError {
        String token = tokens.mint(new JoinGrant("r", "p", "n", Role.MODERATOR, true, NOW.plusSeconds(60), null, false));

        JoinGrant grant = tokens.verify(token, "r");

        assertTrue(grant.viewOnly());
        assertFalse(grant.mayPublish());
        assertTrue(Role.MODERATOR.mayPublish());
    }

    private static String b64(String json) {
        return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Builds a JWS by hand, so tests can sign headers and payloads JoinTokens would never produce. */
    private static String signedToken(byte[] secret, String header, String payload) {
        String signingInput = b64(header) + "." + b64(payload);
        String algorithm = header.contains("HS512") ? "HmacSHA512" : "HmacSHA256";
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance(algorithm);
            mac.init(new javax.crypto.spec.SecretKeySpec(secret, algorithm));
            byte[] signature = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64.encodeToString(signature);
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
