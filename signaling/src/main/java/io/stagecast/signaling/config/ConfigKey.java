package io.stagecast.signaling.config;

import java.util.Locale;
import java.util.Optional;

/**
 * Every configuration key, with its built-in default and the names under which environment
 * variables and system properties override it. docs/configuration.md documents each one.
 *
 * <p>A key's dotted name is its HOCON path ({@code http.port} is {@code http { port = ... }}). Adding a
 * section, e.g. {@code webhooks { urls = [...], timeout-seconds = 10 }}, is adding its keys here
 * ({@code WEBHOOKS_URLS("webhooks.urls", "")}: the tree walk then accepts them, and their
 * environment variables and system properties follow), a component of {@link StagecastConfig} read in
 * its {@code load}, and a row in docs/configuration.md (a test checks the docs name every key). A
 * section of entries the operator names, like {@code keys.secrets}, is one key of {@link Kind#NAMED}.
 */
enum ConfigKey {
    HTTP_HOST("http.host", "0.0.0.0"),
    HTTP_PORT("http.port", "8080"),
    MEDIA_PORT("media.port", "10000"),
    MEDIA_BIND_ADDRESS("media.bind-address", "0.0.0.0"),
    MEDIA_ANNOUNCED_ADDRESSES("media.announced-addresses", ""),
    MEDIA_ALLOWED_REMOTE_NETWORKS("media.allowed-remote-networks", ""),
    /** Default depends on the machine: the number of available processors. */
    MEDIA_EVENT_LOOPS("media.event-loops", (String) null),
    /** {@code auto}: on where the machine can (epoll with UDP_SEGMENT); {@code true} / {@code false}. */
    MEDIA_GSO("media.gso", "auto"),
    /** Empty: the number of {@code media.port}; {@code off}: UDP only. */
    MEDIA_TCP_PORT("media.tcp-port", ""),
    ICE_CONSENT_TIMEOUT_SECONDS("ice.consent-timeout-seconds", "30"),
    /** Empty means a random secret is made at start-up (unless {@code keys.secrets} has keys). */
    TOKEN_SECRET("token.secret", ""),
    /** API keys by key id: {@code keys.secrets.k1 = "..."}. */
    KEYS_SECRETS("keys.secrets", Kind.NAMED),
    /** The key id that signs new tokens; empty: {@code default} if present, else the only key. */
    KEYS_SIGNING_KEY("keys.signing-key", ""),
    PUBLIC_BASE_URL("public-base-url", ""),
    ROOMS_DEMO("rooms.demo", "demo"),
    ROOMS_RECONNECT_GRACE_SECONDS("rooms.reconnect-grace-seconds", "30"),
    ROOMS_MAX_ROOMS("rooms.max-rooms", "1000"),
    ROOMS_MAX_PARTICIPANTS("rooms.max-participants", "5000"),
    MEDIA_MAX_TRANSPORTS("media.max-transports", "10000"),
    SHUTDOWN_DRAIN_SECONDS("shutdown.drain-seconds", "300"),
    TLS_CERTIFICATE_FILE("tls.certificate-file", ""),
    TLS_KEY_FILE("tls.key-file", ""),
    TLS_RELOAD_SECONDS("tls.reload-seconds", "60"),
    TLS_REDIRECT_PORT("tls.redirect-port", "0"),
    TURN_URLS("turn.urls", ""),
    TURN_SECRET("turn.secret", ""),
    TURN_CREDENTIAL_TTL_SECONDS("turn.credential-ttl-seconds", "43200"),
    DTLS_HANDSHAKE_TIMEOUT_SECONDS("dtls.handshake-timeout-seconds", "20"),
    HTTP_REQUEST_TIMEOUT_SECONDS("http.request-timeout-seconds", "10"),
    HTTP_IDLE_TIMEOUT_SECONDS("http.idle-timeout-seconds", "60"),
    HTTP_MAX_CONNECTIONS("http.max-connections", "10000"),
    /** Empty: no origin may call WHIP/WHEP from a script of another site. */
    HTTP_CORS_ALLOWED_ORIGINS("http.cors-allowed-origins", ""),
    WS_PING_INTERVAL_SECONDS("ws.ping-interval-seconds", "30"),
    WHIP_WHEP_MAX_PER_TOKEN("whip-whep.max-per-token", "10"),
    WHIP_WHEP_MAX_PER_ROOM("whip-whep.max-per-room", "1000"),
    WHIP_WHEP_MAX_PER_NODE("whip-whep.max-per-node", "2000"),
    WS_OUTBOUND_QUEUE_KIB("ws.outbound-queue-kib", "4096"),
    /** Video tracks one viewer receives at most, the default of a room's {@code lastN} setting. */
    MEDIA_LAST_N("media.last-n", "25"),
    /** The same for a phone (a participant that joined with {@code mobile: true}). */
    MEDIA_LAST_N_MOBILE("media.last-n-mobile", "4"),
    /** Receivers of the webhooks; empty: none. */
    WEBHOOKS_URLS("webhooks.urls", ""),
    /** The key id whose secret signs webhooks; empty: the signing key. */
    WEBHOOKS_SIGNING_KEY("webhooks.signing-key", ""),
    WEBHOOKS_TIMEOUT_SECONDS("webhooks.timeout-seconds", "10"),
    WEBHOOKS_RETRY_SECONDS("webhooks.retry-seconds", "120"),
    WEBHOOKS_QUEUE_SIZE("webhooks.queue-size", "10000"),
    /** Empty: this node runs alone (no cluster mode). */
    CLUSTER_REDIS_URL("cluster.redis-url", ""),
    /** Empty: a random id at each start. */
    CLUSTER_NODE_ID("cluster.node-id", ""),
    /** Empty: the node's public base URL. */
    CLUSTER_ADVERTISED_URL("cluster.advertised-url", ""),
    /** A WHEP viewer of another node's room is served here, the room's tracks relayed from its origin. */
    CLUSTER_EDGE_WHEP("cluster.edge-whep", "true"),
    CLUSTER_EDGE_WHIP("cluster.edge-whip", "true"),
    /** A web client of another node's room stays here: requests passed through, the stage relayed. */
    CLUSTER_EDGE_WEB("cluster.edge-web", "true");

