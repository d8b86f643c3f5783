package io.stagecast.signaling.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.testutil.LoopbackServer;
import io.stagecast.signaling.testutil.RedisProcess;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * deploy/grafana/stagecast.json asks only for metrics a node exports: every metric name in every
 * panel's query is in a live node's {@code /metrics} (with webhooks configured, in cluster mode on
 * a redis-server of the test's own, and after a GC, so that the meters that appear only then are
 * there too). A renamed metric breaks this test, not a
 * dashboard an operator found empty.
 */
class GrafanaDashboardTest {
    private static final Pattern METRIC = Pattern.compile("\\b(?:stagecast|jvm|process|system)_[a-z_]+\\b");

    @Test
    void everyQueryNamesAnExportedMetric() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(Path.of("..", "deploy", "grafana", "stagecast.json")));
        Set<String> asked = new TreeSet<>();
        collect(dashboard.path("panels"), asked);
        assertTrue(asked.size() > 30, "the dashboard's queries name metrics: " + asked);
        assumeTrue(System.getenv("CI") != null || RedisProcess.available(), "needs redis-server (Debian package redis-server)");
        RedisProcess redis = RedisProcess.start();
        StagecastServer server = LoopbackServer.start(Map.of("STAGECAST_WEBHOOKS_URLS", "http://127.0.0.1:9/hooks",
                "STAGECAST_CLUSTER_REDIS_URL", redis.url()));
        try {
            System.gc();
            String scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Set<String> missing = new TreeSet<>();
            for (String name : asked) {
                if (scrape.lines().noneMatch(l -> l.startsWith(name + "{") || l.startsWith(name + " "))) {
                    missing.add(name);
                }
            }
            assertTrue(missing.isEmpty(), "the dashboard asks for metrics the node does not export: " + missing);
        } finally {
            server.close();
            redis.close();
        }
    }

    private static void collect(JsonNode panels, Set<String> names) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                Matcher m = METRIC.matcher(target.path("expr").asText());
                while (m.find()) {
                    names.add(m.group());
                }
            }
            collect(panel.path("panels"), names);
        }
    }
}
