package io.stagecast.signaling;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stagecast.sfu.MediaConfig;
import io.stagecast.sfu.PortUnavailableException;
import io.stagecast.sfu.MediaNode;
import io.stagecast.signaling.cluster.ClusterNode;
import io.stagecast.signaling.cluster.LoadReading;
import io.stagecast.signaling.cluster.RoomRouting;
import io.stagecast.signaling.config.StagecastConfig;
import io.stagecast.signaling.api.ApiRoutes;
import io.stagecast.signaling.http.HttpRoutes;
import io.stagecast.signaling.http.HttpServer;
import io.stagecast.signaling.http.ReloadingTlsContext;
import io.stagecast.signaling.turn.IceServers;
import io.stagecast.signaling.http.StaticFiles;
import io.stagecast.signaling.room.LastNPolicy;
import io.stagecast.signaling.room.MediaResources;
import io.stagecast.signaling.room.ClusterRoomEvents;
import io.stagecast.signaling.room.RoomListener;
import io.stagecast.signaling.room.RoomWorkers;
import io.stagecast.signaling.room.Rooms;
import io.stagecast.signaling.stage.StageLimits;
import io.stagecast.signaling.room.NodeCaps;
import io.stagecast.signaling.token.ApiKey;
import io.stagecast.signaling.token.ApiTokens;
import io.stagecast.signaling.token.JoinTokens;
import io.stagecast.signaling.webhook.WebhookDispatcher;
import io.stagecast.signaling.webhook.WebhookEvents;
import io.stagecast.signaling.ws.WebSocketLimits;
import io.stagecast.signaling.ws.WebSocketMetrics;
import io.stagecast.signaling.ws.WebSocketSession;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** One node: the media plane, the rooms, and the HTTP/WebSocket front, wired from a config. */
public final class StagecastServer implements AutoCloseable {
    private final StagecastConfig config;
    private final NodeMeters meters;
    private final PrometheusMeterRegistry metrics;
    private final MediaNode media;
    private final Rooms rooms;
    private final JoinTokens tokens;
    private final ApiTokens apiTokens;
    private final HttpServer http;
    /** Null when no webhook URL is configured. */
    private final WebhookDispatcher webhooks;
    /** Null unless cluster.redis-url is set (a node alone, as before cluster mode). */
    private final ClusterNode cluster;
    /** Which node serves a room: every room here until the cluster node is attached (never, alone). */
    private final RoomRouting routing = RoomRouting.alone();
    /** The rooms' listener, whose stage hook the cluster's relays take once the cluster exists. */
    private final ClusterRoomEvents roomEvents;
    private volatile boolean ready;
    /** Checks the TLS files for a new certificate (tls.reload-seconds); idle without TLS. */
    private final java.util.concurrent.ScheduledExecutorService tlsReload =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(new io.netty.util.concurrent.DefaultThreadFactory("tls-reload", true));
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private static final Duration DRAIN_POLL = Duration.ofMillis(250);
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(StagecastServer.class);