    /** What a key holds. */
    enum Kind {
        /** One value: text, a number, or a list (a HOCON list, or comma-separated text). */
        VALUE,
        /**
         * An object of entries whose names the operator chooses ({@code keys.secrets.k1}); each name is
         * 1-64 characters of a-z, 0-9 and '-', so that {@code STAGECAST_KEYS_SECRETS_K1} names entry {@code k1}.
         */
        NAMED
    }

    static final String ENV_PREFIX = "STAGECAST_";
    static final String SYSTEM_PROPERTY_PREFIX = "stagecast.";

    private final String key;
    private final String fixedDefault;
    private final Kind kind;

    ConfigKey(String key, String fixedDefault) {
        this.key = key;
        this.fixedDefault = fixedDefault;
        this.kind = Kind.VALUE;
    }

    ConfigKey(String key, Kind kind) {
        this.key = key;
        this.fixedDefault = null;
        this.kind = kind;
    }

    Kind kind() {
        return kind;
    }

    /** The key as written in the properties file, e.g. {@code media.bind-address}. */
    String key() {
        return key;
    }

    /**
     * {@code STAGECAST_} and the key in upper case with '.' and '-' as '_', e.g. {@code STAGECAST_MEDIA_BIND_ADDRESS};
     * for a {@link Kind#NAMED} key the prefix of its entries' variables, e.g. {@code STAGECAST_KEYS_SECRETS_}.
     */
    String envName() {
        String name = ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
        return kind == Kind.NAMED ? name + "_" : name;
    }

    /** {@code stagecast.} and the key, e.g. {@code stagecast.http.port}. */
    String systemPropertyName() {
        return SYSTEM_PROPERTY_PREFIX + key;
    }

    /** The built-in default of a {@link Kind#VALUE} key. */
    String defaultValue() {
        return fixedDefault != null ? fixedDefault : String.valueOf(Runtime.getRuntime().availableProcessors());
    }

    static Optional<ConfigKey> forKey(String key) {
        for (ConfigKey candidate : values()) {
            if (candidate.key.equals(key)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
