package io.stagecast.signaling.cluster;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * This node's entry in Redis and the list of live nodes. A node is live while its key
 * {@code stagecast:node:<id>} exists: each heartbeat writes it with a TTL of {@link #TTL}, so a node
 * that stops heartbeating (killed, frozen, cut off) disappears from every node's list within the TTL
 * without anyone having to notice it; a node that closes deletes its key and is gone at once.
 *
 * <p>Its state is confined on purpose: {@link #heartbeat()} runs on the cluster's one thread
 * ({@link ClusterNode}), {@link #deregister()} once that thread has stopped; {@link #liveNodes()} may
 * be called from any thread that may block (the Lettuce connection is thread-safe).
 */
public final class NodeRegistry {
    /** Three missed heartbeats and a node is dead: a GC pause or a slow Redis reply does not drop it. */
    public static final Duration TTL = Duration.ofSeconds(3);
    public static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
    static final String KEY_PREFIX = "stagecast:node:";
    /** Keys SCAN looks at per call; our keyspace is a few node keys and one key per room. */
    private static final int SCAN_COUNT = 500;
    private static final Logger LOG = LoggerFactory.getLogger(NodeRegistry.class);

    private final ClusterRedis redis;
    private final String nodeId;
    private final String url;
    private final List<String> mediaAddresses;
    private final Supplier<LoadReading> load;
    private final Clock clock;
    private final Counter failures;
    private final AtomicInteger nodesSeen = new AtomicInteger();
    /** Ids of the live nodes read by the last heartbeat; null when it could not read them. */
    private volatile Set<String> lastLive;
    /** The live nodes' advertised URLs at the last heartbeat that read them (kept while Redis is away). */
    private volatile List<String> lastUrls = List.of();
    private final Duration ttl;
    private long lastPackets = -1;
    private long lastReadingNanos;
    private boolean failing;

    NodeRegistry(ClusterRedis redis, String nodeId, String url, List<String> mediaAddresses,
                 Supplier<LoadReading> load, MeterRegistry metrics, Duration ttl) {
        this.redis = redis;
        this.nodeId = nodeId;
        this.url = url;
        this.mediaAddresses = List.copyOf(mediaAddresses);
        this.load = load;
        this.ttl = ttl;
        this.clock = Clock.systemUTC();
        this.failures = Counter.builder("stagecast.cluster.heartbeat.failures")
                .description("heartbeats that could not reach Redis (the node may be missing from other nodes' lists)")
                .register(metrics);
        Gauge.builder("stagecast.cluster.nodes", nodesSeen, AtomicInteger::get)
                .description("live nodes of the cluster (this one included) seen at the last heartbeat; 0 while Redis is unreachable")
                .register(metrics);
    }

    public String nodeId() {
        return nodeId;
    }

    static String key(String nodeId) {
        return KEY_PREFIX + nodeId;
    }

    /**
     * Writes this node's entry with a fresh TTL, then reads the live nodes for the gauge. A failure
     * is counted and logged once until a heartbeat succeeds again; it never throws.
     */
    void heartbeat() {
        try {
            NodeInfo self = new NodeInfo(nodeId, url, mediaAddresses, currentLoad(), clock.millis());
            redis.sync().set(key(nodeId), self.toJson(), SetArgs.Builder.px(ttl));
            List<NodeInfo> nodes = liveNodes();
            Set<String> live = nodes.stream().map(NodeInfo::id).collect(Collectors.toUnmodifiableSet());
            lastLive = live;
            lastUrls = nodes.stream().map(NodeInfo::url).sorted().toList();
            nodesSeen.set(live.size());
            if (failing) {
                failing = false;
                LOG.info("cluster: Redis at {} answers again; node {} is registered", redis.address(), nodeId);
            }
        } catch (RuntimeException e) {
            failures.increment();
            lastLive = null;
            nodesSeen.set(0);
            if (!failing) {
                failing = true;
                LOG.warn("cluster: cannot reach Redis at {} ({}); node {} is not registered, retrying every {} s"
                        + " (stagecast_cluster_heartbeat_failures_total counts the attempts)", redis.address(),
                        e.toString(), nodeId, HEARTBEAT_INTERVAL.toSeconds());
            }
        }
    }

    /** Counts of this instant, with the packet rate since the last reading. */
    private NodeLoad currentLoad() {
        LoadReading reading = load.get();
        long now = System.nanoTime();
        long rate = 0;
        if (lastPackets >= 0 && now > lastReadingNanos) {
            rate = (reading.mediaPackets() - lastPackets) * 1_000_000_000L / (now - lastReadingNanos);
        }
        lastPackets = reading.mediaPackets();
        lastReadingNanos = now;
        return new NodeLoad(reading.participants(), reading.rooms(), reading.transports(), Math.max(0, rate),
                reading.draining());
    }

    /**
     * The nodes whose key exists now, sorted by id (this one included once registered). Reads Redis:
     * SCAN over {@code stagecast:node:*} (never KEYS, which blocks Redis on a big keyspace), then one
     * MGET; an entry that expired in between is left out, one that is not a node's JSON is skipped.
     *
     * @throws io.lettuce.core.RedisException when Redis cannot be reached
     */
    public List<NodeInfo> liveNodes() {
        RedisCommands<String, String> commands = redis.sync();
        List<String> keys = new ArrayList<>();
        ScanArgs match = ScanArgs.Builder.matches(KEY_PREFIX + "*").limit(SCAN_COUNT);
        KeyScanCursor<String> cursor = commands.scan(match);
        while (true) {
            keys.addAll(cursor.getKeys());
            if (cursor.isFinished()) {
                break;
            }
            cursor = commands.scan(ScanCursor.of(cursor.getCursor()), match);
        }
        List<NodeInfo> nodes = new ArrayList<>();
        if (keys.isEmpty()) {
            return nodes;
        }
        // SCAN may return a key twice (the keyspace was rehashed in between).
        for (KeyValue<String, String> entry : commands.mget(keys.stream().distinct().toArray(String[]::new))) {
            if (!entry.hasValue()) {
                continue;
            }
            try {
                nodes.add(NodeInfo.fromJson(entry.getValue()));
            } catch (IllegalArgumentException e) {
                LOG.debug("cluster: skipping {}: {}", entry.getKey(), e.getMessage());
            }
        }
        nodes.sort(Comparator.comparing(NodeInfo::id));
        return nodes;
    }

    /**
     * One node's entry, present while that node is live (its key has not expired).
     *
     * @throws io.lettuce.core.RedisException when Redis cannot be reached
     */
    public Optional<NodeInfo> node(String id) {
        String json = redis.sync().get(key(id));
        if (json == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(NodeInfo.fromJson(json));
        } catch (IllegalArgumentException e) {
            LOG.debug("cluster: skipping {}: {}", key(id), e.getMessage());
            return Optional.empty();
        }
    }

    /** The ids of the nodes live at the last heartbeat; empty when it could not reach Redis. */
    Optional<Set<String>> lastLiveNodes() {
        return Optional.ofNullable(lastLive);
    }

    /** The live nodes' advertised URLs as of the last heartbeat that could read them, this node's included. */
    public List<String> lastUrls() {
        return lastUrls;
    }

    /** Live nodes at the last heartbeat (the gauge {@code stagecast_cluster_nodes}). */
    public int nodesSeen() {
        return nodesSeen.get();
    }

    /** Heartbeats that failed since start. */
    public double heartbeatFailures() {
        return failures.count();
    }

    /** Deletes this node's key, so other nodes stop counting it at once; a failure is only logged. */
    void deregister() {
        try {
            redis.sync().del(key(nodeId));
        } catch (RuntimeException e) {
            LOG.info("cluster: could not remove node {} from Redis ({}); its entry expires within {} s",
                    nodeId, e.toString(), ttl.toSeconds());
        }
    }
}
