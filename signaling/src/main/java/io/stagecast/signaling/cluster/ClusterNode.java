package io.stagecast.signaling.cluster;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.stagecast.signaling.config.ClusterSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * This node's part in the cluster ({@code cluster.redis-url} set): its registration with a heartbeat
 * and the placement of rooms, over one Redis connection (and one more for the relays' pub/sub,
 * {@link RelayNotices}). Everything periodic runs on one thread of its own, {@code
 * cluster-heartbeat}: the heartbeat, then renewing the origin keys of the rooms this node hosts. Nothing here runs on, or waits on, the HTTP server's or the media plane's event loops.
 */
public final class ClusterNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

    private final ClusterRedis redis;
    private final NodeRegistry registry;
    private final RoomPlacement placement;
    private final PlacementClient placementClient;
    private final RoomStateStore states;
    private final RoomStateStore.Host rooms;
    private final RelayNotices notices;
    /**
     * Beats between renewals of the hosted rooms' state keys: their TTL is minutes, but a renewal
     * also finds the states a restarted Redis lost and writes them again, so not too seldom.
     */
    private static final int STATE_RENEW_BEATS = 5;
    private int beats;
    private final Supplier<Collection<String>> hostedRooms;
    private final ScheduledExecutorService thread =
            Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("cluster-heartbeat", true));
    private final ScheduledFuture<?> beating;
    private boolean closed;

    ClusterNode(ClusterRedis redis, String nodeId, String url, List<String> mediaAddresses,
                Supplier<LoadReading> load, Supplier<Collection<String>> hostedRooms, RoomStateStore.Host rooms,
                MeterRegistry metrics, Duration nodeTtl, Duration originTtl) {
        this.redis = redis;
        this.registry = new NodeRegistry(redis, nodeId, url, mediaAddresses, load, metrics, nodeTtl);
        this.placement = new RoomPlacement(redis, registry, originTtl);
        this.rooms = rooms;
        this.states = new RoomStateStore(redis, nodeId, rooms, metrics);
        this.placementClient = new PlacementClient(placement, registry, states, metrics);
        this.hostedRooms = hostedRooms;
        this.notices = new RelayNotices(redis, nodeId, metrics);
        // The first heartbeat at once; the node does not wait for Redis to start (it may come later).
        this.beating = thread.scheduleAtFixedRate(this::beat, 0, NodeRegistry.HEARTBEAT_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Joins the cluster of {@code settings}.
     *
     * @param url            this node's advertised URL
     * @param mediaAddresses its media candidates' {@code address:port}
     * @param load           read at each heartbeat, on the cluster's thread
     * @param hostedRooms    names of the rooms open on this node, whose origin keys it renews where it is the origin
     * @param rooms          the node's rooms as their state is kept in Redis and taken over from it
     */
    public static ClusterNode start(ClusterSettings settings, String url, List<String> mediaAddresses,
                                    Supplier<LoadReading> load, Supplier<Collection<String>> hostedRooms,
                                    RoomStateStore.Host rooms, MeterRegistry metrics) {
        ClusterRedis redis = new ClusterRedis(settings.redisUrl());
        LOG.info("cluster: node {} ({}) registers in Redis at {}", settings.nodeId(), url, redis.address());
        return new ClusterNode(redis, settings.nodeId(), url, mediaAddresses, load, hostedRooms, rooms, metrics,
                NodeRegistry.TTL, RoomPlacement.ORIGIN_TTL);
    }

    private void beat() {
        registry.heartbeat();
        // Only with a fresh list: while Redis is away the answers stay until they expire.
        registry.lastLiveNodes().ifPresent(placementClient::sweep);
        try {
            List<String> hosted = List.copyOf(hostedRooms.get());
            List<String> elsewhere = new ArrayList<>();
            placement.refreshOrigins(hosted, elsewhere::add);
            for (String room : elsewhere) {
                sendToOrigin(room);
            }
            if (++beats % STATE_RENEW_BEATS == 0) {
                states.renew(hosted);
            }
        } catch (RuntimeException e) {
            // The heartbeat has counted and logged Redis being away; a renewal missed now is retried next beat.
            LOG.debug("cluster: renewing origin keys failed: {}", e.toString());
        }
    }

    /**
     * A room this node serves whose origin is another live node (both made it while Redis was
     * away, or this node's claim was lost and taken): one room must have one place, so its people
     * here are sent to the origin (their connections close; the web app reconnects and is sent on
     * with wrong_node, as anyone joining now would be). A room whose recorded origin is dead stays:
     * its next join takes it over.
     */
    private void sendToOrigin(String room) {
        Optional<String> origin = placement.originOf(room);
        Optional<Set<String>> live = registry.lastLiveNodes();
        if (origin.isEmpty() || origin.get().equals(registry.nodeId()) || live.isEmpty()
                || !live.get().contains(origin.get())) {
            return;
        }
        LOG.warn("cluster: room {} is also served by its origin {} (made on both while Redis was away?): its people"
                + " here are sent there", room, origin.get());
        rooms.servedElsewhere(room);
    }

    public String nodeId() {
        return registry.nodeId();
    }

    public NodeRegistry registry() {
        return registry;
    }

    public RoomPlacement placement() {
        return placement;
    }

    /** Placement as the entry paths ask it: cached, off their threads, with a timeout and a fallback. */
    public PlacementClient placementClient() {
        return placementClient;
    }

    /** Where the hosted rooms' states are kept. */
    public RoomStateStore states() {
        return states;
    }

    /** Stage changes pushed from origins to the edges relaying their rooms. */
    public RelayNotices relayNotices() {
        return notices;
    }

    /** Test hook: stops heartbeating without deregistering, as a frozen or cut-off node would. */
    void freezeHeartbeats() {
        beating.cancel(false);
    }

    /** Stops the heartbeat, deletes this node's key (others stop listing it at once), closes the connection. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        beating.cancel(false);
        thread.shutdown();
        try {
            if (!thread.awaitTermination(2 * ClusterRedis.COMMAND_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
        placementClient.close();
        states.close();
        notices.close();
        // After the last heartbeat has finished, so no late SET brings the key back.
        registry.deregister();
        redis.close();
    }
}
