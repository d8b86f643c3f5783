package io.stagecast.signaling.token;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The API keys of a node, by key id: every join token, invitation link and API token names the key
 * that signed it in its JWS header ({@code kid}, RFC 7515 4.1.4) and is verified against that key
 * alone, so a key is retired by removing it from the configuration without touching the others.
 * One of them, the signing key, signs what this node mints. Immutable and thread-safe.
 *
 * <p>The key {@value #LEGACY_ID} is the one {@code token.secret} configures; tokens minted before key
 * ids existed carry no {@code kid} and are verified against it.
 */
public final class ApiKeys {

    /** The id of the key {@code token.secret} configures, and of every token without {@code kid}. */
    public static final String LEGACY_ID = "default";
    /** HS256 needs a key at least as long as its hash output (RFC 7518 section 3.2). */
    public static final int MIN_SECRET_BYTES = 32;
    public static final int MAX_ID_CHARS = 64;
    /**
     * Lower case, digits and '-': an id must map to and from an environment variable name
     * ({@code STAGECAST_KEYS_SECRETS_K_2026} is key {@code k-2026}) and be a HOCON path element unquoted.
     */
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0," + (MAX_ID_CHARS - 1) + "}");

    private final Map<String, ApiKey> byId;
    private final ApiKey signingKey;

    private ApiKeys(Map<String, ApiKey> byId, ApiKey signingKey) {
        this.byId = byId;
        this.signingKey = signingKey;
    }

    /**
     * @param keys          at least one key; ids must be distinct
     * @param signingKeyId  the key that signs new tokens; it must be one of {@code keys}
     * @throws IllegalArgumentException for no key, a duplicate id, or an unknown signing key
     */
    public static ApiKeys of(List<ApiKey> keys, String signingKeyId) {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(signingKeyId, "signingKeyId");
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("at least one API key is needed");
        }
        Map<String, ApiKey> byId = new LinkedHashMap<>();
        for (ApiKey key : keys) {
            if (byId.putIfAbsent(key.id(), key) != null) {
                throw new IllegalArgumentException("key id '" + key.id() + "' is configured twice");
            }
        }
        ApiKey signing = byId.get(signingKeyId);
        if (signing == null) {
            throw new IllegalArgumentException("the signing key '" + signingKeyId + "' is not one of the keys "
                    + byId.keySet());
        }
        return new ApiKeys(Collections.unmodifiableMap(byId), signing);
    }

    /** One key, which signs. */
    public static ApiKeys single(String id, byte[] secret) {
        return of(List.of(new ApiKey(id, secret)), id);
    }

    /** Whether the text can be a key id: 1-64 characters of a-z, 0-9 and '-', not starting with '-'. */
    public static boolean isValidId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** A copy of the secret of the key with this id; empty for an unknown (or retired) key. */
    public Optional<byte[]> secret(String kid) {
        return key(kid).map(ApiKey::secret);
    }

    public Optional<ApiKey> key(String kid) {
        return Optional.ofNullable(kid == null ? null : byId.get(kid));
    }

    /** The key new tokens and invitation links are signed with ({@code keys.signing-key}). */
    public ApiKey signingKey() {
        return signingKey;
    }

    /** The ids, in the order the keys were given. */
    public Set<String> ids() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(byId.keySet()));
    }

    /** The keys, in the order they were given. */
    public List<ApiKey> all() {
        return List.copyOf(byId.values());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ApiKeys keys && byId.equals(keys.byId) && signingKey.equals(keys.signingKey);
    }

    @Override
    public int hashCode() {
        return byId.hashCode() * 31 + signingKey.id().hashCode();
    }

    /** Ids only, never a secret: configurations end up in logs. */
    @Override
    public String toString() {
        return "ApiKeys[ids=" + byId.keySet() + ", signing=" + signingKey.id() + "]";
    }
}
