package io.stagecast.signaling.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code webhooks { ... }} section: HOCON, environment overrides, and errors that name the key. */
class WebhookSettingsTest {
    private static final Map<String, String> KEYS = Map.of("STAGECAST_TOKEN_SECRET", "webhook-test-secret-webhook-test-secret",
            "STAGECAST_KEYS_SECRETS_HOOKS", "webhook-test-hooks-webhook-test-hooks-01");
    @TempDir
    Path dir;

    private StagecastConfig load(String hocon, Map<String, String> extraEnv) throws Exception {
        Path file = dir.resolve("stagecast.conf");
        Files.writeString(file, hocon, StandardCharsets.UTF_8);
        Map<String, String> env = new java.util.HashMap<>(KEYS);
        env.putAll(extraEnv);
        return StagecastConfig.load(file, env, new Properties());
    }

    @Test
    void offByDefault() throws Exception {
        WebhookSettings w = load("", Map.of()).webhooks();
        assertFalse(w.enabled());
        assertNull(w.signingKeyId());
        assertEquals(Duration.ofSeconds(10), w.timeout());
        assertEquals(Duration.ofSeconds(120), w.retryFor());
        assertEquals(10_000, w.queueSize());
    }

    @Test
    void aSectionWithAListAndTheEnvironmentOverIt() throws Exception {
        String hocon = """
                webhooks {
                  urls = ["https://app.example.org/hooks", "http://10.0.0.5:9000/stagecast"]
                  signing-key = hooks
                  timeout-seconds = 3
                  retry-seconds = 60
                  queue-size = 500
                }
                """;
        WebhookSettings w = load(hocon, Map.of()).webhooks();
        assertEquals(List.of(URI.create("https://app.example.org/hooks"), URI.create("http://10.0.0.5:9000/stagecast")), w.urls());
        assertEquals("hooks", w.signingKeyId());
        assertEquals(Duration.ofSeconds(3), w.timeout());
        assertEquals(Duration.ofSeconds(60), w.retryFor());
        assertEquals(500, w.queueSize());
        WebhookSettings overridden = load(hocon, Map.of("STAGECAST_WEBHOOKS_URLS", "https://other.example.org/h")).webhooks();
        assertEquals(List.of(URI.create("https://other.example.org/h")), overridden.urls());
    }

    @Test
    void badValuesNameTheKey() {
        String url = assertThrows(IllegalArgumentException.class,
                () -> load("webhooks.urls = [\"ftp://x.example.org\"]", Map.of())).getMessage();
        assertTrue(url.contains("webhooks.urls"), url);
        String key = assertThrows(IllegalArgumentException.class,
                () -> load("webhooks.signing-key = nope", Map.of())).getMessage();
        assertTrue(key.contains("webhooks.signing-key") && key.contains("nope"), key);
        String unknown = assertThrows(IllegalArgumentException.class,
                () -> load("webhooks { url = \"https://x.example.org\" }", Map.of())).getMessage();
        assertTrue(unknown.contains("webhooks.url"), unknown);
    }
}
