package io.stagecast.signaling.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12, packaging: the chart in deploy/helm/stagecast lints clean and renders, with Helm's own
 * code (helm-java: the Go library through JNA, so no helm binary is needed), into what a media
 * node on Kubernetes needs: the host network with cluster DNS, a grace period longer than the
 * drain, a preStop pause, a non-root read-only container, the UDP and ICE-TCP ports, the
 * announced address from the node's IP, a PodDisruptionBudget, and a ServiceMonitor when asked.
 */
class HelmChartTest {
    private static final Path CHART = Path.of("..", "deploy", "helm", "stagecast");
    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    @Test
    void theChartLintsWithoutWarnings() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertFalse(lint.isFailed(), "helm lint --strict: " + lint.getMessages());
    }

    @Test
    void theDefaultsRenderAMediaNodeThatDrainsOnTheHostNetwork() {
        Map<String, Map<String, Object>> byKind = render(new Helm(CHART).template().withName("stage")
                .set("secret.tokenSecret", SECRET).call());
        assertTrue(byKind.keySet().containsAll(List.of("Deployment", "Service", "Secret", "PodDisruptionBudget")),
                "rendered: " + byKind.keySet());
        assertFalse(byKind.containsKey("ServiceMonitor"), "no ServiceMonitor unless asked (it needs the operator's CRDs)");
        Map<String, Object> pod = map(map(map(byKind.get("Deployment"), "spec"), "template"), "spec");
        assertEquals(true, pod.get("hostNetwork"));
        assertEquals("ClusterFirstWithHostNet", pod.get("dnsPolicy"));
        assertTrue(((Number) pod.get("terminationGracePeriodSeconds")).intValue() > 300,
                "the grace period outlasts the 300 s drain: " + pod.get("terminationGracePeriodSeconds"));
        assertEquals(true, map(pod, "securityContext").get("runAsNonRoot"));
        Map<String, Object> container = list(pod, "containers").get(0);
        assertFalse(String.valueOf(container.get("image")).endsWith(":latest"), "a pinned tag: " + container.get("image"));
        assertEquals(true, map(container, "securityContext").get("readOnlyRootFilesystem"));
        assertTrue(map(map(container, "lifecycle"), "preStop").containsKey("exec"), "a preStop pause");
        List<String> ports = new ArrayList<>();
        for (Map<String, Object> port : list(container, "ports")) {
            ports.add(port.get("containerPort") + "/" + port.get("protocol"));
        }
        assertTrue(ports.containsAll(List.of("8080/TCP", "10000/UDP", "10000/TCP")), "HTTP, media and ICE-TCP: " + ports);
        Map<String, Object> env = new java.util.HashMap<>();
        for (Map<String, Object> e : list(container, "env")) {
            env.put((String) e.get("name"), e.containsKey("value") ? e.get("value") : e.get("valueFrom"));
        }
        assertEquals("300", env.get("STAGECAST_SHUTDOWN_DRAIN_SECONDS"));
        assertEquals(Map.of("fieldRef", Map.of("fieldPath", "status.hostIP")), env.get("STAGECAST_MEDIA_ANNOUNCED_ADDRESSES"),
                "the announced address is the node's IP");
        assertTrue(String.valueOf(env.get("STAGECAST_TOKEN_SECRET")).contains("secretKeyRef"), "the key comes from the secret");
        assertEquals("/ready", map(map(container, "readinessProbe"), "httpGet").get("path"));
    }

    @Test
    void tlsTurnAndAServiceMonitorRenderWhenAsked() {
        Map<String, Map<String, Object>> byKind = render(new Helm(CHART).template().withName("stage")
                .set("secret.tokenSecret", SECRET).set("tls.secretName", "stage-tls")
                .set("turn.urls", "turn:turn.example.org:3478").set("turn.secretKey", "turn-secret")
                .set("serviceMonitor.enabled", "true").call());
        Map<String, Object> endpoint = list(map(byKind.get("ServiceMonitor"), "spec"), "endpoints").get(0);
        assertEquals("/metrics", endpoint.get("path"));
        assertEquals("https", endpoint.get("scheme"));
        Map<String, Object> container = list(map(map(map(byKind.get("Deployment"), "spec"), "template"), "spec"),
                "containers").get(0);
        String env = String.valueOf(container.get("env"));
        assertTrue(env.contains("STAGECAST_TLS_CERTIFICATE_FILE") && env.contains("STAGECAST_TURN_SECRET"), env);
        assertEquals("HTTPS", map(map(container, "readinessProbe"), "httpGet").get("scheme"));
    }

    @Test
    void clusterModeSetsTheRedisUrlThePodNameAsNodeIdAndTheHostIpAsAdvertisedUrlOnlyWhenAsked() {
        List<Map<String, Object>> alone = env(new Helm(CHART).template().withName("stage")
                .set("secret.tokenSecret", SECRET).call());
        assertTrue(alone.stream().noneMatch(e -> String.valueOf(e.get("name")).startsWith("STAGECAST_CLUSTER_")),
                "no cluster settings by default: " + alone);

        List<Map<String, Object>> env = env(new Helm(CHART).template().withName("stage")
                .set("secret.tokenSecret", SECRET).set("cluster.redisUrl", "redis://redis:6379").call());
        List<String> names = env.stream().map(e -> (String) e.get("name")).toList();
        assertEquals("redis://redis:6379", byName(env, "STAGECAST_CLUSTER_REDIS_URL").get("value"));
        assertEquals(Map.of("fieldRef", Map.of("fieldPath", "metadata.name")),
                byName(env, "STAGECAST_CLUSTER_NODE_ID").get("valueFrom"), "the node id is the pod's name");
        assertEquals(Map.of("fieldRef", Map.of("fieldPath", "status.hostIP")), byName(env, "HOST_IP").get("valueFrom"));
        assertEquals("http://$(HOST_IP):8080", byName(env, "STAGECAST_CLUSTER_ADVERTISED_URL").get("value"));
        assertTrue(names.indexOf("HOST_IP") < names.indexOf("STAGECAST_CLUSTER_ADVERTISED_URL"),
                "Kubernetes expands $(HOST_IP) only from a variable defined before: " + names);

        List<Map<String, Object>> fromSecret = env(new Helm(CHART).template().withName("stage")
                .set("secret.tokenSecret", SECRET).set("tls.secretName", "stage-tls")
                .set("cluster.redisUrlSecret.name", "redis-auth").set("cluster.redisUrlSecret.key", "url").call());
        assertEquals(Map.of("secretKeyRef", Map.of("name", "redis-auth", "key", "url")),
                byName(fromSecret, "STAGECAST_CLUSTER_REDIS_URL").get("valueFrom"), "the URL (with its password) from the secret");
        assertEquals("https://$(HOST_IP):8080", byName(fromSecret, "STAGECAST_CLUSTER_ADVERTISED_URL").get("value"),
                "https with TLS on the signaling port");
    }

    @Test
    void aMissingSecretIsRefusedWithTheReason() {
        Exception e = assertThrows(Exception.class, () -> new Helm(CHART).template().withName("stage").call());
        assertTrue(e.getMessage().contains("secret.tokenSecret is required"), e.getMessage());
    }

    /** The stagecast container's environment in the rendered Deployment. */
    private static List<Map<String, Object>> env(String manifests) {
        Map<String, Object> pod = map(map(map(render(manifests).get("Deployment"), "spec"), "template"), "spec");
        return list(list(pod, "containers").get(0), "env");
    }

    private static Map<String, Object> byName(List<Map<String, Object>> env, String name) {
        return env.stream().filter(e -> name.equals(e.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not in " + env));
    }

    /** Every rendered document by its kind (the chart makes one of each). */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> render(String manifests) {
        Map<String, Map<String, Object>> byKind = new java.util.HashMap<>();
        for (Object doc : new Yaml().loadAll(manifests)) {
            if (doc instanceof Map<?, ?> m && m.get("kind") != null) {
                byKind.put((String) m.get("kind"), (Map<String, Object>) m);
            }
        }
        return byKind;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        assertTrue(value instanceof Map, key + " in " + parent.keySet());
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        assertTrue(value instanceof List, key + " in " + parent.keySet());
        return (List<Map<String, Object>>) value;
    }
}