    private StagecastServer(StagecastConfig config) throws InterruptedException {
        this.config = config;
        this.meters = new NodeMeters();
        this.metrics = meters.registry;
        try {
            this.media = MediaNode.start(new MediaConfig(config.mediaBindAddress(), config.mediaPort(),
                    config.mediaAnnouncedAddresses(), config::remoteAllowed, config.iceConsentTimeout(),
                    config.dtlsHandshakeTimeout()).withEventLoops(config.mediaEventLoops()).withGso(config.mediaGso())
                    .withTcpPort(config.mediaTcpPort()), metrics);
        } catch (PortUnavailableException e) {
            String key = e.protocol().equals("TCP") ? "media.tcp-port" : "media.port";
            String env = e.protocol().equals("TCP") ? "STAGECAST_MEDIA_TCP_PORT" : "STAGECAST_MEDIA_PORT";
            throw new IllegalArgumentException(e.getMessage() + ". Stop what holds it, or set " + key
                    + " (" + env + ") to a free port: media event loop i uses " + key + " + i, "
                    + config.mediaEventLoops() + " loop(s) (media.event-loops)"
                    + (e.protocol().equals("TCP") ? "; off turns ICE-TCP off" : ""), e);
        }
        this.tokens = new JoinTokens(config.apiKeys(), Clock.systemUTC());
        this.apiTokens = new ApiTokens(config.apiKeys(), Clock.systemUTC());
        this.webhooks = config.webhooks().enabled() ? webhookDispatcher(config, metrics) : null;
        RoomListener webhookEvents = webhooks == null ? RoomListener.NONE
                : new WebhookEvents(webhooks::submit, Clock.systemUTC());
        this.roomEvents = new ClusterRoomEvents(webhookEvents, routing);
        RoomListener listener = roomEvents;
        this.rooms = new Rooms(media, StageLimits.DEFAULTS.withReconnectGrace(config.reconnectGrace())
                .withMaxParticipants(config.caps().maxParticipants()), tokens,
                new MediaResources(config.http(), metrics), new LastNPolicy(config.lastN(), config.lastNMobile()),
                listener, new NodeCaps(config.caps().maxRooms(), config.caps().maxTransports(), metrics));
        Gauge.builder("stagecast.rooms", rooms, r -> r.all().size()).description("rooms on this node").register(metrics);
        Gauge.builder("stagecast.participants", rooms, Rooms::participantCount)
                .description("participants in all rooms").register(metrics);
        Gauge.builder("stagecast.room.members", rooms, Rooms::memberCount)
                .description("participants all rooms hold, those within their reconnect grace included").register(metrics);
        Gauge.builder("stagecast.room.tasks", rooms.workers(), RoomWorkers::queued)
                .description("requests and node work waiting or running in rooms' executors").register(metrics);
        io.micrometer.core.instrument.FunctionCounter.builder("stagecast.room.requests.refused", rooms.workers(),
                        RoomWorkers::refusedBusyCount).tag("reason", "room_busy")
                .description("client requests refused because their room had its cap of requests waiting").register(metrics);
        ReloadingTlsContext tls = null;
        if (config.tls().enabled()) {
            try {
                tls = new ReloadingTlsContext(config.tls());
            } catch (IllegalArgumentException e) {
                rooms.close();
                media.close();
                throw e;
            }
            tls.watch(tlsReload);
        }
        IceServers iceServers = IceServers.of(config.turn(), Clock.systemUTC());
        HttpRoutes routes = new HttpRoutes(rooms, tokens, metrics, new StaticFiles(), () -> ready,
                new ApiRoutes(rooms, apiTokens, tokens, this::baseUrl, routing, this::registeredMedia), iceServers, routing);
        io.stagecast.signaling.ws.EdgeWeb edgeWeb = config.cluster().enabled()
                ? new io.stagecast.signaling.ws.EdgeWeb(rooms, apiTokens) : io.stagecast.signaling.ws.EdgeWeb.NONE;
        WebSocketLimits wsLimits = WebSocketLimits.DEFAULTS.withOutboundQueueBytes(config.wsOutboundQueueBytes());
        WebSocketMetrics wsMetrics = new WebSocketMetrics(metrics);
        try {
            this.http = new HttpServer(config.httpHost(), config.httpPort(), config.http(), metrics, routes,
                    () -> new WebSocketSession(rooms, tokens, this::baseUrl, wsLimits, wsMetrics, iceServers, routing, edgeWeb), tls,
                    config.tls().redirectPort());
        } catch (PortUnavailableException e) {
            rooms.close();
            if (webhooks != null) {
                webhooks.close();
            }
            media.close();
            throw new IllegalArgumentException(e.getMessage() + ". Stop what holds it, or set http.port"
                    + " (STAGECAST_HTTP_PORT) or http.host (STAGECAST_HTTP_HOST)", e);
        }
        // Once the HTTP port is bound: the advertised URL defaults to the node's base URL, port included.
        this.cluster = config.cluster().enabled()
                ? ClusterNode.start(config.cluster(), config.cluster().advertisedUrlOr(baseUrl()), mediaAddresses(),
                        this::loadReading, () -> rooms.all().stream().map(io.stagecast.signaling.room.Room::name).toList(),
                        new io.stagecast.signaling.room.KeptRooms(rooms), metrics)
                : null;
        if (cluster != null) {
            routing.attach(cluster.placementClient());
            io.stagecast.signaling.room.OriginRelays relays =
                    new io.stagecast.signaling.room.OriginRelays(media, cluster.relayNotices(), metrics);
            rooms.attach(relays);
            roomEvents.onStageChange(relays::stageChanged);
            io.stagecast.signaling.relay.RelayClient relayClient = new io.stagecast.signaling.relay.RelayClient(apiTokens);
            ClusterNode clusterNode = cluster;
            rooms.attach(new io.stagecast.signaling.room.EdgeViewerReports(relays,
                    nodeId -> clusterNode.registry().node(nodeId).map(io.stagecast.signaling.cluster.NodeInfo::url),
                    relayClient, rooms.workers()::run));
            if (config.cluster().edgeWhep() || config.cluster().edgeWhip() || config.cluster().edgeWeb()) {
                rooms.attach(new io.stagecast.signaling.room.EdgeRooms(rooms,
                        relayClient, cluster.relayNotices(), cluster.nodeId(),
                        config.cluster().edgeWhep(), config.cluster().edgeWhip(), config.cluster().edgeWeb(), metrics));
            }
        }
        config.demoRoom().ifPresent(rooms::keep);
        ready = true;
    }

