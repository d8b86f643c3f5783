package io.stagecast.signaling.config;

import io.stagecast.signaling.token.ApiKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import static io.stagecast.signaling.config.StagecastConfigTest.secretOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The configuration file as HOCON, the keys section, and the old properties files. */
class HoconConfigTest {

    private static final String S1 = "first-secret-first-secret-first-secret!";
    private static final String S2 = "second-secret-second-secret-second-secret";
    private static final String S3 = "third-secret-third-secret-third-secret-3";

    @TempDir
    Path dir;

    private Path file(String name, String content) throws IOException {
        Path path = dir.resolve(name);
        Files.writeString(path, content, StandardCharsets.UTF_8);
        return path;
    }

    private static StagecastConfig load(Path file, Map<String, String> env) {
        return StagecastConfig.load(file, env, new Properties());
    }

    private static String refusal(Path file, Map<String, String> env) {
        return assertThrows(IllegalArgumentException.class, () -> load(file, env)).getMessage();
    }

    @Test
    void nestedSectionsListsAndKeys() throws IOException {
        Path conf = file("stagecast.conf", """
                # HOCON: sections, lists, quoted strings, // comments
                http {
                  host = "127.0.0.1"
                  port = 9000
                  cors-allowed-origins = ["https://app.example.org", "https://other.example.org"]
                }
                media {
                  port = 10001
                  announced-addresses = ["203.0.113.7", "2001:db8::7"]
                  allowed-remote-networks = "10.0.0.0/8, 192.168.0.0/16"   // comma-separated text works too
                }
                public-base-url = "https://stage.example.org/"
                rooms { demo = "", reconnect-grace-seconds = 12 }
                keys {
                  signing-key = k2
                  secrets {
                    k1 = "%s"
                    k2 = "%s"
                  }
                }
                """.formatted(S1, S2));

        StagecastConfig config = load(conf, Map.of());

        assertEquals("127.0.0.1", config.httpHost());
        assertEquals(9000, config.httpPort());
        assertEquals(List.of("https://app.example.org", "https://other.example.org"), config.http().corsAllowedOrigins());
        assertEquals(10001, config.mediaPort());
        assertEquals(List.of(InetAddress.getByName("203.0.113.7"), InetAddress.getByName("2001:db8::7")),
                config.mediaAnnouncedAddresses());
        assertEquals(2, config.mediaAllowedRemoteNetworks().size());
        assertEquals("https://stage.example.org", config.publicBaseUrl());
        assertEquals(Optional.empty(), config.demoRoom());
        assertEquals(Duration.ofSeconds(12), config.reconnectGrace());
        assertEquals(List.of("k1", "k2"), List.copyOf(config.apiKeys().ids()));
        assertEquals("k2", config.apiKeys().signingKey().id());
        assertEquals(S1, secretOf(config, "k1"));
        assertFalse(config.tokenSecretGenerated());
        assertFalse(config.toString().contains(S1) || config.toString().contains(S2), config.toString());
        assertTrue(config.toString().contains("k1") && config.toString().contains("k2"), config.toString());
    }

    @Test
    void flatDottedLinesAreHoconToo() throws IOException {
        Path conf = file("flat.conf", """
                http.port = 9001
                media.last-n: 7
                keys.secrets.solo = "%s"
                """.formatted(S1));

        StagecastConfig config = load(conf, Map.of());

        assertEquals(9001, config.httpPort());
        assertEquals(7, config.lastN());
        assertEquals("solo", config.apiKeys().signingKey().id(), "the only key signs");
    }

    @Test
    void oldPropertiesFilesStillLoadWithTheirSyntax() throws IOException {
        // The sample shipped before HOCON: an empty value, an unquoted URL (// would start a HOCON comment).
        Path old = file("stagecast.properties", """
                ! properties comment
                http.host = 0.0.0.0
                http.port = 8081
                public-base-url = https://stage.example.org
                rooms.demo =
                keys.secrets.k1 = %s
                """.formatted(S1));

        StagecastConfig config = load(old, Map.of());

        assertEquals(8081, config.httpPort());
        assertEquals("https://stage.example.org", config.publicBaseUrl());
        assertEquals(Optional.empty(), config.demoRoom());
        assertEquals(S1, secretOf(config, "k1"));
    }

    @Test
    void unknownKeysAnywhereInTheTreeAreErrorsWithFileAndLine() throws IOException {
        String nested = refusal(file("a.conf", "http {\n  port = 1\n  prot = 2\n}\n"), Map.of());
        assertTrue(nested.contains("unknown key 'http.prot'") && nested.contains("a.conf:3"), nested);

        String section = refusal(file("b.conf", "http.port = 1\nwebhooks {\n  url = \"https://x.example\"\n}\n"), Map.of());
        assertTrue(section.contains("unknown key 'webhooks.url'") && section.contains("b.conf:3"), section);

        String top = refusal(file("c.properties", "htp.port = 80\n"), Map.of());
        assertTrue(top.contains("htp.port") && top.contains("c.properties"), top);

        String objectForValue = refusal(file("d.conf", "http.port { a = 1 }\n"), Map.of());
        assertTrue(objectForValue.contains("http.port") && objectForValue.contains("d.conf:1"), objectForValue);
    }

