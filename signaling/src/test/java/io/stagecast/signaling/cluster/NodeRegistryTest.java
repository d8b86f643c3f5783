package io.stagecast.signaling.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.testutil.JsonWebSocketClient;
import io.stagecast.signaling.testutil.LoopbackServer;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.RandomIds;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two in-process nodes in cluster mode on a real redis-server of the test's own: they list each
 * other with their load, a closed node goes at once, a silent one within the TTL, and both come back
 * after Redis is killed and restarted.
 */
class NodeRegistryTest {
    @RegisterExtension
    static final RedisPerTest redis = new RedisPerTest();

    private StagecastServer node(String id) throws InterruptedException {
        return redis.node(id);
    }

    private static ClusterNode cluster(StagecastServer server) {
        return server.cluster().orElseThrow();
    }

    private static List<String> ids(StagecastServer server) {
        return cluster(server).registry().liveNodes().stream().map(NodeInfo::id).toList();
    }

    private static Optional<NodeInfo> entry(StagecastServer viewer, String id) {
        return cluster(viewer).registry().liveNodes().stream().filter(n -> n.id().equals(id)).findFirst();
    }

    /** Polls every 50 ms; returns the time it took, or fails after {@code limit}. */
    private static Duration within(Duration limit, String what, BooleanSupplier condition) throws InterruptedException {
        long start = System.nanoTime();
        while (true) {
            boolean met;
            try {
                met = condition.getAsBoolean();
            } catch (RuntimeException e) {
                met = false; // Redis away for a moment: keep polling
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            if (met) {
                return took;
            }
            assertTrue(took.compareTo(limit) < 0, what + ": not within " + limit);
            Thread.sleep(50);
        }
    }

    private void joinOne(StagecastServer server, String room) throws Exception {
        JsonWebSocketClient ws = JsonWebSocketClient.connect(server.baseUrl());
        redis.closeAfter(ws);
        String token = server.tokens().mint(new JoinGrant(room, "host", "host", Role.MODERATOR, false,
                Instant.now().plus(Duration.ofHours(1)), RandomIds.tokenId(), false));
        JsonNode reply = ws.request("join", "room", room, "token", token);
        assertTrue(reply.path("ok").asBoolean(), "join refused: " + reply);
    }

    @Test
    void twoNodesListEachOtherWithTheirLoadWithinThreeSeconds() throws Exception {
        StagecastServer a = node("node-a");
        StagecastServer b = node("node-b");
        joinOne(a, "town-hall");
        within(Duration.ofSeconds(3), "b lists a with its room and participant", () -> entry(b, "node-a")
                .filter(n -> n.load().participants() == 1 && n.load().rooms() == 1).isPresent());
        within(Duration.ofSeconds(3), "a lists both", () -> ids(a).equals(List.of("node-a", "node-b")));

        NodeInfo seen = entry(b, "node-a").orElseThrow();
        assertEquals(a.baseUrl(), seen.url(), "the advertised URL defaults to the node's base URL");
        assertTrue(seen.mediaAddresses().contains("127.0.0.1:" + a.media().port()), seen.mediaAddresses().toString());
        assertEquals(a.media().transportCount(), seen.load().transports());
        assertTrue(Instant.now().toEpochMilli() - seen.at() < 3_000, "the entry carries a recent timestamp");
        assertEquals(0, entry(a, "node-b").orElseThrow().load().participants());
        within(Duration.ofSeconds(2), "the gauge counts both nodes",
                () -> a.metrics().get("stagecast.cluster.nodes").gauge().value() == 2.0);
    }

    @Test
    void aClosedNodeIsGoneAtOnce() throws Exception {
        StagecastServer a = node("node-a");
        StagecastServer b = node("node-b");
        within(Duration.ofSeconds(3), "a lists both", () -> ids(a).size() == 2);
        b.close();
        assertEquals(List.of("node-a"), ids(a), "b deleted its key as it closed");
    }

    @Test
    void aNodeThatStopsHeartbeatingIsGoneWithinTheTtl() throws Exception {
        StagecastServer a = node("node-a");
        StagecastServer b = node("node-b");
        within(Duration.ofSeconds(3), "a lists both", () -> ids(a).size() == 2);
        cluster(b).freezeHeartbeats();
        Duration gone = within(NodeRegistry.TTL.plusSeconds(1), "frozen b disappears", () -> !ids(a).contains("node-b"));
        // Its last heartbeat was at most 1 s before the freeze, so its key lived on for 2 s or more:
        // it went by expiring, not by being deleted.
        assertTrue(gone.compareTo(Duration.ofSeconds(1)) > 0, "b vanished after " + gone + ", before its TTL");
        assertTrue(ids(a).contains("node-a"), "a, still heartbeating, stays");
    }

    @Test
    void afterRedisIsKilledAndRestartedBothNodesAreListedAgain() throws Exception {
        StagecastServer a = node("node-a");
        StagecastServer b = node("node-b");
        within(Duration.ofSeconds(3), "a lists both", () -> ids(a).size() == 2);
        double failuresBefore = cluster(a).registry().heartbeatFailures();
        redis.process().kill();
        within(Duration.ofSeconds(3), "both count failed heartbeats",
                () -> cluster(a).registry().heartbeatFailures() > failuresBefore
                        && cluster(b).registry().heartbeatFailures() > 0);
        assertEquals(0.0, a.metrics().get("stagecast.cluster.nodes").gauge().value(), "no nodes seen without Redis");
        assertTrue(a.metrics().get("stagecast.cluster.heartbeat.failures").counter().count() > 0);
        Thread.sleep(1_000);

        redis.process().restart();
        Duration back = within(Duration.ofSeconds(5), "both registered in the new, empty Redis",
                () -> ids(a).equals(List.of("node-a", "node-b")) && ids(b).size() == 2);
        System.out.println("nodes registered again " + back.toMillis() + " ms after Redis restarted");
    }

    @Test
    void withoutARedisUrlThereIsNoCluster() throws Exception {
        StagecastServer alone = LoopbackServer.start(Map.of());
        redis.closeAfter(alone);
        assertFalse(alone.cluster().isPresent());
        assertTrue(alone.metrics().find("stagecast.cluster.nodes").gauges().isEmpty(), "no cluster meters");
    }
}
