package io.stagecast.signaling.cluster;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The entry paths' view of placement: one Redis look-up per burst of one room, a fallback when Redis is gone. */
class PlacementClientTest {
    @RegisterExtension
    static final RedisPerTest redis = new RedisPerTest();
    private ClusterNode node;
    private SimpleMeterRegistry metrics;

    @BeforeEach
    void start() {
        metrics = new SimpleMeterRegistry();
        node = redis.closeAfter(new ClusterNode(new ClusterRedis(redis.url()), "node-a", "http://node-a.test:8080",
                List.of(), () -> new LoadReading(0, 0, 0, 0), List::of, NoRooms.HOST, metrics, NodeRegistry.TTL, RoomPlacement.ORIGIN_TTL));
    }

    /** GET calls Redis has served: only a claim reads the origin key (the heartbeat SETs, SCANs and MGETs). */
    private long getCalls() {
        try (ClusterRedis client = new ClusterRedis(redis.url())) {
            return client.sync().info("commandstats").lines().filter(l -> l.startsWith("cmdstat_get:"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("^cmdstat_get:calls=(\\d+),.*$", "$1")))
                    .findFirst().orElse(0);
        }
    }

    @Test
    void aBurstOfJoinsOfOneRoomAsksRedisOnce() throws Exception {
        long before = getCalls();
        List<CompletableFuture<RoomOrigin>> answers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            answers.add(node.placementClient().originOf("webinar"));
        }
        for (CompletableFuture<RoomOrigin> answer : answers) {
            assertEquals(RoomOrigin.HERE, answer.get(5, TimeUnit.SECONDS), "alone, this node is the origin");
        }
        assertEquals(2, getCalls() - before,
                "for 50 joins one claim: one GET of the origin key, and one of a state kept by an earlier origin");
        assertEquals(0.0, metrics.get("stagecast.cluster.placement.fallbacks").counter().count());
    }

    @Test
    void withRedisGoneEachRequestIsServedHereWithinTheTimeoutAndCounted() throws Exception {
        redis.process().kill();
        long start = System.nanoTime();
        RoomOrigin first = node.placementClient().originOf("offline").get(5, TimeUnit.SECONDS);
        RoomOrigin second = node.placementClient().originOf("offline").get(5, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(first.here() && first.fallback(), first.toString());
        assertTrue(second.here() && second.fallback(), second.toString());
        assertTrue(took.compareTo(PlacementClient.LOOKUP_TIMEOUT.plusMillis(500)) < 0, "took " + took);
        assertEquals(2.0, metrics.get("stagecast.cluster.placement.fallbacks").counter().count(), "counted per request");
    }
}
