package io.stagecast.signaling.token;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.stagecast.signaling.token.TokenError.Code;

import java.text.ParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Compact HS256 JWS under a set of {@link ApiKeys}: signs with the signing key and names it in the
 * header ({@code kid}); verifies against the key the header names. Shared by join tokens and API
 * tokens so that both refuse the same way. Thread-safe (Nimbus' MAC signer and verifier keep no
 * per-call state).
 */
final class KeyedJws {

    /**
     * Longer input is refused before parsing: real tokens are a few hundred bytes, and parsing
     * megabytes of attacker-supplied base64 and JSON is wasted work.
     */
    static final int MAX_TOKEN_CHARS = 8 * 1024;
    /** A kid from an untrusted header is quoted in messages at most this long. */
    private static final int MAX_QUOTED_KID = 64;

    private final ApiKeys keys;
    private final MACSigner signer;
    private final Map<String, MACVerifier> verifiers = new HashMap<>();

    KeyedJws(ApiKeys keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
        try {
            this.signer = new MACSigner(keys.signingKey().secret());
            for (ApiKey key : keys.all()) {
                verifiers.put(key.id(), new MACVerifier(key.secret()));
            }
        } catch (JOSEException e) {
            // ApiKey already checked the length, the only reason Nimbus refuses an HMAC key.
            throw new IllegalArgumentException("unusable key: " + e.getMessage(), e);
        }
    }

    ApiKeys keys() {
        return keys;
    }

    /** Signs the claims with the signing key; the header carries {@code alg} HS256, the type and {@code kid}. */
    String sign(JOSEObjectType type, JWTClaimsSet claims) {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.HS256).type(type).keyID(keys.signingKey().id()).build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            // Cannot happen with HS256 and a key checked by ApiKey.
            throw new IllegalStateException("signing a token failed", e);
        }
        return jwt.serialize();
    }

    /**
     * Parses a compact JWS and checks, in order: size, header JSON, algorithm exactly HS256, that the
     * key it names ({@code kid}, or {@value ApiKeys#LEGACY_ID} when it names none) is one of ours, and the
     * signature under that key.
     *
     * @throws TokenError MALFORMED, BAD_SIGNATURE or UNKNOWN_KEY; no other exception for any input
     */
    SignedJWT verify(String token) throws TokenError {
        if (token == null || token.isEmpty()) {
            throw new TokenError(Code.MALFORMED, "no token");
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new TokenError(Code.MALFORMED, "token longer than " + MAX_TOKEN_CHARS + " characters");
        }
        int headerEnd = token.indexOf('.');
        if (headerEnd < 0) {
            throw new TokenError(Code.MALFORMED, "not a compact JWT: no '.'");
        }
        Header header;
        try {
            header = Header.parse(new Base64URL(token.substring(0, headerEnd)));
        } catch (ParseException | RuntimeException e) {
            // Untrusted input: whatever the parser throws means "not a token".
            throw new TokenError(Code.MALFORMED, "token header is not valid base64url JSON: " + e.getMessage(), e);
        }
        // Exactly HS256, decided before anything else is read: taking the algorithm from the header
        // opens "alg: none" and algorithm-confusion attacks (RFC 8725 section 3.1).
        if (!JWSAlgorithm.HS256.equals(header.getAlgorithm())) {
            String alg = Algorithm.NONE.equals(header.getAlgorithm()) ? "unsigned token (alg none)"
                    : "algorithm " + header.getAlgorithm();
            throw new TokenError(Code.BAD_SIGNATURE, alg + " refused, only HS256 is accepted");
        }
        SignedJWT signed;
        try {
            signed = SignedJWT.parse(token);
        } catch (ParseException | RuntimeException e) {
            throw new TokenError(Code.MALFORMED, "not a compact JWS: " + e.getMessage(), e);
        }
        String kid = signed.getHeader().getKeyID();
        MACVerifier verifier = verifiers.get(kid == null ? ApiKeys.LEGACY_ID : kid);
        if (verifier == null) {
            throw kid == null
                    ? new TokenError(Code.UNKNOWN_KEY, "token names no key (kid) and this node has no key '"
                    + ApiKeys.LEGACY_ID + "' (token.secret) to check it with")
                    : new TokenError(Code.UNKNOWN_KEY, "token is signed with key '" + quoted(kid)
                    + "', which this node does not have (retired, or not configured yet)");
        }
        boolean valid;
        try {
            valid = signed.verify(verifier);
        } catch (JOSEException | RuntimeException e) {
            throw new TokenError(Code.BAD_SIGNATURE, "signature could not be checked: " + e.getMessage(), e);
        }
        if (!valid) {
            throw new TokenError(Code.BAD_SIGNATURE, "signature does not match");
        }
        return signed;
    }

    /** An attacker chooses the kid: keep it short and printable before it reaches a log line. */
    private static String quoted(String kid) {
        StringBuilder safe = new StringBuilder();
        for (int i = 0; i < kid.length() && safe.length() < MAX_QUOTED_KID; i++) {
            char c = kid.charAt(i);
            safe.append(c >= 0x20 && c < 0x7f && c != '\'' ? c : '?');
        }
        return kid.length() > MAX_QUOTED_KID ? safe + "..." : safe.toString();
    }
}
