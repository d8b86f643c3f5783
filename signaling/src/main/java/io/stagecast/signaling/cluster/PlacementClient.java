package io.stagecast.signaling.cluster;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Placement as the entry paths ask it: "where is this room served?", answered without blocking the
 * caller. Lookups run on two threads of their own ({@code cluster-placement}), never on an event
 * loop or a room's executor, and are given {@link #LOOKUP_TIMEOUT}; past it, or when Redis cannot
 * be reached, the room is served here (availability first) and each request so served is counted
 * in {@code stagecast_cluster_placement_fallbacks_total}.
 *
 * <p>The answer is kept per room for {@link #CACHE_FOR}, the future itself, so a burst of joins of
 * one room (a webinar starting) asks Redis once: the origin of a room changes only when its node
 * dies or the room ends, and a node that died is no longer answered to once the entry expires.
 */
public final class PlacementClient implements AutoCloseable {
    static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(1);
    static final Duration CACHE_FOR = Duration.ofSeconds(2);
    /** Lookups of distinct rooms waiting for a thread; past it a room is served here (counted). */
    private static final int MAX_WAITING = 1_024;
    private static final Logger LOG = LoggerFactory.getLogger(PlacementClient.class);

    private record Cached(CompletableFuture<RoomOrigin> origin, long until) {
    }

    private final RoomPlacement placement;
    private final NodeRegistry registry;
    private final RoomStateStore states;
    private final Counter fallbacks;
    private final ThreadPoolExecutor threads = new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(MAX_WAITING), new DefaultThreadFactory("cluster-placement", true));
    private final ConcurrentMap<String, Cached> cache = new ConcurrentHashMap<>();
    private final AtomicBoolean failing = new AtomicBoolean();

    PlacementClient(RoomPlacement placement, NodeRegistry registry, RoomStateStore states, MeterRegistry metrics) {
        this.placement = placement;
        this.registry = registry;
        this.states = states;
        this.fallbacks = Counter.builder("stagecast.cluster.placement.fallbacks")
                .description("requests served on this node because placement (Redis) could not be asked in time")
                .register(metrics);
    }

    /**
     * The room's origin, claiming it (for the least-loaded live node) when nobody has; completes on
     * a placement thread, or at once from the cache. Never completes exceptionally.
     */
    public CompletableFuture<RoomOrigin> originOf(String room) {
        long now = System.nanoTime();
        Cached entry = cache.compute(room, (name, old) -> old != null && now - old.until() < 0 ? old
                : new Cached(lookup(name), now + CACHE_FOR.toNanos() + LOOKUP_TIMEOUT.toNanos()));
        return entry.origin().thenApply(origin -> {
            if (origin.fallback()) {
                fallbacks.increment();
            }
            return origin;
        });
    }

    private CompletableFuture<RoomOrigin> lookup(String room) {
        CompletableFuture<RoomOrigin> answer;
        try {
            answer = CompletableFuture.supplyAsync(() -> ask(room), threads);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(failed(room, "too many look-ups waiting"));
        }
        return answer.orTimeout(LOOKUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(failure -> failed(room, failure.toString()));
    }

    /** On a placement thread: blocks on Redis. */
    private RoomOrigin ask(String room) {
        for (int attempt = 0; attempt < 2; attempt++) {
            String origin = placement.claimOrigin(room);
            if (origin.equals(registry.nodeId())) {
                recovered();
                // Before the request that asked makes the room: a room taken over from a dead
                // origin starts from the state it kept.
                states.restoreIfKept(room);
                return RoomOrigin.HERE;
            }
            Optional<NodeInfo> node = registry.node(origin);
            if (node.isPresent()) {
                recovered();
                return RoomOrigin.at(origin, node.get().url());
            }
            // It died between the claim and now: the second claim takes the room over.
        }
        return failed(room, "its origin keeps dying");
    }

    private void recovered() {
        if (failing.compareAndSet(true, false)) {
            LOG.info("cluster: placement answers again");
        }
    }

    /**
     * Where a room is served now, without claiming it: another live node recorded as its origin,
     * else empty (nobody serves it, this node does, or Redis could not be asked in time). For
     * requests about a room that must not place it (the API reading or changing a room). Never
     * completes exceptionally.
     */
    public CompletableFuture<Optional<RoomOrigin>> servedElsewhere(String room) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                Optional<String> origin = placement.originOf(room).filter(id -> !id.equals(registry.nodeId()));
                return origin.flatMap(registry::node).map(node -> RoomOrigin.at(node.id(), node.url()));
            }, threads).orTimeout(LOOKUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .exceptionally(failure -> Optional.empty());
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
    }

    private RoomOrigin failed(String room, String why) {
        if (failing.compareAndSet(false, true)) {
            LOG.warn("cluster: placement of room {} could not be asked ({}); rooms are served on this node until"
                    + " it answers (stagecast_cluster_placement_fallbacks_total counts the requests)", room, why);
        }
        return RoomOrigin.FALLBACK;
    }

    /**
     * The room ended here: forgets its answer and gives its origin key up, on a placement thread
     * (the caller may hold the room's lock). A failure is only logged: the key expires by itself.
     */
    public void roomEnded(String room) {
        cache.remove(room);
        try {
            threads.execute(() -> {
                try {
                    states.discard(room);
                    placement.releaseOrigin(room);
                } catch (RuntimeException e) {
                    LOG.debug("cluster: releasing room {} failed ({}); its key expires within {} s", room,
                            e.toString(), RoomPlacement.ORIGIN_TTL.toSeconds());
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("cluster: releasing room {} skipped (closing or busy)", room);
        }
    }

    /** The cluster's nodes as clients reach them (advertised URLs, as of the last heartbeat). */
    public List<String> nodeUrls() {
        return registry.lastUrls();
    }

    /** The room's state changed here (any thread, never blocks): kept in Redis shortly. */
    public void roomChanged(String room) {
        states.changed(room);
    }

    /**
     * Drops expired answers, so the cache holds only rooms asked about lately, and answers naming a
     * node that is no longer live, so that a room whose origin died is taken over at its next join
     * rather than once the answer expires. The heartbeat calls it with the nodes it just read.
     */
    void sweep(Set<String> liveNodes) {
        long now = System.nanoTime();
        cache.values().removeIf(entry -> now - entry.until() >= 0 || sentToDeadNode(entry, liveNodes));
    }

    private static boolean sentToDeadNode(Cached entry, Set<String> liveNodes) {
        RoomOrigin origin = entry.origin().getNow(null);
        return origin != null && !origin.here() && !liveNodes.contains(origin.nodeId());
    }

    @Override
    public void close() {
        threads.shutdown();
        try {
            if (!threads.awaitTermination(LOOKUP_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS)) {
                threads.shutdownNow();
            }
        } catch (InterruptedException e) {
            threads.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
