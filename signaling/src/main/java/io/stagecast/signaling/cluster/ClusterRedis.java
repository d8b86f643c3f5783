package io.stagecast.signaling.cluster;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The node's one connection to Redis (Lettuce on the project's Netty, its own small event loop
 * group, never the HTTP server's or the media loops'). Commands block their caller for at most
 * {@link #COMMAND_TIMEOUT}, so callers are the cluster's own thread, never an event loop.
 *
 * <p>Connecting is lazy and retried by whoever asks next: a node that starts before its Redis
 * (compose, a rolling restart) registers once Redis answers. Once connected, Lettuce reconnects by
 * itself; while it is disconnected commands fail at once instead of queueing, so a heartbeat is
 * counted as failed rather than replayed late, and the reconnect delay is capped at
 * {@link #MAX_RECONNECT_DELAY} (Lettuce's default grows to 30 s) so a restarted Redis sees the node
 * again within about a second.
 */
final class ClusterRedis implements AutoCloseable {
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);
    static final Duration MAX_RECONNECT_DELAY = Duration.ofMillis(500);

    private final ClientResources resources;
    private final RedisClient client;
    private final RedisURI uri;
    private StatefulRedisConnection<String, String> connection;
    private boolean closed;

    ClusterRedis(String url) {
        this.uri = RedisURI.create(url);
        uri.setTimeout(COMMAND_TIMEOUT);
        this.resources = DefaultClientResources.builder()
                // Lettuce's floor: one connection needs no more.
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .socketOptions(SocketOptions.builder().connectTimeout(COMMAND_TIMEOUT).build())
                .build());
    }

    /** Blocking commands; connects first if no connection was made yet (throws when Redis is unreachable). */
    RedisCommands<String, String> sync() {
        return connection().sync();
    }

    /** The same connection's asynchronous commands, for pipelining many keys in one round trip. */
    RedisAsyncCommands<String, String> async() {
        return connection().async();
    }

    /**
     * A connection of its own for pub/sub (a subscribed connection takes no other commands), on
     * the same client and options: Lettuce reconnects it and subscribes its channels again by
     * itself. Blocks up to the connect timeout; throws when Redis is unreachable.
     */
    StatefulRedisPubSubConnection<String, String> connectPubSub() {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("closed");
            }
        }
        return client.connectPubSub(uri);
    }

    private synchronized StatefulRedisConnection<String, String> connection() {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (connection == null) {
            connection = client.connect(uri);
        }
        return connection;
    }

    /** Where Redis is, without the password, for logs. */
    String address() {
        return uri.getHost() + ":" + uri.getPort();
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (connection != null) {
                connection.close();
            }
        }
        // Lettuce's defaults wait a 2 s quiet period per group; nothing is in flight any more.
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
