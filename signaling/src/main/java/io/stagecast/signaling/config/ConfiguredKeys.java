package io.stagecast.signaling.config;

import io.stagecast.signaling.token.ApiKey;
import io.stagecast.signaling.token.ApiKeys;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code keys} section and the legacy {@code token.secret} as {@link ApiKeys}. Errors name the key
 * and its source but never echo a secret.
 */
final class ConfiguredKeys {

    private ConfiguredKeys() {
    }

    /** The configured keys, or {@code null} when none is configured (the caller makes a random one). */
    static ApiKeys read(LayeredSettings settings) {
        List<ApiKey> keys = new ArrayList<>();
        String legacy = settings.string(ConfigKey.TOKEN_SECRET);
        if (!legacy.isEmpty()) {
            keys.add(key(ApiKeys.LEGACY_ID, legacy, ConfigKey.TOKEN_SECRET.key(), settings.setting(ConfigKey.TOKEN_SECRET)));
        }
        for (Map.Entry<String, LayeredSettings.Setting> entry : settings.entries(ConfigKey.KEYS_SECRETS).entrySet()) {
            String id = entry.getKey();
            String name = ConfigKey.KEYS_SECRETS.key() + "." + id;
            if (id.equals(ApiKeys.LEGACY_ID) && !legacy.isEmpty()) {
                throw LayeredSettings.invalidSecret(name, entry.getValue(), "key '" + ApiKeys.LEGACY_ID
                        + "' is already token.secret (" + settings.source(ConfigKey.TOKEN_SECRET) + "): set one of them");
            }
            keys.add(key(id, entry.getValue().value(), name, entry.getValue()));
        }
        String signing = settings.string(ConfigKey.KEYS_SIGNING_KEY);
        List<String> ids = keys.stream().map(ApiKey::id).toList();
        if (keys.isEmpty()) {
            if (!signing.isEmpty()) {
                throw settings.invalid(ConfigKey.KEYS_SIGNING_KEY, "no key is configured (keys.secrets, token.secret)");
            }
            return null;
        }
        if (signing.isEmpty()) {
            // Key order in a HOCON object or the environment means nothing, so "the first" would be a guess.
            if (ids.contains(ApiKeys.LEGACY_ID)) {
                signing = ApiKeys.LEGACY_ID;
            } else if (ids.size() == 1) {
                signing = ids.get(0);
            } else {
                throw new IllegalArgumentException("keys.signing-key is not set and " + ids.size() + " keys are "
                        + "configured " + ids + ": set it to the key that signs new tokens");
            }
        } else if (!ids.contains(signing)) {
            throw settings.invalid(ConfigKey.KEYS_SIGNING_KEY, "not one of the configured keys " + ids);
        }
        return ApiKeys.of(keys, signing);
    }

    private static ApiKey key(String id, String secret, String name, LayeredSettings.Setting setting) {
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < ApiKeys.MIN_SECRET_BYTES) {
            throw LayeredSettings.invalidSecret(name, setting, "must be at least " + ApiKeys.MIN_SECRET_BYTES
                    + " bytes (e.g. 43 characters of base64 from 32 random bytes: openssl rand -base64 32)");
        }
        return new ApiKey(id, bytes);
    }
}