    /**
     * Whether live node {@code nodeId} registered media on {@code host} (cluster mode; false alone):
     * the only addresses a relay of this node's rooms may be sent to. On a room worker (the API).
     */
    private boolean registeredMedia(String nodeId, String host) {
        ClusterNode node = this.cluster;
        if (node == null) {
            return false;
        }
        try {
            return node.registry().node(nodeId).map(info -> info.mediaAddresses().stream()
                    .anyMatch(a -> a.startsWith(host + ":") || a.startsWith("[" + host + "]:"))).orElse(false);
        } catch (RuntimeException e) {
            return false; // Redis away: no new relay until it is back
        }
    }

    /** Each announced media address with each media loop's UDP port, as {@code address:port}. */
    private java.util.List<String> mediaAddresses() {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (java.net.InetAddress address : media.announcedAddresses()) {
            String host = address instanceof java.net.Inet6Address ? "[" + address.getHostAddress() + "]"
                    : address.getHostAddress();
            for (int port : media.ports()) {
                out.add(host + ":" + port);
            }
        }
        return out;
    }

    /** Read by the cluster's heartbeat thread; every source is safe off the rooms' and loops' threads. */
    private LoadReading loadReading() {
        // What this node carries: an edge's viewers count here, not at the room's origin.
        return new LoadReading(rooms.participantsCarried(), rooms.all().size(), media.transportCount(),
                (long) (media.metrics().packetsReceived() + media.metrics().packetsForwarded()), rooms.draining());
    }

    /** Webhooks are signed with {@code webhooks.signing-key}, else the node's signing key. */
    private static WebhookDispatcher webhookDispatcher(StagecastConfig config, PrometheusMeterRegistry metrics) {
        ApiKey key = config.webhooks().signingKeyId() == null ? config.apiKeys().signingKey()
                : config.apiKeys().key(config.webhooks().signingKeyId()).orElseThrow();
        return new WebhookDispatcher(config.webhooks(), key.id(), key.secret(), Clock.systemUTC(), metrics);
    }

    public static StagecastServer start(StagecastConfig config) throws InterruptedException {
        return new StagecastServer(config);
    }

    public int httpPort() {
        return http.port();
    }

    public MediaNode media() {
        return media;
    }

    public Rooms rooms() {
        return rooms;
    }

    /** Open connections of the signaling port (HTTP and WebSocket). */
    public int openHttpConnections() {
        return http.openConnections();
    }

    public JoinTokens tokens() {
        return tokens;
    }

    /** Verifies the REST API's bearer tokens against the same keys as join tokens. */
    public ApiTokens apiTokens() {
        return apiTokens;
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    public StagecastConfig config() {
        return config;
    }

    /** This node's membership of the cluster; empty when {@code cluster.redis-url} is not set. */
    public java.util.Optional<ClusterNode> cluster() {
        return java.util.Optional.ofNullable(cluster);
    }

    /** The address people open: the configured public URL, or this host's HTTP port. */
    public String baseUrl() {
        // With port 0 (tests) only the bound port is meaningful; otherwise the configured or derived URL.
        if (config.httpPort() != 0 && config.publicBaseUrl() != null && !config.publicBaseUrl().isBlank()) {
            return config.publicBaseUrl().replaceAll("/+$", "");
        }
        String host = config.httpHost().equals("0.0.0.0") || config.httpHost().equals("::") ? "localhost" : config.httpHost();
        return (config.tls().enabled() ? "https://" : "http://") + host + ":" + httpPort();
    }

    /**
     * Graceful shutdown (SIGTERM): {@code /ready} answers 503 at once, no new rooms or joins are
     * taken (clients get {@code node.draining}), live rooms go on until their last participant has
     * left or {@code limit} has passed; then everything closes. Blocks until then; an interrupt
     * ends the wait early.
     */
    public void drainAndClose(Duration limit) {
        ready = false;
        Instant deadline = Instant.now().plus(limit);
        rooms.drain(deadline);
        int left = rooms.participantCount();
        log.info("draining: no new joins; {} participant(s) in {} room(s) may stay until {}", left,
                rooms.all().size(), deadline);
        try {
            while (rooms.participantCount() > 0 && Instant.now().isBefore(deadline)) {
                Thread.sleep(DRAIN_POLL.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        left = rooms.participantCount();
        log.info(left == 0 ? "drained: every room has ended, closing" : "drain over: closing the rooms of {} participant(s)", left);
        close();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ready = false;
        // First, so that other nodes stop placing rooms here while it closes.
        if (cluster != null) {
            cluster.close();
        }
        rooms.close();
        if (webhooks != null) {
            webhooks.close();
        }
        http.close();
        tlsReload.shutdownNow();
        media.close();
        meters.close();
    }
}
