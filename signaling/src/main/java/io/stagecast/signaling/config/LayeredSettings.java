package io.stagecast.signaling.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The value of every key after layering defaults, file, environment and system properties (later
 * wins) as Typesafe Config objects, each value keeping its origin so that errors can name it: the
 * file and line, the environment variable, or the system property. Typed reads throw
 * {@link IllegalArgumentException} naming key, value and source.
 *
 * <p>The file is HOCON, except that a file named {@code *.properties} is read with
 * {@code java.util.Properties} syntax as before HOCON (and {@code *.json} as JSON). Its parsed tree is
 * walked against {@link ConfigKey}: an unknown key is an error, as a typo should not pass silently.
 */
final class LayeredSettings {

    private static final Logger LOG = LoggerFactory.getLogger(LayeredSettings.class);
    /** Names of {@link ConfigKey.Kind#NAMED} entries; the same rule as API key ids. */
    private static final Pattern ENTRY_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    /** A value as text (list items joined by ", " for messages), its items when it is a list, and its source. */
    record Setting(String value, List<String> items, String source) {
    }

    private final Config merged;

    LayeredSettings(Path file, Map<String, String> env, Properties systemProperties) {
        Config layers = systemPropertyLayer(systemProperties).withFallback(environmentLayer(env));
        if (file != null) {
            layers = layers.withFallback(fileLayer(file));
        }
        merged = layers.withFallback(defaults());
    }

    private static Config defaults() {
        Config defaults = ConfigFactory.empty();
        for (ConfigKey key : ConfigKey.values()) {
            if (key.kind() == ConfigKey.Kind.VALUE) {
                defaults = defaults.withValue(key.key(), ConfigValueFactory.fromAnyRef(key.defaultValue(), "default"));
            }
        }
        return defaults;
    }

    private static Config fileLayer(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("configuration file " + file + " does not exist");
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ConfigSyntax syntax = name.endsWith(".properties") ? ConfigSyntax.PROPERTIES
                : name.endsWith(".json") ? ConfigSyntax.JSON : ConfigSyntax.CONF;
        Config parsed;
        try {
            parsed = ConfigFactory.parseFile(file.toFile(),
                    ConfigParseOptions.defaults().setSyntax(syntax).setAllowMissing(false)).resolve();
        } catch (ConfigException e) {
            // Typesafe's message starts with the file and line of the fault.
            throw new IllegalArgumentException("configuration file " + file + " is not valid: " + e.getMessage(), e);
        }
        checkKnown(parsed.root(), "");
        return parsed;
    }

