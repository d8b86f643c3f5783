package io.stagecast.signaling.cluster;

import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Which node is a room's origin (the one that will own its stage state): the value of
 * {@code stagecast:room:<name>:origin}, a node id. The first node that needs a room writes the
 * least-loaded live node's id there with SET NX, so nodes that claim the same room at once agree on
 * whatever was written first. The key has a TTL of {@link #ORIGIN_TTL} that the origin renews while
 * it hosts the room ({@link #refreshOrigins}), so the key of a room that ended, or whose origin died,
 * is gone within that time: no key outlives its room by more, however many rooms come and go.
 *
 * <p>Every method blocks on Redis (at most about {@link ClusterRedis#COMMAND_TIMEOUT} a command):
 * call it from the cluster's thread or a worker, never from an event loop.
 */
public final class RoomPlacement {
    public static final Duration ORIGIN_TTL = Duration.ofSeconds(10);
    private static final int CLAIM_ATTEMPTS = 3;
    /**
     * Renews the TTL while the key still names us (another node's claim is never extended), and
     * writes it again when it is gone while we still host the room: Redis restarted empty, or an
     * outage outlasted the TTL, or the room was made here while Redis was away. Otherwise the
     * room's next join would place it afresh, maybe on another node, apart from its people here.
     */
    private static final String RENEW_IF_OURS =
            "local v = redis.call('GET', KEYS[1]) if v == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end "
            + "if v == false then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end return 0";
    /**
     * Takes a room over from a dead origin: writes ARGV[2] only while the key is absent or still
     * names the dead node ARGV[1], so that of several nodes taking over at once one wins and the
     * others read its value; returns the origin now recorded.
     */
    private static final String REPLACE_DEAD =
            "local v = redis.call('GET', KEYS[1]) if v == false or v == ARGV[1] then "
            + "redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return ARGV[2] end return v";
    /** Deletes the key only while it names us. */
    private static final String DELETE_IF_OURS =
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

    private final ClusterRedis redis;
    private final NodeRegistry registry;
    private final Duration originTtl;

    RoomPlacement(ClusterRedis redis, NodeRegistry registry, Duration originTtl) {
        this.redis = redis;
        this.registry = registry;
        this.originTtl = originTtl;
    }

    static String key(String room) {
        return "stagecast:room:" + room + ":origin";
    }

    /** The room's origin node id, if some node has claimed it and the claim has not expired. */
    public Optional<String> originOf(String room) {
        return Optional.ofNullable(redis.sync().get(key(room)));
    }

    /**
     * The room's origin: the one already claimed while that node is live, or else the least-loaded
     * live node (fewest participants, ties by id; this node when none is registered yet), written
     * with SET NX. When another node's claim lands first, that one is returned. A claim naming a
     * node whose key has expired (it died, or froze past {@link NodeRegistry#TTL}) is replaced in
     * one script that checks it still names that node (the first step of failover: the room's
     * next join makes a live node its origin, not only after the origin key's own TTL).
     *
     * @throws RedisException when Redis cannot be reached
     */
    public String claimOrigin(String room) {
        for (int attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
            Optional<String> existing = originOf(room);
            if (existing.isPresent()) {
                String origin = existing.get();
                if (origin.equals(registry.nodeId()) || registry.node(origin).isPresent()) {
                    return origin;
                }
                String candidate = leastLoaded(registry.liveNodes()).orElse(registry.nodeId());
                String winner = redis.sync().eval(REPLACE_DEAD, ScriptOutputType.VALUE, new String[] {key(room)},
                        origin, candidate, Long.toString(originTtl.toMillis()));
                if (winner != null) {
                    return winner;
                }
                continue;
            }
            String candidate = leastLoaded(registry.liveNodes()).orElse(registry.nodeId());
            if ("OK".equals(redis.sync().set(key(room), candidate, SetArgs.Builder.nx().px(originTtl)))) {
                return candidate;
            }
            // Lost the race: the winner's value is there, unless it expired in between (then try again).
        }
        throw new IllegalStateException("room " + room + ": origin claimed and expired " + CLAIM_ATTEMPTS + " times in a row");
    }

    /**
     * Fewest participants, then the smallest id, so every node picks the same one from the same
     * list; a draining node only when every node drains (it refuses the join, as alone it would).
     */
    static Optional<String> leastLoaded(List<NodeInfo> nodes) {
        List<NodeInfo> taking = nodes.stream().filter(n -> !n.load().draining()).toList();
        return (taking.isEmpty() ? nodes : taking).stream()
                .min(Comparator.<NodeInfo>comparingInt(n -> n.load().participants()).thenComparing(NodeInfo::id))
                .map(NodeInfo::id);
    }

    /**
     * Renews the origin key of each of {@code rooms} that names this node, in one pipelined round
     * trip; keys naming another node, or none, are left alone.
     *
     * @return how many keys were renewed
     * @throws RedisException when Redis cannot be reached
     */
    public int refreshOrigins(Collection<String> rooms) {
        return refreshOrigins(rooms, room -> { });
    }

    /**
     * As {@link #refreshOrigins(Collection)}, and names each room whose key names another node:
     * a room this node serves although placement gives it to another (both made it while Redis
     * was away, or this node lost its claim).
     */
    public int refreshOrigins(Collection<String> rooms, java.util.function.Consumer<String> servedElsewhere) {
        if (rooms.isEmpty()) {
            return 0;
        }
        RedisAsyncCommands<String, String> commands = redis.async();
        List<RedisFuture<Long>> replies = new ArrayList<>(rooms.size());
        String ttlMillis = Long.toString(originTtl.toMillis());
        for (String room : rooms) {
            replies.add(commands.eval(RENEW_IF_OURS, ScriptOutputType.INTEGER, new String[] {key(room)},
                    registry.nodeId(), ttlMillis));
        }
        if (!LettuceFutures.awaitAll(ClusterRedis.COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS,
                replies.toArray(new RedisFuture[0]))) {
            throw new RedisCommandTimeoutException("renewing " + rooms.size() + " origin keys");
        }
        int renewed = 0;
        int i = 0;
        for (String room : rooms) {
            RedisFuture<Long> reply = replies.get(i++);
            try {
                if (reply.get() == 1L) {
                    renewed++;
                } else {
                    servedElsewhere.accept(room);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RedisException("interrupted", e);
            } catch (ExecutionException e) {
                throw new RedisException("renewing an origin key", e.getCause());
            }
        }
        return renewed;
    }

    /** Gives the room up when it ends here, if this node is still its origin. */
    public boolean releaseOrigin(String room) {
        Long deleted = redis.sync().eval(DELETE_IF_OURS, ScriptOutputType.INTEGER, new String[] {key(room)},
                registry.nodeId());
        return deleted != null && deleted == 1L;
    }
}
