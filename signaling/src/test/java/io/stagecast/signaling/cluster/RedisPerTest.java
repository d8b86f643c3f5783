package io.stagecast.signaling.cluster;

import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.testutil.LoopbackServer;
import io.stagecast.signaling.testutil.RedisProcess;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A redis-server of each test's own on a free loopback port, and whatever the test opens on it
 * (in-process nodes, cluster nodes, clients), closed after the test in reverse order, then Redis
 * stopped by its PID. Register with {@code @RegisterExtension static final RedisPerTest redis = ...}.
 */
final class RedisPerTest implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback {
    private RedisProcess redis;
    private final List<AutoCloseable> open = new ArrayList<>();

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        assumeTrue(System.getenv("CI") != null || RedisProcess.available(), "needs redis-server (Debian package redis-server)");
        // The first connection of a JVM loads Lettuce, Reactor and Netty's DNS classes (seconds on a
        // busy 2-core machine): out of the tests, whose time limits are the protocol's.
        try (RedisProcess warmUp = RedisProcess.start(); ClusterRedis client = new ClusterRedis(warmUp.url())) {
            client.sync().ping();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        redis = RedisProcess.start();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        open.clear();
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }

    /** This test's Redis (to kill or restart it). */
    RedisProcess process() {
        return redis;
    }

    String url() {
        return redis.url();
    }

    /** Closed after the test, before Redis stops. */
    <T extends AutoCloseable> T closeAfter(T resource) {
        open.add(resource);
        return resource;
    }

    /** An in-process node on loopback in cluster mode on this test's Redis. */
    StagecastServer node(String id) throws InterruptedException {
        return node(id, Map.of());
    }

    /** The same with more settings ({@code STAGECAST_...} names). */
    StagecastServer node(String id, Map<String, String> more) throws InterruptedException {
        Map<String, String> env = new java.util.HashMap<>(more);
        env.put("STAGECAST_CLUSTER_REDIS_URL", redis.url());
        env.put("STAGECAST_CLUSTER_NODE_ID", id);
        return closeAfter(LoopbackServer.start(env));
    }
}
