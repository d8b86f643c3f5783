package io.stagecast.signaling.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * The raw string value of every key after layering defaults, file, environment and system
 * properties (later wins), remembering where each value came from so that errors can say so.
 * Typed reads throw {@link IllegalArgumentException} naming key, value and source.
 */
final class LayeredSettings {

    private static final Logger LOG = LoggerFactory.getLogger(LayeredSettings.class);

    private record Setting(String value, String source) {
    }

    private final Map<ConfigKey, Setting> settings = new EnumMap<>(ConfigKey.class);

    LayeredSettings(Path file, Map<String, String> env, Properties systemProperties) {
        for (ConfigKey key : ConfigKey.values()) {
            settings.put(key, new Setting(key.defaultValue(), "default"));
        }
        if (file != null) {
            applyFile(file);
        }
        applyEnvironment(env);
        applySystemProperties(systemProperties);
    }

    private void applyFile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("configuration file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read configuration file " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("configuration file " + file + " is not a valid properties file: "
                    + e.getMessage(), e);
        }
        for (String name : properties.stringPropertyNames()) {
            // A typo in the file the operator wrote should stop the start, not be silently ignored.
            ConfigKey key = ConfigKey.forKey(name.strip()).orElseThrow(() -> new IllegalArgumentException(
                    "unknown key '" + name + "' in configuration file " + file + "; known keys: " + knownKeys()));
            settings.put(key, new Setting(properties.getProperty(name).strip(), "file " + file));
        }
    }

    private void applyEnvironment(Map<String, String> env) {
        applyLayer(env, ConfigKey.ENV_PREFIX, ConfigKey::envName, "environment variable ");
    }

    private void applySystemProperties(Properties systemProperties) {
        Map<String, String> flat = new HashMap<>();
        for (String name : systemProperties.stringPropertyNames()) {
            flat.put(name, systemProperties.getProperty(name));
        }
        applyLayer(flat, ConfigKey.SYSTEM_PROPERTY_PREFIX, ConfigKey::systemPropertyName, "system property ");
    }

    private void applyLayer(Map<String, String> values, String prefix, Function<ConfigKey, String> nameOf,
                            String sourcePrefix) {
        List<String> recognized = new ArrayList<>();
        for (ConfigKey key : ConfigKey.values()) {
            String name = nameOf.apply(key);
            String value = values.get(name);
            if (value != null) {
                settings.put(key, new Setting(value.strip(), sourcePrefix + name));
                recognized.add(name);
            }
        }
        // Environments carry unrelated variables; an unknown name with our prefix is only worth a warning.
        for (String name : values.keySet()) {
            if (name.startsWith(prefix) && !recognized.contains(name) && !StagecastConfig.isLocatorName(name)) {
                LOG.warn("ignoring unknown setting {} (known keys: {})", name, knownKeys());
            }
        }
    }

    private static String knownKeys() {
        StringBuilder names = new StringBuilder();
        for (ConfigKey key : ConfigKey.values()) {
            if (names.length() > 0) {
                names.append(", ");
            }
            names.append(key.key());
        }
        return names.toString();
    }

    String string(ConfigKey key) {
        return settings.get(key).value();
    }

    /** The source of the key's value, e.g. {@code environment variable STAGECAST_HTTP_PORT}. */
    String source(ConfigKey key) {
        return settings.get(key).source();
    }

    int integer(ConfigKey key, int min, int max) {
        String value = string(key);
        int parsed;
        try {
            parsed = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw invalid(key, "expected a whole number from " + min + " to " + max);
        }
        if (parsed < min || parsed > max) {
            throw invalid(key, "expected a whole number from " + min + " to " + max);
        }
        return parsed;
    }

    /** Comma-separated items, blanks around and between commas ignored; empty text is an empty list. */
    <T> List<T> list(ConfigKey key, Function<String, T> parseItem) {
        List<T> items = new ArrayList<>();
        for (String item : string(key).split(",")) {
            String trimmed = item.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            try {
                items.add(parseItem.apply(trimmed));
            } catch (IllegalArgumentException e) {
                throw invalid(key, e.getMessage());
            }
        }
        return List.copyOf(items);
    }

    IllegalArgumentException invalid(ConfigKey key, String reason) {
        return new IllegalArgumentException("invalid " + key.key() + " '" + string(key) + "' (from " + source(key)
                + "): " + reason);
    }

    /** Like {@link #invalid} but without echoing the value, for secrets. */
    IllegalArgumentException invalidSecret(ConfigKey key, String reason) {
        return new IllegalArgumentException("invalid " + key.key() + " (from " + source(key) + "): " + reason);
    }
}
