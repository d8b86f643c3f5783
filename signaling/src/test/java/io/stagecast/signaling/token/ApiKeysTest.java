package io.stagecast.signaling.token;

import io.stagecast.signaling.token.TokenError.Code;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several keys by id: join tokens name their key ({@code kid}) and verify against it alone. */
class ApiKeysTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final byte[] A = "key-a-key-a-key-a-key-a-key-a-key-a!".getBytes(StandardCharsets.UTF_8);
    private static final byte[] B = "key-b-key-b-key-b-key-b-key-b-key-b!".getBytes(StandardCharsets.UTF_8);
    private static final byte[] LEGACY = "legacy-legacy-legacy-legacy-legacy-!".getBytes(StandardCharsets.UTF_8);
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    private static JoinGrant grant() {
        return new JoinGrant("r", "p", "P", Role.SPEAKER, false, NOW.plusSeconds(600), "t-1", false);
    }

    private static ApiKeys keys(String signing, Object... idsAndSecrets) {
        List<ApiKey> keys = new java.util.ArrayList<>();
        for (int i = 0; i < idsAndSecrets.length; i += 2) {
            keys.add(new ApiKey((String) idsAndSecrets[i], (byte[]) idsAndSecrets[i + 1]));
        }
        return ApiKeys.of(keys, signing);
    }

    private Code refusal(ApiKeys verifying, String token) {
        return assertThrows(TokenError.class, () -> new JoinTokens(verifying, clock).verify(token, "r")).code();
    }

    @Test
    void keysAreLookedUpByIdAndTheSigningKeyIsChosen() {
        ApiKeys keys = keys("b", "a", A, "b", B);

        assertEquals(Set.of("a", "b"), keys.ids());
        assertEquals(List.of("a", "b"), List.copyOf(keys.ids()), "the order given");
        assertEquals("b", keys.signingKey().id());
        assertArrayEquals(A, keys.secret("a").orElseThrow());
        assertTrue(keys.secret("c").isEmpty());
        assertTrue(keys.secret(null).isEmpty());
        keys.secret("a").orElseThrow()[0] = 0;
        assertArrayEquals(A, keys.secret("a").orElseThrow(), "callers get copies");
        assertFalse(keys.toString().contains(new String(A, StandardCharsets.UTF_8)), keys.toString());
        assertFalse(keys.signingKey().toString().contains(new String(B, StandardCharsets.UTF_8)));
        assertEquals(keys, keys("b", "a", A, "b", B));
        assertFalse(keys.equals(keys("a", "a", A, "b", B)));
    }

    @Test
    void badKeySetsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ApiKey("a", new byte[31]));
        for (String id : new String[]{"", "-a", "K1", "a.b", "a_b", "x".repeat(65)}) {
            assertThrows(IllegalArgumentException.class, () -> new ApiKey(id, A), id);
        }
        assertThrows(IllegalArgumentException.class, () -> keys("a", "a", A, "a", B), "an id twice");
        assertThrows(IllegalArgumentException.class, () -> keys("c", "a", A, "b", B), "signing key not among them");
        assertThrows(IllegalArgumentException.class, () -> ApiKeys.of(List.of(), "a"));
    }

    @Test
    void tokensNameTheirKeyAndVerifyAgainstIt() throws TokenError {
        String byA = new JoinTokens(keys("a", "a", A, "b", B), clock).mint(grant());
        String byB = new JoinTokens(keys("b", "a", A, "b", B), clock).mint(grant());

        assertTrue(HandMadeJws.header(byA).contains("\"kid\":\"a\""), HandMadeJws.header(byA));
        assertTrue(HandMadeJws.header(byB).contains("\"kid\":\"b\""), HandMadeJws.header(byB));
        JoinTokens both = new JoinTokens(keys("b", "a", A, "b", B), clock);
        assertEquals(grant(), both.verify(byA, "r"));
        assertEquals(grant(), both.verify(byB, "r"));
    }

    @Test
    void aRetiredKeysTokensAreRefusedAndTheOthersStillWork() throws TokenError {
        String byA = new JoinTokens(keys("a", "a", A, "b", B), clock).mint(grant());
        String byB = new JoinTokens(keys("b", "a", A, "b", B), clock).mint(grant());
        ApiKeys withoutA = keys("b", "b", B);

        TokenError refused = assertThrows(TokenError.class, () -> new JoinTokens(withoutA, clock).verify(byA, "r"));
        assertEquals(Code.UNKNOWN_KEY, refused.code());
        assertTrue(refused.getMessage().contains("'a'"), refused.getMessage());
        assertEquals(grant(), new JoinTokens(withoutA, clock).verify(byB, "r"));
    }

    @Test
    void aKidThatNamesAnotherKeyThanTheOneThatSignedFailsTheSignature() {
        String header = "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"b\"}";
        String payload = "{\"iss\":\"stagecast\",\"room\":\"r\",\"role\":\"speaker\",\"exp\":" + NOW.plusSeconds(60).getEpochSecond() + "}";
        String signedByAClaimingB = HandMadeJws.sign(A, header, payload);

        assertEquals(Code.BAD_SIGNATURE, refusal(keys("a", "a", A, "b", B), signedByAClaimingB));
    }

    @Test
    void aTokenWithoutKidIsCheckedWithTheLegacyKeyOnly() throws TokenError {
        String header = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
        String payload = "{\"iss\":\"stagecast\",\"sub\":\"p\",\"room\":\"r\",\"role\":\"attendee\",\"exp\":"
                + NOW.plusSeconds(60).getEpochSecond() + "}";
        String old = HandMadeJws.sign(LEGACY, header, payload);

        assertEquals("p", new JoinTokens(keys("b", ApiKeys.LEGACY_ID, LEGACY, "b", B), clock).verify(old, "r").participantId());
        assertEquals("p", new JoinTokens(LEGACY, clock).verify(old, "r").participantId(), "token.secret alone");
        assertEquals(Code.UNKNOWN_KEY, refusal(keys("b", "b", B), old), "no legacy key configured");
        assertEquals(Code.UNKNOWN_KEY, refusal(keys("a", "a", LEGACY), old), "the same secret under another id is not the legacy key");
    }

    @Test
    void anAttackersKidIsQuotedShortAndPrintable() {
        String header = "{\"alg\":\"HS256\",\"kid\":\"" + "x\\n".repeat(200) + "\"}";
        String token = HandMadeJws.sign(A, header, "{}");

        TokenError error = assertThrows(TokenError.class, () -> new JoinTokens(keys("a", "a", A), clock).verify(token, "r"));
        assertEquals(Code.UNKNOWN_KEY, error.code());
        assertFalse(error.getMessage().contains("\n"), error.getMessage());
        assertTrue(error.getMessage().length() < 200, error.getMessage());
    }

    @Test
    void anApiTokenIsNoJoinTokenAndAJoinTokenIsNoApiToken() {
        ApiKeys keys = keys("a", "a", A);
        String api = new ApiTokens(keys, clock).mint(ApiGrants.all(), java.time.Duration.ofMinutes(5));
        String join = new JoinTokens(keys, clock).mint(grant());

        assertEquals(Code.WRONG_TYPE, refusal(keys, api));
        assertEquals(Code.WRONG_TYPE, assertThrows(TokenError.class, () -> new ApiTokens(keys, clock).verify(join)).code());
    }
}
