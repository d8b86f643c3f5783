package io.stagecast.signaling.cluster;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A room's stage changed at its origin: the edges that relay it are told over Redis pub/sub
 * (channel {@code stagecast:relay:<room>}), so each polls the origin at once instead of at its
 * next periodic poll (every 500 ms). A notice says only "poll now" (its payload is the sender's
 * node id, for logs): what changed still comes from the origin's answer to the poll, which is
 * authorized and complete. So a notice lost (Redis away, a reconnect, pub/sub's at-most-once
 * delivery) costs only the wait for the next periodic poll, and a forged one one poll.
 *
 * <p>One thread of its own, {@code cluster-relay-notices}, talks to Redis (connecting may block
 * for the connect timeout); callers only queue, and a room's notices not yet sent coalesce into
 * one, so the queue holds at most one entry per room. Subscribing uses a pub/sub connection of its
 * own, made on the first subscription and retried every {@value #RETRY_MILLIS} ms while Redis is
 * unreachable; once made, Lettuce reconnects it and subscribes its channels again by itself.
 * Notices arrive on a Lettuce I/O thread, where the listener must only hand work on.
 */
public final class RelayNotices implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RelayNotices.class);
    static final String CHANNEL_PREFIX = "stagecast:relay:";
    static final long RETRY_MILLIS = 2000;

    private final ClusterRedis redis;
    private final String nodeId;
    private final ScheduledThreadPoolExecutor thread =
            new ScheduledThreadPoolExecutor(1, new DefaultThreadFactory("cluster-relay-notices", true));
    /** Rooms whose notice is queued and not sent yet. */
    private final Set<String> toSend = ConcurrentHashMap.newKeySet();
    /** The rooms this node relays, each with what a notice of it runs. */
    private final Map<String, Runnable> listeners = new ConcurrentHashMap<>();
    private final Counter sent;
    private final Counter received;
    private final Counter failures;
    /** On {@link #thread} only. */
    private StatefulRedisPubSubConnection<String, String> pubSub;
    private boolean retryScheduled;
    private volatile boolean closed;

    RelayNotices(ClusterRedis redis, String nodeId, MeterRegistry metrics) {
        this.redis = redis;
        this.nodeId = nodeId;
        // A retry pending when the node stops is dropped, not waited for.
        thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.sent = counter(metrics, "sent");
        this.received = counter(metrics, "received");
        this.failures = Counter.builder("stagecast.cluster.relay.notice.failures")
                .description("stage-change notices not sent, or subscriptions not made, because Redis was away"
                        + " (the edges' periodic poll covers them)")
                .register(metrics);
    }

    private static Counter counter(MeterRegistry metrics, String direction) {
        return Counter.builder("stagecast.cluster.relay.notices").tag("direction", direction)
                .description("stage-change notices between a room's origin and the edges relaying it").register(metrics);
    }

    /** The stage of {@code room}, whose origin is this node, changed: its edges are told (queued; never blocks). */
    public void stageChanged(String room) {
        if (closed || !toSend.add(room)) {
            return;
        }
        if (!submit(() -> {
            toSend.remove(room);
            send(room);
        })) {
            toSend.remove(room);
        }
    }

    private void send(String room) {
        try {
            redis.async().publish(CHANNEL_PREFIX + room, nodeId).whenComplete((receivers, failure) -> {
                if (failure == null) {
                    sent.increment();
                } else {
                    failures.increment();
                }
            });
        } catch (RuntimeException e) {
            failures.increment(); // Redis unreachable: the edges' periodic poll brings the change
        }
    }

    /**
     * Runs {@code onNotice} at each notice of {@code room} (on a Lettuce I/O thread: it must not
     * block), until {@link #unsubscribe}. One listener a room: a second replaces the first.
     */
    public void subscribe(String room, Runnable onNotice) {
        listeners.put(room, onNotice);
        submit(() -> follow(room));
    }

    /** Stops {@code onNotice} hearing of {@code room}; nothing when another listener took its place. */
    public void unsubscribe(String room, Runnable onNotice) {
        if (listeners.remove(room, onNotice)) {
            submit(() -> follow(room));
        }
    }

    /** On the thread: the channel of {@code room} subscribed or not, as {@link #listeners} says now. */
    private void follow(String room) {
        StatefulRedisPubSubConnection<String, String> connection = pubSub();
        if (connection == null) {
            return; // the retry subscribes every channel wanted then
        }
        if (listeners.containsKey(room)) {
            connection.async().subscribe(CHANNEL_PREFIX + room);
        } else {
            connection.async().unsubscribe(CHANNEL_PREFIX + room);
        }
    }

    /** On the thread: the pub/sub connection, made now if need be; null when Redis cannot be reached (retried). */
    private StatefulRedisPubSubConnection<String, String> pubSub() {
        if (pubSub != null || closed) {
            return pubSub;
        }
        StatefulRedisPubSubConnection<String, String> connection;
        try {
            connection = redis.connectPubSub();
        } catch (RuntimeException e) {
            failures.increment();
            if (!retryScheduled) {
                retryScheduled = true;
                thread.schedule(this::retry, RETRY_MILLIS, TimeUnit.MILLISECONDS);
            }
            LOG.debug("cluster: relay notices cannot subscribe yet: {}", e.toString());
            return null;
        }
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                heard(channel);
            }
        });
        pubSub = connection;
        return connection;
    }

    private void retry() {
        retryScheduled = false;
        if (closed || listeners.isEmpty()) {
            return;
        }
        StatefulRedisPubSubConnection<String, String> connection = pubSub();
        if (connection != null) {
            List<String> channels = listeners.keySet().stream().map(room -> CHANNEL_PREFIX + room).toList();
            connection.async().subscribe(channels.toArray(String[]::new));
        }
    }

    /** On a Lettuce I/O thread. */
    private void heard(String channel) {
        received.increment();
        if (channel.startsWith(CHANNEL_PREFIX)) {
            Runnable listener = listeners.get(channel.substring(CHANNEL_PREFIX.length()));
            if (listener != null) {
                listener.run();
            }
        }
    }

    private boolean submit(Runnable task) {
        try {
            thread.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false; // closing
        }
    }

    /** Before the node's Redis client shuts down. */
    @Override
    public void close() {
        closed = true;
        thread.shutdown();
        try {
            if (!thread.awaitTermination(2 * ClusterRedis.COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
        StatefulRedisPubSubConnection<String, String> connection = pubSub;
        if (connection != null) {
            connection.close();
        }
    }
}
