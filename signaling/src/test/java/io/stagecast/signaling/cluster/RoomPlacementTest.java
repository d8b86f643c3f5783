package io.stagecast.signaling.cluster;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Room placement on a real redis-server: two cluster nodes (no HTTP or media, their load given by
 * the test) claim rooms' origins.
 */
class RoomPlacementTest {
    private static final Duration SHORT_ORIGIN_TTL = Duration.ofMillis(1200);

    @RegisterExtension
    static final RedisPerTest redis = new RedisPerTest();

    /** A node whose participant count is {@code participants} and which hosts the rooms in {@code hosted}. */
    private ClusterNode node(String id, AtomicInteger participants, Collection<String> hosted) {
        ClusterNode node = new ClusterNode(new ClusterRedis(redis.url()), id, "http://" + id + ".test:8080",
                List.of("127.0.0.1:10000"), () -> new LoadReading(participants.get(), 0, 0, 0), () -> List.copyOf(hosted),
                NoRooms.HOST, new SimpleMeterRegistry(), NodeRegistry.TTL, SHORT_ORIGIN_TTL);
        return redis.closeAfter(node);
    }

    private static void awaitListed(ClusterNode node, int count, String busiest, int participants) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (true) {
            List<NodeInfo> nodes = node.registry().liveNodes();
            if (nodes.size() == count && nodes.stream().anyMatch(n -> n.id().equals(busiest) && n.load().participants() == participants)) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "nodes not listed with their load: " + nodes);
            Thread.sleep(50);
        }
    }

    private int roomKeys() {
        try (ClusterRedis client = new ClusterRedis(redis.url())) {
            return client.sync().keys("stagecast:room:*").size(); // test only: a tiny keyspace
        }
    }

    @Test
    void theLeastLoadedNodeBecomesTheOrigin() throws Exception {
        ClusterNode a = node("node-a", new AtomicInteger(7), Set.of());
        ClusterNode b = node("node-b", new AtomicInteger(2), Set.of());
        awaitListed(a, 2, "node-a", 7);
        assertEquals("node-b", a.placement().claimOrigin("webcast"), "fewest participants wins");
        assertEquals(Optional.of("node-b"), b.placement().originOf("webcast"));
        assertEquals("node-b", b.placement().claimOrigin("webcast"));
    }

    @Test
    void equalLoadsAreBrokenByNodeId() {
        NodeInfo x = new NodeInfo("node-x", "http://x", List.of(), new NodeLoad(3, 1, 2, 0), 0);
        NodeInfo c = new NodeInfo("node-c", "http://c", List.of(), new NodeLoad(3, 9, 9, 9), 0);
        NodeInfo busy = new NodeInfo("node-a", "http://a", List.of(), new NodeLoad(4, 0, 0, 0), 0);
        assertEquals(Optional.of("node-c"), RoomPlacement.leastLoaded(List.of(x, busy, c)));
        assertEquals(Optional.empty(), RoomPlacement.leastLoaded(List.of()));
    }

    @Test
    void aDrainingNodeIsPassedByHoweverEmptyItIs() {
        NodeInfo emptying = new NodeInfo("node-a", "http://a", List.of(), new NodeLoad(0, 1, 1, 0, true), 0);
        NodeInfo busy = new NodeInfo("node-b", "http://b", List.of(), new NodeLoad(40, 3, 50, 9), 0);
        assertEquals(Optional.of("node-b"), RoomPlacement.leastLoaded(List.of(emptying, busy)));
        assertEquals(Optional.of("node-a"), RoomPlacement.leastLoaded(List.of(emptying)),
                "alone, the draining node is still named (and refuses the join itself)");
    }

    @Test
    void aClaimStaysWithItsOriginWhenLoadsChange() throws Exception {
        AtomicInteger aLoad = new AtomicInteger(5);
        ClusterNode a = node("node-a", aLoad, Set.of());
        ClusterNode b = node("node-b", new AtomicInteger(3), Set.of("lecture"));
        awaitListed(a, 2, "node-a", 5);
        assertEquals("node-b", a.placement().claimOrigin("lecture"));
        aLoad.set(0);
        awaitListed(b, 2, "node-a", 0);
        assertEquals("node-b", b.placement().claimOrigin("lecture"), "SET NX: the first claim stands");
        assertEquals("node-a", b.placement().claimOrigin("seminar"), "a new room goes to the now idler node");
    }

    @Test
    void concurrentClaimsFromTwoNodesAgreeOnOneOrigin() throws Exception {
        ClusterNode a = node("node-a", new AtomicInteger(1), Set.of());
        ClusterNode b = node("node-b", new AtomicInteger(1), Set.of());
        awaitListed(a, 2, "node-b", 1);
        int rooms = 40;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<String>>> answers = new ArrayList<>();
            for (ClusterNode node : List.of(a, b, a, b)) {
                answers.add(threads.submit(() -> {
                    go.await();
                    List<String> origins = new ArrayList<>();
                    for (int i = 0; i < rooms; i++) {
                        origins.add(node.placement().claimOrigin("room-" + i));
                    }
                    return origins;
                }));
            }
            go.countDown();
            List<String> first = answers.get(0).get();
            for (Future<List<String>> answer : answers) {
                assertEquals(first, answer.get(), "every claimant got the same origin for every room");
            }
            for (int i = 0; i < rooms; i++) {
                assertEquals(Optional.of(first.get(i)), a.placement().originOf("room-" + i));
                assertEquals("node-a", first.get(i), "equal loads: the smaller id");
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void anOriginKeyLivesWhileRenewedAndExpiresAfterItsRoomEnds() throws Exception {
        Set<String> hosted = ConcurrentHashMap.newKeySet();
        hosted.add("live-room");
        ClusterNode a = node("node-a", new AtomicInteger(0), hosted);
        awaitListed(a, 1, "node-a", 0);
        assertEquals("node-a", a.placement().claimOrigin("live-room"));
        for (int i = 0; i < 30; i++) {
            a.placement().claimOrigin("ended-" + i); // claimed, never hosted: nobody renews them
        }
        Thread.sleep(SHORT_ORIGIN_TTL.multipliedBy(2).toMillis());
        assertEquals(Optional.of("node-a"), a.placement().originOf("live-room"), "renewed by the heartbeat");
        assertEquals(1, roomKeys(), "the 30 unrenewed keys expired");

        hosted.remove("live-room"); // the room ended on its origin
        Thread.sleep(SHORT_ORIGIN_TTL.plusMillis(1100).toMillis());
        assertFalse(a.placement().originOf("live-room").isPresent(), "no longer renewed: expired");
        assertEquals(0, roomKeys(), "no room key outlives its room");
    }

    @Test
    void onlyTheOriginRenewsOrReleasesItsRoom() throws Exception {
        ClusterNode a = node("node-a", new AtomicInteger(0), Set.of());
        ClusterNode b = node("node-b", new AtomicInteger(9), Set.of());
        awaitListed(b, 2, "node-b", 9);
        assertEquals("node-a", b.placement().claimOrigin("panel"));
        assertEquals(0, b.placement().refreshOrigins(List.of("panel")), "b is not panel's origin");
        assertFalse(b.placement().releaseOrigin("panel"));
        assertEquals(2, a.placement().refreshOrigins(List.of("panel", "unclaimed")),
                "panel renewed, and unclaimed (hosted by a, no key) written for a");
        assertEquals(Optional.of("node-a"), b.placement().originOf("unclaimed"));
        assertEquals(0, b.placement().refreshOrigins(List.of("unclaimed")), "a's claim is not b's to renew");
        assertTrue(a.placement().releaseOrigin("panel"));
        assertEquals(Optional.empty(), b.placement().originOf("panel"));
    }

    @Test
    void anOriginKeyRedisLostIsWrittenAgainByTheNodeStillHostingTheRoom() throws Exception {
        ClusterNode a = node("node-a", new AtomicInteger(5), Set.of());
        ClusterNode b = node("node-b", new AtomicInteger(0), Set.of());
        awaitListed(a, 2, "node-a", 5);
        try (ClusterRedis client = new ClusterRedis(redis.url())) {
            client.sync().set(RoomPlacement.key("town-hall"), "node-a");
            client.sync().del(RoomPlacement.key("town-hall")); // as after a restart of Redis without persistence
        }
        assertEquals(1, a.placement().refreshOrigins(List.of("town-hall")));
        assertEquals("node-a", b.placement().claimOrigin("town-hall"),
                "the next join stays with the room's people on node-a, though node-b is emptier");
    }

    @Test
    void aClaimNamingADeadNodeIsTakenOverButALiveOnesIsKept() throws Exception {
        ClusterNode a = node("node-a", new AtomicInteger(0), Set.of());
        ClusterNode b = node("node-b", new AtomicInteger(5), Set.of());
        awaitListed(a, 2, "node-b", 5);
        try (ClusterRedis client = new ClusterRedis(redis.url())) {
            // node-gone never registered (or its key expired): its claim is stale.
            client.sync().set(RoomPlacement.key("orphan"), "node-gone");
            client.sync().set(RoomPlacement.key("kept"), "node-b");
        }
        assertEquals("node-b", a.placement().claimOrigin("kept"), "a live origin keeps its room, however loaded");
        assertEquals("node-a", b.placement().claimOrigin("orphan"), "the least-loaded live node takes it over");
        assertEquals(Optional.of("node-a"), b.placement().originOf("orphan"));
        assertEquals("node-a", a.placement().claimOrigin("orphan"), "and keeps it");
    }
}
