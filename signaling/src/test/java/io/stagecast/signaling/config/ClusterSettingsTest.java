package io.stagecast.signaling.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterSettingsTest {
    @TempDir
    Path dir;

    private static ClusterSettings fromEnv(Map<String, String> env) {
        return StagecastConfig.load(null, env, new Properties()).cluster();
    }

    @Test
    void withoutARedisUrlTheNodeRunsAlone() {
        ClusterSettings cluster = StagecastConfig.defaults().cluster();
        assertEquals(ClusterSettings.DISABLED, cluster);
        assertFalse(cluster.enabled());
    }

    @Test
    void aRedisUrlTurnsClusterModeOnWithARandomIdAndTheBaseUrl() {
        Map<String, String> env = Map.of("STAGECAST_CLUSTER_REDIS_URL", "redis://10.0.0.5:6379");
        ClusterSettings one = fromEnv(env);
        ClusterSettings two = fromEnv(env);
        assertTrue(one.enabled());
        assertTrue(one.nodeId().matches("node-[0-9a-f]{12}"), one.nodeId());
        assertNotEquals(one.nodeId(), two.nodeId(), "a fresh id at each start");
        assertEquals("http://stage.example:8080", one.advertisedUrlOr("http://stage.example:8080"));
    }

    @Test
    void nodeIdAndAdvertisedUrlAreKeptFromAHoconFile() throws IOException {
        Path file = dir.resolve("stagecast.conf");
        Files.writeString(file, "cluster {\n  redis-url = \"rediss://redis.internal:6380\"\n  node-id = edge-1\n"
                + "  advertised-url = \"https://edge-1.stage.example/\"\n}\n");
        ClusterSettings cluster = StagecastConfig.load(file, Map.of(), new Properties()).cluster();
        assertEquals("rediss://redis.internal:6380", cluster.redisUrl());
        assertEquals("edge-1", cluster.nodeId());
        assertEquals("https://edge-1.stage.example", cluster.advertisedUrlOr("http://ignored"));
    }

    @Test
    void badValuesAreRefusedAndThePasswordIsNeverEchoed() {
        IllegalArgumentException scheme = assertThrows(IllegalArgumentException.class,
                () -> fromEnv(Map.of("STAGECAST_CLUSTER_REDIS_URL", "http://:hunter2-secret@redis:6379")));
        assertTrue(scheme.getMessage().contains("cluster.redis-url"), scheme.getMessage());
        assertFalse(scheme.getMessage().contains("hunter2"), scheme.getMessage());

        IllegalArgumentException id = assertThrows(IllegalArgumentException.class, () -> fromEnv(Map.of(
                "STAGECAST_CLUSTER_REDIS_URL", "redis://redis:6379", "STAGECAST_CLUSTER_NODE_ID", "Node_A")));
        assertTrue(id.getMessage().contains("cluster.node-id"), id.getMessage());

        IllegalArgumentException url = assertThrows(IllegalArgumentException.class, () -> fromEnv(Map.of(
                "STAGECAST_CLUSTER_REDIS_URL", "redis://redis:6379", "STAGECAST_CLUSTER_ADVERTISED_URL", "edge-1:8080")));
        assertTrue(url.getMessage().contains("cluster.advertised-url"), url.getMessage());

        IllegalArgumentException orphan = assertThrows(IllegalArgumentException.class,
                () -> fromEnv(Map.of("STAGECAST_CLUSTER_NODE_ID", "edge-1")));
        assertTrue(orphan.getMessage().contains("cluster.redis-url is empty"), orphan.getMessage());
    }

    @Test
    void theConfigurationsTextHidesTheRedisPassword() {
        StagecastConfig config = StagecastConfig.load(null,
                Map.of("STAGECAST_CLUSTER_REDIS_URL", "redis://default:hunter2-secret@redis:6379/0"), new Properties());
        assertFalse(config.toString().contains("hunter2"), config.toString());
        assertTrue(config.toString().contains("redis://***@redis:6379/0"), config.toString());
    }
}