    /** Walks the file's tree: every leaf must be a known key, every object a section of known keys. */
    private static void checkKnown(ConfigObject object, String prefix) {
        for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
            String path = prefix + entry.getKey();
            ConfigValue value = entry.getValue();
            ConfigKey key = ConfigKey.forKey(path).orElse(null);
            if (key != null && key.kind() == ConfigKey.Kind.VALUE) {
                if (value.valueType() == ConfigValueType.OBJECT) {
                    throw new IllegalArgumentException("invalid " + path + " (from " + source(value.origin())
                            + "): expected a value, found a section { ... }");
                }
            } else if (key != null) {
                checkNamedEntries(key, value);
            } else if (value.valueType() == ConfigValueType.OBJECT && isSection(path)) {
                checkKnown((ConfigObject) value, path + ".");
            } else {
                // Name the whole path of a leaf, "htp.port" rather than the section "htp".
                ConfigValue leaf = value;
                String leafPath = path;
                while (leaf instanceof ConfigObject section && !section.isEmpty()) {
                    Map.Entry<String, ConfigValue> first = section.entrySet().iterator().next();
                    leafPath = leafPath + "." + first.getKey();
                    leaf = first.getValue();
                }
                throw new IllegalArgumentException("unknown key '" + leafPath + "' (in " + source(leaf.origin())
                        + "); known keys: " + knownKeys());
            }
        }
    }

    private static void checkNamedEntries(ConfigKey key, ConfigValue value) {
        if (value.valueType() != ConfigValueType.OBJECT) {
            throw new IllegalArgumentException("invalid " + key.key() + " (from " + source(value.origin())
                    + "): expected a section of named entries, e.g. " + key.key() + " { k1 = \"...\" }");
        }
        for (Map.Entry<String, ConfigValue> entry : ((ConfigObject) value).entrySet()) {
            checkEntryName(key, entry.getKey(), source(entry.getValue().origin()));
            ConfigValueType type = entry.getValue().valueType();
            if (type == ConfigValueType.OBJECT || type == ConfigValueType.LIST) {
                throw new IllegalArgumentException("invalid " + key.key() + "." + entry.getKey() + " (from "
                        + source(entry.getValue().origin()) + "): expected a single value");
            }
        }
    }

    private static void checkEntryName(ConfigKey key, String name, String source) {
        if (!ENTRY_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid name '" + name + "' in " + key.key() + " (from " + source
                    + "): names are 1-64 characters of a-z, 0-9 and '-', starting with a letter or digit");
        }
    }

    private static boolean isSection(String path) {
        for (ConfigKey key : ConfigKey.values()) {
            if (key.key().startsWith(path + ".")) {
                return true;
            }
        }
        return false;
    }

    private static Config environmentLayer(Map<String, String> env) {
        // envName of a named key already ends with '_': STAGECAST_KEYS_SECRETS_K1 is entry k1.
        return layer(env, ConfigKey.ENV_PREFIX, ConfigKey::envName, "", "environment variable ",
                name -> name.toLowerCase(Locale.ROOT).replace('_', '-'));
    }

    private static Config systemPropertyLayer(Properties systemProperties) {
        Map<String, String> flat = new TreeMap<>();
        for (String name : systemProperties.stringPropertyNames()) {
            flat.put(name, systemProperties.getProperty(name));
        }
        return layer(flat, ConfigKey.SYSTEM_PROPERTY_PREFIX, ConfigKey::systemPropertyName, ".", "system property ",
                Function.identity());
    }

    /**
     * The values whose names are those of known keys; for a {@link ConfigKey.Kind#NAMED} key every name
     * with its prefix and a dot or '_' after it is an entry, its name mapped by {@code entryName}.
     */
    private static Config layer(Map<String, String> values, String prefix, Function<ConfigKey, String> nameOf,
                                String entrySeparator, String sourcePrefix, Function<String, String> entryName) {
        Config layer = ConfigFactory.empty();
        Set<String> recognized = new HashSet<>();
        for (ConfigKey key : ConfigKey.values()) {
            String name = nameOf.apply(key);
            if (key.kind() == ConfigKey.Kind.VALUE) {
                String value = values.get(name);
                if (value != null) {
                    layer = layer.withValue(key.key(), ConfigValueFactory.fromAnyRef(value, sourcePrefix + name));
                    recognized.add(name);
                }
                continue;
            }
            String entryPrefix = name + entrySeparator;
            for (Map.Entry<String, String> candidate : values.entrySet()) {
                String variable = candidate.getKey();
                if (variable.startsWith(entryPrefix) && variable.length() > entryPrefix.length()) {
                    String entry = entryName.apply(variable.substring(entryPrefix.length()));
                    checkEntryName(key, entry, sourcePrefix + variable);
                    layer = layer.withValue(ConfigUtil.joinPath(pathOf(key.key(), entry)),
                            ConfigValueFactory.fromAnyRef(candidate.getValue(), sourcePrefix + variable));
                    recognized.add(variable);
                }
            }
        }
        // Environments carry unrelated variables; an unknown name with our prefix is only worth a warning.
        for (String name : values.keySet()) {
            if (name.startsWith(prefix) && !recognized.contains(name) && !StagecastConfig.isLocatorName(name)) {
                LOG.warn("ignoring unknown setting {} (known keys: {})", name, knownKeys());
            }
        }
        return layer;
    }

    private static List<String> pathOf(String dotted, String last) {
        List<String> elements = new ArrayList<>(List.of(dotted.split("\\.")));
        elements.add(last);
        return elements;
    }

    /** "file /etc/stagecast/stagecast.conf:12", "environment variable STAGECAST_HTTP_PORT", "default". */
    private static String source(ConfigOrigin origin) {
        if (origin.filename() != null) {
            return "file " + origin.filename() + (origin.lineNumber() > 0 ? ":" + origin.lineNumber() : "");
        }
        return origin.description();
    }

    private static String knownKeys() {
        StringBuilder names = new StringBuilder();
        for (ConfigKey key : ConfigKey.values()) {
            if (names.length() > 0) {
                names.append(", ");
            }
            names.append(key.key()).append(key.kind() == ConfigKey.Kind.NAMED ? ".<name>" : "");
        }
        return names.toString();
    }

    private static Setting setting(String path, ConfigValue value) {
        String source = source(value.origin());
        if (value.valueType() == ConfigValueType.LIST) {
            List<String> items = new ArrayList<>();
            for (ConfigValue item : (ConfigList) value) {
                if (item.valueType() == ConfigValueType.OBJECT || item.valueType() == ConfigValueType.LIST) {
                    throw new IllegalArgumentException("invalid " + path + " (from " + source
                            + "): list items are single values");
                }
                items.add(text(item));
            }
            return new Setting(String.join(", ", items), List.copyOf(items), source);
        }
        if (value.valueType() == ConfigValueType.OBJECT) {
            throw new IllegalArgumentException("invalid " + path + " (from " + source + "): expected a value");
        }
        return new Setting(text(value), null, source);
    }

    /** A scalar as the operator wrote it: a string unquoted, a number in its original text, null as empty. */
    private static String text(ConfigValue value) {
        return switch (value.valueType()) {
            case STRING -> ((String) value.unwrapped()).strip();
            case NULL -> "";
            default -> value.render().strip();
        };
    }

    Setting setting(ConfigKey key) {
        return setting(key.key(), valueAt(key.key()));
    }

    /** The value at a path, a null included (Config.getValue refuses those), or ConfigNull from the defaults' origin. */
    private ConfigValue valueAt(String path) {
        ConfigValue value = merged.root();
        for (String element : ConfigUtil.splitPath(path)) {
            if (!(value instanceof ConfigObject object) || !object.containsKey(element)) {
                return ConfigValueFactory.fromAnyRef(null, "default");
            }
            value = object.get(element);
        }
        return value;
    }

    String string(ConfigKey key) {
        return setting(key).value();
    }

    /** The source of the key's value, e.g. {@code environment variable STAGECAST_HTTP_PORT}. */
    String source(ConfigKey key) {
        return setting(key).source();
    }

    /** The entries of a {@link ConfigKey.Kind#NAMED} key by name, sorted by name; none if it is not set. */
    Map<String, Setting> entries(ConfigKey key) {
        Map<String, Setting> entries = new TreeMap<>();
        ConfigValue value = valueAt(key.key());
        if (value.valueType() == ConfigValueType.NULL) {
            return entries;
        }
        if (!(value instanceof ConfigObject object)) {
            throw new IllegalArgumentException("invalid " + key.key() + " (from " + source(value.origin())
                    + "): expected a section of named entries");
        }
        for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
            String path = key.key() + "." + entry.getKey();
            Setting setting = setting(path, entry.getValue());
            if (setting.items() != null) {
                throw new IllegalArgumentException("invalid " + path + " (from " + setting.source()
                        + "): expected a single value");
            }
            entries.put(entry.getKey(), setting);
        }
        return entries;
    }

    int integer(ConfigKey key, int min, int max) {
        Setting setting = setting(key);
        int parsed;
        try {
            if (setting.items() != null) {
                throw new NumberFormatException();
            }
            parsed = Integer.parseInt(setting.value());
        } catch (NumberFormatException e) {
            throw invalid(key, "expected a whole number from " + min + " to " + max);
        }
        if (parsed < min || parsed > max) {
            throw invalid(key, "expected a whole number from " + min + " to " + max);
        }
        return parsed;
    }

    /**
     * A HOCON list, or comma-separated text (environment variables, old files), blanks around and
     * between commas ignored; empty text is an empty list.
     */
    <T> List<T> list(ConfigKey key, Function<String, T> parseItem) {
        Setting setting = setting(key);
        List<String> raw = setting.items() != null ? setting.items() : List.of(setting.value().split(","));
        List<T> items = new ArrayList<>();
        for (String item : raw) {
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
        Setting setting = setting(key);
        return new IllegalArgumentException("invalid " + key.key() + " '" + setting.value() + "' (from "
                + setting.source() + "): " + reason);
    }

    /** Like {@link #invalid} but without echoing the value, for secrets. */
    static IllegalArgumentException invalidSecret(String key, Setting setting, String reason) {
        return new IllegalArgumentException("invalid " + key + " (from " + setting.source() + "): " + reason);
    }

    IllegalArgumentException invalidSecret(ConfigKey key, String reason) {
        return invalidSecret(key.key(), setting(key), reason);
    }
}