    @Test
    void typeAndRangeErrorsNameKeyValueAndLine() throws IOException {
        String[][] cases = {
                {"http {\n  host = \"h\"\n  port = eighty\n}\n", "http.port 'eighty'", ":3"},
                {"\n\nmedia.port = 1.5\n", "media.port '1.5'", ":3"},
                {"media.port = 70000\n", "media.port '70000'", ":1"},
                {"http.port = [1, 2]\n", "http.port '1, 2'", ":1"},
                {"media.announced-addresses = [\"203.0.113.7\", \"stage.example\"]\n", "media.announced-addresses", ":1"},
        };
        for (String[] c : cases) {
            String message = refusal(file("t.conf", c[0]), Map.of());
            assertTrue(message.contains(c[1]) && message.contains("t.conf" + c[2]), c[0] + " -> " + message);
        }
        String syntax = refusal(file("broken.conf", "http {\n  port = 1\n"), Map.of());
        // The parser names the line where the file ended unclosed (3): a number after the file name, not
        // any "2" (which a random temp directory name may contain).
        assertTrue(java.util.regex.Pattern.compile("broken\\.conf: ?[0-9]+").matcher(syntax).find(), syntax);
    }

    @Test
    void keysFromTheEnvironmentAndSystemPropertiesWithTheSamePrecedence() throws IOException {
        Path conf = file("k.conf", "keys { secrets { k1 = \"%s\" }, signing-key = k1 }\n".formatted("x".repeat(40)));
        Map<String, String> env = Map.of(
                "STAGECAST_KEYS_SECRETS_K1", S1,
                "STAGECAST_KEYS_SECRETS_K_2026", S2,
                "STAGECAST_KEYS_SIGNING_KEY", "k-2026");
        Properties sys = new Properties();
        sys.setProperty("stagecast.keys.secrets.k3", S3);
        sys.setProperty("stagecast.keys.signing-key", "k3");

        StagecastConfig fileAndEnv = StagecastConfig.load(conf, env, new Properties());
        assertEquals(S1, secretOf(fileAndEnv, "k1"), "the environment wins over the file");
        assertEquals(S2, secretOf(fileAndEnv, "k-2026"), "K_2026 is key k-2026");
        assertEquals("k-2026", fileAndEnv.apiKeys().signingKey().id());

        StagecastConfig all = StagecastConfig.load(conf, env, sys);
        assertEquals(List.of("k-2026", "k1", "k3"), List.copyOf(all.apiKeys().ids()));
        assertEquals("k3", all.apiKeys().signingKey().id(), "system properties win over the environment");
    }

    @Test
    void tokenSecretIsTheKeyNamedDefaultAndSignsUnlessToldOtherwise() {
        StagecastConfig both = load(null, Map.of("STAGECAST_TOKEN_SECRET", S1, "STAGECAST_KEYS_SECRETS_K2", S2));
        assertEquals(List.of(ApiKeys.LEGACY_ID, "k2"), List.copyOf(both.apiKeys().ids()));
        assertEquals(ApiKeys.LEGACY_ID, both.apiKeys().signingKey().id());

        StagecastConfig rotated = load(null, Map.of("STAGECAST_TOKEN_SECRET", S1, "STAGECAST_KEYS_SECRETS_K2", S2,
                "STAGECAST_KEYS_SIGNING_KEY", "k2"));
        assertEquals("k2", rotated.apiKeys().signingKey().id());
    }

    @Test
    void inconsistentKeysAreRefusedWithoutEchoingASecret() throws IOException {
        String twice = refusal(null, Map.of("STAGECAST_TOKEN_SECRET", S1, "STAGECAST_KEYS_SECRETS_DEFAULT", S2));
        assertTrue(twice.contains("keys.secrets.default") && twice.contains("token.secret"), twice);

        String which = refusal(null, Map.of("STAGECAST_KEYS_SECRETS_K1", S1, "STAGECAST_KEYS_SECRETS_K2", S2));
        assertTrue(which.contains("keys.signing-key") && which.contains("[k1, k2]"), which);

        String unknownSigning = refusal(null, Map.of("STAGECAST_KEYS_SECRETS_K1", S1, "STAGECAST_KEYS_SIGNING_KEY", "k9"));
        assertTrue(unknownSigning.contains("keys.signing-key 'k9'") && unknownSigning.contains("STAGECAST_KEYS_SIGNING_KEY"),
                unknownSigning);

        String signingNothing = refusal(null, Map.of("STAGECAST_KEYS_SIGNING_KEY", "k1"));
        assertTrue(signingNothing.contains("keys.signing-key"), signingNothing);

        String shortInFile = refusal(file("s.conf", "keys.secrets {\n  k1 = \"short-secret-value\"\n}\n"), Map.of());
        assertTrue(shortInFile.contains("keys.secrets.k1") && shortInFile.contains("s.conf:2") && shortInFile.contains("32"),
                shortInFile);
        assertFalse(shortInFile.contains("short-secret-value"), shortInFile);

        String shortInEnv = refusal(null, Map.of("STAGECAST_KEYS_SECRETS_K1", "short-secret-value"));
        assertTrue(shortInEnv.contains("STAGECAST_KEYS_SECRETS_K1"), shortInEnv);
        assertFalse(shortInEnv.contains("short-secret-value"), shortInEnv);

        String badName = refusal(file("n.conf", "keys.secrets { \"My_Key\" = \"%s\" }\n".formatted(S1)), Map.of());
        assertTrue(badName.contains("My_Key") && badName.contains("n.conf:1"), badName);
        assertFalse(badName.contains(S1), badName);

        String notASection = refusal(file("v.conf", "keys.secrets = \"%s\"\n".formatted(S1)), Map.of());
        assertTrue(notASection.contains("keys.secrets") && notASection.contains("v.conf:1"), notASection);
        assertFalse(notASection.contains(S1), notASection);
    }

    @Test
    void theDeploySampleLoads() {
        // Surefire runs in the module directory; deploy/ is one level up.
        StagecastConfig sample = load(Path.of("..", "deploy", "stagecast.conf"), Map.of("STAGECAST_TOKEN_SECRET", S1));
        assertEquals(8080, sample.httpPort());
        assertEquals(Optional.empty(), sample.demoRoom());
    }
}
