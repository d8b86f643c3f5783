package io.stagecast.signaling.config;

import io.stagecast.signaling.token.ApiKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StagecastConfigTest {

    private static final String SECRET = "a-shared-secret-of-at-least-32-bytes!";

    @TempDir
    Path dir;

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static Properties props(String... keyValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return properties;
    }

    private Path file(String content) throws IOException {
        Path path = dir.resolve("stagecast.properties");
        Files.writeString(path, content, StandardCharsets.UTF_8);
        return path;
    }

    static String secretOf(StagecastConfig config, String kid) {
        return new String(config.apiKeys().secret(kid).orElseThrow(), StandardCharsets.UTF_8);
    }

    private static StagecastConfig fromEnv(String key, String value) {
        return StagecastConfig.load(null, Map.of(key, value), new Properties());
    }

    private static IllegalArgumentException refusedFromEnv(String key, String value) {
        return assertThrows(IllegalArgumentException.class, () -> fromEnv(key, value), key + "=" + value);
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        StagecastConfig config = StagecastConfig.defaults();

        assertEquals("0.0.0.0", config.httpHost());
        assertEquals(8080, config.httpPort());
        assertEquals(10000, config.mediaPort());
        assertEquals(ip("0.0.0.0"), config.mediaBindAddress());
        assertEquals(List.of(), config.mediaAnnouncedAddresses());
        assertEquals(List.of(), config.mediaAllowedRemoteNetworks());
        assertEquals(Runtime.getRuntime().availableProcessors(), config.mediaEventLoops());
        assertEquals(Duration.ofSeconds(30), config.iceConsentTimeout());
        assertEquals("http://localhost:8080", config.publicBaseUrl());
        assertEquals(Optional.of("demo"), config.demoRoom());
        assertEquals(Duration.ofSeconds(20), config.dtlsHandshakeTimeout());
    }

    @Test
    void iceTcpTakesTheMediaPortsNumberUnlessSetOrTurnedOff() {
        assertEquals(10000, StagecastConfig.defaults().mediaTcpPort());
        assertEquals(20000, fromEnv("STAGECAST_MEDIA_PORT", "20000").mediaTcpPort());
        assertEquals(443, fromEnv("STAGECAST_MEDIA_TCP_PORT", "443").mediaTcpPort());
        assertEquals(-1, fromEnv("STAGECAST_MEDIA_TCP_PORT", "off").mediaTcpPort());
    }

    @Test
    void gsoIsOnWhereTheMachineCanUnlessTurnedOff() {
        assertEquals(io.stagecast.sfu.MediaConfig.gsoSupported(), StagecastConfig.defaults().mediaGso());
        assertTrue(fromEnv("STAGECAST_MEDIA_GSO", "true").mediaGso());
        assertFalse(fromEnv("STAGECAST_MEDIA_GSO", "off").mediaGso());
        assertEquals(io.stagecast.sfu.MediaConfig.gsoSupported(), fromEnv("STAGECAST_MEDIA_GSO", "auto").mediaGso());
    }

    @Test
    void lastNDefaultsAndBounds() {
        StagecastConfig defaults = StagecastConfig.defaults();
        assertEquals(25, defaults.lastN());
        assertEquals(4, defaults.lastNMobile());
        assertEquals(9, fromEnv("STAGECAST_MEDIA_LAST_N", "9").lastN());
        assertEquals(1, fromEnv("STAGECAST_MEDIA_LAST_N_MOBILE", "1").lastNMobile());
        for (String bad : List.of("0", "26", "-1", "all")) {
            assertTrue(refusedFromEnv("STAGECAST_MEDIA_LAST_N", bad).getMessage().contains("media.last-n"), bad);
            assertTrue(refusedFromEnv("STAGECAST_MEDIA_LAST_N_MOBILE", bad).getMessage().contains("media.last-n-mobile"), bad);
        }
    }

    @Test
    void unsetSecretIsRandomPerLoadAndNeverPrinted() {
        StagecastConfig first = StagecastConfig.defaults();
        StagecastConfig second = StagecastConfig.defaults();

        assertTrue(first.tokenSecretGenerated());
        assertEquals(Set.of(ApiKeys.LEGACY_ID), first.apiKeys().ids());
        byte[] random = first.apiKeys().secret(ApiKeys.LEGACY_ID).orElseThrow();
        assertTrue(random.length >= 32);
        assertFalse(Arrays.equals(random, second.apiKeys().secret(ApiKeys.LEGACY_ID).orElseThrow()));
        assertFalse(first.toString().contains(new String(random, StandardCharsets.UTF_8)), first.toString());
        StagecastConfig configured = fromEnv("STAGECAST_TOKEN_SECRET", SECRET);
        assertFalse(configured.tokenSecretGenerated());
        assertEquals(SECRET, secretOf(configured, ApiKeys.LEGACY_ID));
        assertEquals(ApiKeys.LEGACY_ID, configured.apiKeys().signingKey().id());
        assertFalse(configured.toString().contains(SECRET));
    }

    @Test
    void laterSourcesWin() throws IOException {
        Path file = file("""
                # every layer sets http.port; each lower layer also sets one key nobody overrides
                http.port = 1001
                media.port = 2001
                rooms.demo = from-file
                """);
        Map<String, String> env = Map.of(
                "STAGECAST_HTTP_PORT", "1002",
                "STAGECAST_MEDIA_PORT", "2002",
                "STAGECAST_ICE_CONSENT_TIMEOUT_SECONDS", "12");
        Properties sys = props(
                "stagecast.http.port", "1003",
                "stagecast.dtls.handshake-timeout-seconds", "13");

        StagecastConfig all = StagecastConfig.load(file, env, sys);

        assertEquals(1003, all.httpPort());
        assertEquals(2002, all.mediaPort());
        assertEquals(Optional.of("from-file"), all.demoRoom());
        assertEquals(Duration.ofSeconds(12), all.iceConsentTimeout());
        assertEquals(Duration.ofSeconds(13), all.dtlsHandshakeTimeout());
        assertEquals(1002, StagecastConfig.load(file, env, new Properties()).httpPort());
        assertEquals(1001, StagecastConfig.load(file, Map.of(), new Properties()).httpPort());
        assertEquals(8080, StagecastConfig.load(null, Map.of(), new Properties()).httpPort());
    }

    @Test
    void everyKeyHasAnEnvironmentVariableAndASystemProperty() {
        Map<String, String> env = Map.ofEntries(
                Map.entry("STAGECAST_HTTP_HOST", "127.0.0.1"),
                Map.entry("STAGECAST_HTTP_PORT", "8443"),
                Map.entry("STAGECAST_MEDIA_PORT", "20000"),
                Map.entry("STAGECAST_MEDIA_BIND_ADDRESS", "::"),
                Map.entry("STAGECAST_MEDIA_ANNOUNCED_ADDRESSES", "203.0.113.7, 2001:db8::7"),
                Map.entry("STAGECAST_MEDIA_ALLOWED_REMOTE_NETWORKS", "127.0.0.0/8,::1/128"),
                Map.entry("STAGECAST_MEDIA_EVENT_LOOPS", "3"),
                Map.entry("STAGECAST_MEDIA_GSO", "false"),
                Map.entry("STAGECAST_ICE_CONSENT_TIMEOUT_SECONDS", "15"),
                Map.entry("STAGECAST_TOKEN_SECRET", SECRET),
                Map.entry("STAGECAST_PUBLIC_BASE_URL", "https://stage.example/"),
                Map.entry("STAGECAST_ROOMS_DEMO", ""),
                Map.entry("STAGECAST_DTLS_HANDSHAKE_TIMEOUT_SECONDS", "5"));

        StagecastConfig config = StagecastConfig.load(null, env, new Properties());

        assertEquals("127.0.0.1", config.httpHost());
        assertEquals(8443, config.httpPort());
        assertEquals(20000, config.mediaPort());
        assertEquals(ip("::"), config.mediaBindAddress());
        assertEquals(List.of(ip("203.0.113.7"), ip("2001:db8::7")), config.mediaAnnouncedAddresses());
        assertEquals(List.of(NetworkRange.parse("127.0.0.0/8"), NetworkRange.parse("::1/128")),
                config.mediaAllowedRemoteNetworks());
        assertEquals(3, config.mediaEventLoops());
        assertFalse(config.mediaGso());
        assertEquals(Duration.ofSeconds(15), config.iceConsentTimeout());
        assertEquals(SECRET, secretOf(config, ApiKeys.LEGACY_ID));
        assertEquals("https://stage.example", config.publicBaseUrl());
        assertEquals(Optional.empty(), config.demoRoom());
        assertEquals(Duration.ofSeconds(5), config.dtlsHandshakeTimeout());

        Properties sys = new Properties();
        env.forEach((name, value) -> sys.setProperty(
                ConfigKey.SYSTEM_PROPERTY_PREFIX + keyOfEnvName(name), value));
        assertEquals(config, StagecastConfig.load(null, Map.of(), sys));
    }

    private static String keyOfEnvName(String envName) {
        for (ConfigKey key : ConfigKey.values()) {
            if (key.kind() != ConfigKey.Kind.VALUE) {
                continue;
            }
            if (key.envName().equals(envName)) {
                return key.key();
            }
        }
        throw new AssertionError("no key for " + envName);
    }

    @Test
    void fileAcceptsKeyValueAndColonSyntaxWithComments() throws IOException {
        Path file = file("""
                ! properties comment
                # hash comment
                http.host=10.0.0.5
                  http.port   =   9000   \s
                media.port: 10001
                media.allowed-remote-networks = 10.0.0.0/8 , 192.168.0.0/16
                """);

        StagecastConfig config = StagecastConfig.load(file, Map.of(), new Properties());

        assertEquals("10.0.0.5", config.httpHost());
        assertEquals(9000, config.httpPort());
        assertEquals(10001, config.mediaPort());
        assertEquals(2, config.mediaAllowedRemoteNetworks().size());
        assertEquals("http://10.0.0.5:9000", config.publicBaseUrl());
    }

    @Test
    void unknownKeyInFileIsRefused() throws IOException {
        Path file = file("htp.port = 80\n");

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> StagecastConfig.load(file, Map.of(), new Properties()));
        assertTrue(error.getMessage().contains("htp.port"), error.getMessage());
    }

    @Test
    void unknownEnvironmentVariablesAndUnrelatedPropertiesAreIgnored() {
        StagecastConfig config = StagecastConfig.load(null,
                Map.of("STAGECAST_VERSION", "1.2", "PATH", "/bin", "STAGECAST_CONFIG_FILE", "/nowhere"),
                props("java.version", "17", "stagecast.unknown", "x"));

        assertEquals(8080, config.httpPort());
    }

    @Test
    void missingFileIsRefused() {
        Path missing = dir.resolve("absent.properties");

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> StagecastConfig.load(missing, Map.of(), new Properties()));
        assertTrue(error.getMessage().contains("absent.properties"), error.getMessage());
    }

    @Test
    void invalidValuesNameTheKeyTheValueAndTheSource() {
        String[][] cases = {
                {"STAGECAST_HTTP_PORT", "70000", "http.port"},
                {"STAGECAST_HTTP_PORT", "-1", "http.port"},
                {"STAGECAST_HTTP_PORT", "eighty", "http.port"},
                {"STAGECAST_HTTP_PORT", "", "http.port"},
                {"STAGECAST_MEDIA_PORT", "65536", "media.port"},
                {"STAGECAST_MEDIA_PORT", "1.5", "media.port"},
                {"STAGECAST_HTTP_HOST", "", "http.host"},
                {"STAGECAST_MEDIA_BIND_ADDRESS", "localhost", "media.bind-address"},
                {"STAGECAST_MEDIA_ANNOUNCED_ADDRESSES", "203.0.113.7,stage.example", "media.announced-addresses"},
                {"STAGECAST_MEDIA_ALLOWED_REMOTE_NETWORKS", "127.0.0.0/8,10.0.0.0/33", "media.allowed-remote-networks"},
                {"STAGECAST_MEDIA_ALLOWED_REMOTE_NETWORKS", "not-a-cidr", "media.allowed-remote-networks"},
                {"STAGECAST_MEDIA_EVENT_LOOPS", "0", "media.event-loops"},
                {"STAGECAST_MEDIA_EVENT_LOOPS", "many", "media.event-loops"},
                {"STAGECAST_MEDIA_GSO", "sometimes", "media.gso"},
                {"STAGECAST_MEDIA_TCP_PORT", "65536", "media.tcp-port"},
                {"STAGECAST_MEDIA_TCP_PORT", "sometimes", "media.tcp-port"},
                {"STAGECAST_ICE_CONSENT_TIMEOUT_SECONDS", "0", "ice.consent-timeout-seconds"},
                {"STAGECAST_ICE_CONSENT_TIMEOUT_SECONDS", "-5", "ice.consent-timeout-seconds"},
                {"STAGECAST_DTLS_HANDSHAKE_TIMEOUT_SECONDS", "20s", "dtls.handshake-timeout-seconds"},
                {"STAGECAST_PUBLIC_BASE_URL", "stage.example", "public-base-url"},
                {"STAGECAST_PUBLIC_BASE_URL", "ftp://stage.example", "public-base-url"},
                {"STAGECAST_PUBLIC_BASE_URL", "https://stage.example/?x=1", "public-base-url"},
                {"STAGECAST_PUBLIC_BASE_URL", "https://exa mple", "public-base-url"},
        };
        for (String[] c : cases) {
            IllegalArgumentException error = refusedFromEnv(c[0], c[1]);
            String message = error.getMessage();
            assertTrue(message.contains(c[2]), message);
            assertTrue(message.contains("'" + c[1] + "'"), message);
            assertTrue(message.contains(c[0]), message);
        }
    }

    @Test
    void shortSecretIsRefusedWithoutEchoingIt() {
        IllegalArgumentException error = refusedFromEnv("STAGECAST_TOKEN_SECRET", "too-short-secret");

        assertTrue(error.getMessage().contains("token.secret"), error.getMessage());
        assertTrue(error.getMessage().contains("32"), error.getMessage());
        assertFalse(error.getMessage().contains("too-short-secret"), error.getMessage());
    }

    @Test
    void invalidValueFromFileNamesTheFile() throws IOException {
        Path file = file("media.port = 99999\n");

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> StagecastConfig.load(file, Map.of(), new Properties()));
        assertTrue(error.getMessage().contains("media.port '99999'"), error.getMessage());
        assertTrue(error.getMessage().contains(file.toString()), error.getMessage());
    }

    @Test
    void derivedBaseUrlBracketsIpv6Hosts() {
        assertEquals("http://[::1]:8080", fromEnv("STAGECAST_HTTP_HOST", "::1").publicBaseUrl());
        assertEquals("http://localhost:8080", fromEnv("STAGECAST_HTTP_HOST", "::").publicBaseUrl());
        assertEquals("http://stage.internal:8080", fromEnv("STAGECAST_HTTP_HOST", "stage.internal").publicBaseUrl());
    }

    @Test
    void remoteAllowedByAnyConfiguredNetworkOrByDefault() {
        StagecastConfig open = StagecastConfig.defaults();
        StagecastConfig loopbackOnly = fromEnv("STAGECAST_MEDIA_ALLOWED_REMOTE_NETWORKS", "127.0.0.0/8, ::1/128");

        assertTrue(open.remoteAllowed(ip("198.51.100.1")));
        assertTrue(loopbackOnly.remoteAllowed(ip("127.0.0.1")));
        assertTrue(loopbackOnly.remoteAllowed(ip("::1")));
        assertFalse(loopbackOnly.remoteAllowed(ip("198.51.100.1")));
    }

    @Test
    void configuredListsCannotBeModified() {
        StagecastConfig config = fromEnv("STAGECAST_MEDIA_ANNOUNCED_ADDRESSES", "203.0.113.7");

        assertThrows(UnsupportedOperationException.class, () -> config.mediaAnnouncedAddresses().clear());
    }

    @Test
    void tlsTakesBothFilesOrNeitherAndRedirectsOnlyWithIt() {
        assertTrue(refusedFromEnv("STAGECAST_TLS_CERTIFICATE_FILE", "/etc/cert.pem").getMessage().contains("go together"));
        assertTrue(refusedFromEnv("STAGECAST_TLS_KEY_FILE", "/etc/key.pem").getMessage().contains("go together"));
        assertTrue(refusedFromEnv("STAGECAST_TLS_REDIRECT_PORT", "80").getMessage().contains("tls.certificate-file"));
        StagecastConfig tls = StagecastConfig.load(null, Map.of("STAGECAST_TLS_CERTIFICATE_FILE", "/etc/cert.pem",
                "STAGECAST_TLS_KEY_FILE", "/etc/key.pem", "STAGECAST_HTTP_PORT", "8443"), new Properties());
        assertTrue(tls.tls().enabled());
        assertEquals("https://localhost:8443", tls.publicBaseUrl(), "the derived URL is https");
        assertFalse(StagecastConfig.defaults().tls().enabled());
    }

    @Test
    void documentationDescribesEveryKey() throws IOException {
        // Surefire runs in the module directory; the docs live one level up.
        String docs = Files.readString(Path.of("..", "docs", "configuration.md"), StandardCharsets.UTF_8);
        for (ConfigKey key : ConfigKey.values()) {
            if (key.kind() == ConfigKey.Kind.NAMED) {
                assertTrue(docs.contains("`" + key.key() + ".<id>`"), key.key());
                assertTrue(docs.contains("`" + key.envName() + "<ID>`"), key.envName());
            } else {
                assertTrue(docs.contains("`" + key.key() + "`"), key.key());
                assertTrue(docs.contains("`" + key.envName() + "`"), key.envName());
            }
        }
    }
}
