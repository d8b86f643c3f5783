package io.stagecast.signaling.cluster;

import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Each hosted room's durable state in Redis (issue 14), so that when its origin dies the node that
 * takes the room over starts from where it was: key {@code stagecast:room:<room>:state}, the room's
 * JSON as its {@link Host} writes it.
 *
 * <p>Written on change, not per packet: a change ({@link #changed}) schedules one write
 * {@link #writeDelayMillis window} later (200 ms, more for large rooms), and the changes of that
 * window go out together in it, so a busy room writes at most about five times a second and what a
 * dying origin loses is at most the window's changes. Every write and delete runs on one thread of its own ({@code cluster-state}),
 * in order, and a write checks that the room is still hosted here just before it goes out, so the
 * delete at a room's end ({@link #discard}) is never overtaken by a late write of it.
 *
 * <p>No unbounded growth: the key of a room that ends is deleted, and every key carries
 * {@link #TTL}, renewed while the room is hosted ({@link #renew}, which also writes a state Redis
 * lost again), so the state of a room whose
 * origin died and that nobody rejoined is gone after that time; a room's JSON is bounded by the
 * room's own caps (participants, chat history, polls, questions).
 */
public final class RoomStateStore implements AutoCloseable {
    static final Duration WRITE_DELAY = Duration.ofMillis(200);
    /** After a failed write, the next try (once per room at a time, for as long as the room is here). */
    static final Duration RETRY_DELAY = Duration.ofSeconds(1);
    /** The longest window, for the largest rooms. */
    static final Duration MAX_WRITE_DELAY = Duration.ofSeconds(2);
    public static final Duration TTL = Duration.ofMinutes(15);
    private static final Duration EXPORT_TIMEOUT = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(RoomStateStore.class);

    /** The rooms of this node, as the store reads and restores them. */
    public interface Host {
        /** The room's state as JSON, read where the room's state lives; empty if the room is not here. */
        CompletableFuture<Optional<String>> export(String room);

        /** Whether the room is open on this node now. */
        boolean hosts(String room);

        /** Makes the room here from a kept state, unless it is open here already (then nothing changes). */
        void restore(String room, String json);

        /** The room is another node's, which serves it too: it ends here, its people sent there. */
        void servedElsewhere(String room);
    }

    /**
     * Writes ARGV[2] to the state key KEYS[2] (PX ARGV[3]) only while the origin key KEYS[1] names
     * this node ARGV[1] or nobody: two nodes serving one room (made on both while Redis was away)
     * must not overwrite the origin's state with theirs. The delete likewise.
     */
    private static final String WRITE_IF_ORIGIN = "local o = redis.call('GET', KEYS[1]) if o == ARGV[1] or o == false "
            + "then redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3]) return 1 end return 0";
    private static final String DELETE_IF_ORIGIN = "local o = redis.call('GET', KEYS[1]) if o == ARGV[1] or o == false "
            + "then return redis.call('DEL', KEYS[2]) end return 0";

    private final ClusterRedis redis;
    private final String nodeId;
    private final Host host;
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    /** Each hosted room's last written size, for its next window; gone with the room's state. */
    private final Map<String, Integer> lastBytes = new ConcurrentHashMap<>();
    private final ScheduledExecutorService thread =
            Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("cluster-state", true));
    private final Counter writes;
    private final Counter failures;
    private final Counter restores;

    RoomStateStore(ClusterRedis redis, String nodeId, Host host, MeterRegistry metrics) {
        this.redis = redis;
        this.nodeId = nodeId;
        this.host = host;
        this.writes = Counter.builder("stagecast.cluster.state.writes")
                .description("room states written to Redis (each with the changes of its write window, 200 ms or more for large rooms)").register(metrics);
        this.failures = Counter.builder("stagecast.cluster.state.failures")
                .description("room state writes, reads and deletes that failed (Redis away or slow)").register(metrics);
        this.restores = Counter.builder("stagecast.cluster.state.restores")
                .description("rooms taken over from the state a dead origin kept in Redis").register(metrics);
    }

    static String key(String room) {
        return "stagecast:room:" + room + ":state";
    }

    /**
     * The window a room's changes wait for their write: {@link #WRITE_DELAY}, plus 1 ms for every
     * 2 KB the room's state took last time, at most {@link #MAX_WRITE_DELAY}. A full room (5,000
     * people, ~560 KB, ~20-140 ms to write on the room's executor) writes about twice a second
     * while people come and go, not five times, and a dying origin loses at most that window.
     */
    static long writeDelayMillis(int lastBytes) {
        return Math.min(MAX_WRITE_DELAY.toMillis(), WRITE_DELAY.toMillis() + lastBytes / 2048);
    }

    /** The room's state changed (any thread, never blocks): written within {@link #writeDelayMillis}. */
    public void changed(String room) {
        schedule(room, writeDelayMillis(lastBytes.getOrDefault(room, 0)));
    }

    private void schedule(String room, long delayMillis) {
        if (pending.add(room)) {
            try {
                thread.schedule(() -> write(room), delayMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                pending.remove(room);
            }
        }
    }

    private void write(String room) {
        // First, so that a change made while this write is being read schedules the next one.
        pending.remove(room);
        try {
            Optional<String> json = host.export(room).get(EXPORT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (json.isEmpty() || !host.hosts(room)) {
                return;
            }
            Long written = redis.sync().eval(WRITE_IF_ORIGIN, ScriptOutputType.INTEGER,
                    new String[] {RoomPlacement.key(room), key(room)}, nodeId, json.get(), Long.toString(TTL.toMillis()));
            if (written != null && written == 1L) {
                writes.increment();
                lastBytes.put(room, json.get().length());
            }
        } catch (Exception e) {
            failed("writing the state of room " + room, e);
            // Written again later (Redis away, the room's executor busy past the timeout): else a
            // room that changes no more would keep its older state in Redis.
            if (host.hosts(room)) {
                schedule(room, Math.max(RETRY_DELAY.toMillis(), writeDelayMillis(lastBytes.getOrDefault(room, 0))));
            }
        }
    }

    /**
     * A node about to serve a room it has just been made origin of: restores the room from what a
     * previous origin kept, if the room is not open here yet. Blocks on Redis: placement's threads only.
     */
    void restoreIfKept(String room) {
        if (host.hosts(room)) {
            return;
        }
        try {
            String json = redis.sync().get(key(room));
            if (json != null) {
                host.restore(room, json);
                restores.increment();
                LOG.info("cluster: room {} taken over with the state its last origin kept ({} bytes)", room,
                        json.length());
            }
        } catch (Exception e) {
            failed("reading the state of room " + room, e);
        }
    }

    /** The room ended here: its state is deleted, after any write of it already under way. */
    void discard(String room) {
        lastBytes.remove(room);
        try {
            thread.execute(() -> {
                try {
                    redis.sync().eval(DELETE_IF_ORIGIN, ScriptOutputType.INTEGER,
                            new String[] {RoomPlacement.key(room), key(room)}, nodeId);
                } catch (Exception e) {
                    failed("deleting the state of room " + room, e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("cluster: deleting the state of room {} skipped (closing); it expires within {}", room, TTL);
        }
    }

    /**
     * Renews the TTL of the hosted rooms' states (the heartbeat's thread, every
     * {@link ClusterNode}'s few seconds), in one round trip; a state Redis does not have (it
     * restarted empty, or a write failed while it was away) is written again.
     */
    void renew(List<String> rooms) {
        if (rooms.isEmpty()) {
            return;
        }
        RedisAsyncCommands<String, String> commands = redis.async();
        List<RedisFuture<Boolean>> replies = new ArrayList<>(rooms.size());
        for (String room : rooms) {
            replies.add(commands.pexpire(key(room), TTL.toMillis()));
        }
        if (!LettuceFutures.awaitAll(ClusterRedis.COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS,
                replies.toArray(new RedisFuture[0]))) {
            failures.increment();
            return;
        }
        for (int i = 0; i < replies.size(); i++) {
            if (!Boolean.TRUE.equals(replies.get(i).toCompletableFuture().getNow(null))) {
                changed(rooms.get(i));
            }
        }
    }

    private void failed(String what, Exception e) {
        failures.increment();
        LOG.debug("cluster: {} failed: {}", what, e.toString());
    }

    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(EXPORT_TIMEOUT.toMillis() + ClusterRedis.COMMAND_TIMEOUT.toMillis(),
                    TimeUnit.MILLISECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
