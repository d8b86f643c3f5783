package io.stagecast.signaling.token;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Fuzz target: any string presented as a join token (WebSocket join, WHIP and WHEP bearer) or an
 * API token is refused with a {@link TokenError} or, if it is one of ours, verified; the fuzzer
 * does not know the key, so a grant it gets is a forgery, a bug. Nothing else may be thrown.
 */
public final class TokenFuzzTarget {
    private static final ApiKeys KEYS = ApiKeys.single(ApiKeys.LEGACY_ID,
            "fuzz-target-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T12:00:00Z"), ZoneOffset.UTC);
    private static final JoinTokens JOIN = new JoinTokens(KEYS, CLOCK, 1000);
    private static final ApiTokens API = new ApiTokens(KEYS, CLOCK);

    private TokenFuzzTarget() {
    }

    public static void fuzzerTestOneInput(byte[] data) {
        String token = new String(data, StandardCharsets.UTF_8);
        try {
            JoinGrant grant = JOIN.verify(token, "room");
            throw new IllegalStateException("a token not signed with our key was accepted: " + grant);
        } catch (TokenError refused) {
            // what a forged, expired or malformed token gets
        }
        try {
            ApiCaller caller = API.verify(token);
            throw new IllegalStateException("an API token not signed with our key was accepted: " + caller);
        } catch (TokenError refused) {
            // idem
        }
    }
}
