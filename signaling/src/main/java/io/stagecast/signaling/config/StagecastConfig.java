package io.stagecast.signaling.config;

import io.stagecast.signaling.token.ApiKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * The server's configuration, immutable. Each value comes from (later wins) the built-in default,
 * an optional HOCON file (or a {@code .properties} file, read as before HOCON), an environment variable
 * {@code STAGECAST_*}, or a system property {@code stagecast.*}. Every key is described in
 * docs/configuration.md.
 *
 * @param httpHost                   {@code http.host}: interface (name or address) of the HTTP/WebSocket server
 * @param httpPort                   {@code http.port}; 0 lets the OS choose (tests)
 * @param mediaPort                  {@code media.port}: the one UDP port of all media; 0 lets the OS choose (tests)
 * @param mediaBindAddress           {@code media.bind-address}
 * @param mediaAnnouncedAddresses    {@code media.announced-addresses}: addresses put into ICE candidates;
 *                                   empty means the media plane picks the local addresses
 * @param mediaAllowedRemoteNetworks {@code media.allowed-remote-networks}: ICE checks from other
 *                                   addresses are ignored; empty means any address
 * @param mediaEventLoops            {@code media.event-loops}
 * @param iceConsentTimeout          {@code ice.consent-timeout-seconds} (RFC 7675 consent freshness)
 * @param apiKeys                    {@code keys.secrets} and {@code token.secret} (key {@code default}): the HS256
 *                                   keys of join tokens, invitation links and API tokens, each at least 32
 *                                   bytes in UTF-8; {@code keys.signing-key} is the one that signs
 * @param tokenSecretGenerated       no key was configured, so a random key {@code default} was made for this run
 * @param publicBaseUrl              {@code public-base-url} without trailing slash, derived from the HTTP
 *                                   host and port when not configured
 * @param demoRoom                   {@code rooms.demo}: room created at start-up; empty when disabled
 * @param dtlsHandshakeTimeout       {@code dtls.handshake-timeout-seconds}
 * @param reconnectGrace             {@code rooms.reconnect-grace-seconds}
 * @param http                       timeouts and caps of the signaling port ({@code http.*}, {@code ws.*},
 *                                   {@code whip-whep.*})
 * @param wsOutboundQueueBytes       {@code ws.outbound-queue-kib} in bytes: messages waiting for a WebSocket
 *                                   client that does not read; more closes its connection
 * @param lastN                      {@code media.last-n}: the default of each room's {@code lastN} setting, the
 *                                   most video tracks one viewer receives (WHEP viewers included)
 * @param lastNMobile                {@code media.last-n-mobile}: the cap for participants who joined as phones
 * @param webhooks                   {@code webhooks.*}: receivers of the node's events, how they are signed and retried
 * @param mediaGso                   {@code media.gso}: UDP GSO for video to subscribers ({@code auto} resolved to
 *                                   whether this machine can)
 * @param shutdownDrain              {@code shutdown.drain-seconds}: after SIGTERM, how long live rooms may go on
 *                                   (no new joins) before the node closes them and exits; 0 closes at once
 * @param tls                        {@code tls.*}: HTTPS and WSS on the signaling port, or {@link TlsSettings#OFF}
 * @param turn                       {@code turn.*}: TURN servers given to clients, with credentials from a shared secret
 * @param mediaTcpPort               {@code media.tcp-port}: ICE-TCP (RFC 6544) on this port (+ i for media loop i; 0
 *                                   lets the OS choose), {@code media.port}'s number when not set; -1 ({@code off}):
 *                                   UDP only
 * @param caps                       {@code rooms.max-rooms}, {@code rooms.max-participants}, {@code media.max-transports}
 * @param cluster                    {@code cluster.*}: cluster mode through Redis, or {@link ClusterSettings#DISABLED}
 */
public record StagecastConfig(String httpHost, int httpPort, int mediaPort, InetAddress mediaBindAddress,
                              List<InetAddress> mediaAnnouncedAddresses, List<NetworkRange> mediaAllowedRemoteNetworks,
                              int mediaEventLoops, Duration iceConsentTimeout, ApiKeys apiKeys,
                              boolean tokenSecretGenerated, String publicBaseUrl, Optional<String> demoRoom,
                              Duration dtlsHandshakeTimeout, Duration reconnectGrace, HttpLimits http,
                              long wsOutboundQueueBytes, int lastN, int lastNMobile, WebhookSettings webhooks,
                              boolean mediaGso, Duration shutdownDrain, TlsSettings tls, TurnSettings turn,
                              int mediaTcpPort, CapSettings caps, ClusterSettings cluster) {

    /** Environment variable naming the configuration file for {@link #fromSystem()}. */
    public static final String CONFIG_FILE_ENV = "STAGECAST_CONFIG_FILE";
    /** System property naming the configuration file for {@link #fromSystem()}; wins over the variable. */
    public static final String CONFIG_FILE_PROPERTY = "stagecast.config-file";
    /** HS256 keys must be at least as long as the hash (RFC 7518 section 3.2). */
    public static final int MIN_TOKEN_SECRET_BYTES = ApiKeys.MIN_SECRET_BYTES;
    static final int MAX_EVENT_LOOPS = 1024;
    static final int MAX_TIMEOUT_SECONDS = 3600;
    /** 1 MiB (a join snapshot of a big room with a full chat history is a few hundred KiB) to 1 GiB. */
    static final int MIN_WS_OUTBOUND_QUEUE_KIB = 1024;
    static final int MAX_WS_OUTBOUND_QUEUE_KIB = 1024 * 1024;
    /** A room's last-N is 1..25 (StageSettings.MAX_LAST_N): more than a full stage makes no sense. */
    static final int MAX_LAST_N = 25;

    private static final Logger LOG = LoggerFactory.getLogger(StagecastConfig.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    public StagecastConfig {
        Objects.requireNonNull(httpHost, "httpHost");
        Objects.requireNonNull(mediaBindAddress, "mediaBindAddress");
        Objects.requireNonNull(iceConsentTimeout, "iceConsentTimeout");
        Objects.requireNonNull(apiKeys, "apiKeys");
        Objects.requireNonNull(publicBaseUrl, "publicBaseUrl");
        Objects.requireNonNull(demoRoom, "demoRoom");
        Objects.requireNonNull(dtlsHandshakeTimeout, "dtlsHandshakeTimeout");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(webhooks, "webhooks");
        Objects.requireNonNull(shutdownDrain, "shutdownDrain");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(turn, "turn");
        Objects.requireNonNull(caps, "caps");
        Objects.requireNonNull(cluster, "cluster");
        mediaAnnouncedAddresses = List.copyOf(mediaAnnouncedAddresses);
        mediaAllowedRemoteNetworks = List.copyOf(mediaAllowedRemoteNetworks);
        require(!httpHost.isBlank(), "http.host must not be blank");
        require(httpPort >= 0 && httpPort <= 65535, "http.port must be 0-65535, was " + httpPort);
        require(mediaPort >= 0 && mediaPort <= 65535, "media.port must be 0-65535, was " + mediaPort);
        require(mediaTcpPort >= -1 && mediaTcpPort <= 65535, "media.tcp-port must be 0-65535 or off, was " + mediaTcpPort);
        require(mediaEventLoops >= 1 && mediaEventLoops <= MAX_EVENT_LOOPS,
                "media.event-loops must be 1-" + MAX_EVENT_LOOPS + ", was " + mediaEventLoops);
        require(isPositive(iceConsentTimeout), "ice.consent-timeout-seconds must be positive");
        require(isPositive(dtlsHandshakeTimeout), "dtls.handshake-timeout-seconds must be positive");
        require(isPositive(reconnectGrace), "rooms.reconnect-grace-seconds must be positive");
        require(!shutdownDrain.isNegative(), "shutdown.drain-seconds must not be negative");
        require(wsOutboundQueueBytes >= MIN_WS_OUTBOUND_QUEUE_KIB * 1024L,
                "ws.outbound-queue-kib must be at least " + MIN_WS_OUTBOUND_QUEUE_KIB);
        require(lastN >= 1 && lastN <= MAX_LAST_N, "media.last-n must be 1-" + MAX_LAST_N + ", was " + lastN);
        require(lastNMobile >= 1 && lastNMobile <= MAX_LAST_N,
                "media.last-n-mobile must be 1-" + MAX_LAST_N + ", was " + lastNMobile);
    }

    /** The built-in defaults alone (with a fresh random token secret). */
    public static StagecastConfig defaults() {
        return load(null, Map.of(), new Properties());
    }

    /**
     * Reads the configuration of this process: the file named by the system property
     * {@value #CONFIG_FILE_PROPERTY} or the environment variable {@value #CONFIG_FILE_ENV} (none if
     * neither is set), then {@link System#getenv()} and {@link System#getProperties()}.
     */
    public static StagecastConfig fromSystem() {
        Properties systemProperties = System.getProperties();
        String file = systemProperties.getProperty(CONFIG_FILE_PROPERTY, System.getenv(CONFIG_FILE_ENV));
        return load(file == null || file.isBlank() ? null : Path.of(file), System.getenv(), systemProperties);
    }

    /**
     * Layers defaults, the file (if not null), {@code STAGECAST_*} variables of {@code env} and
     * {@code stagecast.*} entries of {@code systemProperties}; later sources win.
     *
     * @throws IllegalArgumentException for a missing file, an unknown key in the file, or an invalid
     *                                  value (the message names the key, the value and its source)
     */
    public static StagecastConfig load(Path fileOrNull, Map<String, String> env, Properties systemProperties) {
        LayeredSettings settings = new LayeredSettings(fileOrNull, env, systemProperties);
        String httpHost = settings.string(ConfigKey.HTTP_HOST);
        if (httpHost.isEmpty()) {
            throw settings.invalid(ConfigKey.HTTP_HOST, "expected a host name or address");
        }
        int httpPort = settings.integer(ConfigKey.HTTP_PORT, 0, 65535);
        int mediaPort = settings.integer(ConfigKey.MEDIA_PORT, 0, 65535);
        InetAddress bindAddress;
        try {
            bindAddress = IpLiteral.parse(settings.string(ConfigKey.MEDIA_BIND_ADDRESS));
        } catch (IllegalArgumentException e) {
            throw settings.invalid(ConfigKey.MEDIA_BIND_ADDRESS, e.getMessage());
        }
        List<InetAddress> announced = settings.list(ConfigKey.MEDIA_ANNOUNCED_ADDRESSES, IpLiteral::parse);
        List<NetworkRange> allowed = settings.list(ConfigKey.MEDIA_ALLOWED_REMOTE_NETWORKS, NetworkRange::parse);
        int eventLoops = settings.integer(ConfigKey.MEDIA_EVENT_LOOPS, 1, MAX_EVENT_LOOPS);
        Duration consentTimeout = Duration.ofSeconds(
                settings.integer(ConfigKey.ICE_CONSENT_TIMEOUT_SECONDS, 1, MAX_TIMEOUT_SECONDS));
        Duration dtlsTimeout = Duration.ofSeconds(
                settings.integer(ConfigKey.DTLS_HANDSHAKE_TIMEOUT_SECONDS, 1, MAX_TIMEOUT_SECONDS));

        ApiKeys apiKeys = ConfiguredKeys.read(settings);
        boolean secretGenerated = apiKeys == null;
        if (secretGenerated) {
            apiKeys = ApiKeys.single(ApiKeys.LEGACY_ID, randomSecret().getBytes(StandardCharsets.UTF_8));
            LOG.warn("token.secret is not set: using a random secret for this run. Tokens and invitation links"
                    + " stop working at restart and other nodes cannot verify them; set {} for production.",
                    ConfigKey.TOKEN_SECRET.envName());
        }

        TlsSettings tls = tls(settings, httpPort);
        String configuredUrl = settings.string(ConfigKey.PUBLIC_BASE_URL);
        String publicBaseUrl = configuredUrl.isEmpty()
                ? derivedBaseUrl(tls.enabled() ? "https" : "http", httpHost, httpPort)
                : checkedBaseUrl(settings, configuredUrl);
        String demo = settings.string(ConfigKey.ROOMS_DEMO);
        Duration reconnectGrace = Duration.ofSeconds(
                settings.integer(ConfigKey.ROOMS_RECONNECT_GRACE_SECONDS, 1, MAX_TIMEOUT_SECONDS));
        long wsOutboundQueueBytes = 1024L * settings.integer(ConfigKey.WS_OUTBOUND_QUEUE_KIB,
                MIN_WS_OUTBOUND_QUEUE_KIB, MAX_WS_OUTBOUND_QUEUE_KIB);

        return new StagecastConfig(httpHost, httpPort, mediaPort, bindAddress, announced, allowed, eventLoops,
                consentTimeout, apiKeys, secretGenerated, publicBaseUrl,
                demo.isEmpty() ? Optional.empty() : Optional.of(demo), dtlsTimeout, reconnectGrace, httpLimits(settings),
                wsOutboundQueueBytes, settings.integer(ConfigKey.MEDIA_LAST_N, 1, MAX_LAST_N),
                settings.integer(ConfigKey.MEDIA_LAST_N_MOBILE, 1, MAX_LAST_N), webhooks(settings, apiKeys),
                gso(settings), Duration.ofSeconds(settings.integer(ConfigKey.SHUTDOWN_DRAIN_SECONDS, 0, 24 * MAX_TIMEOUT_SECONDS)),
                tls, turn(settings), tcpPort(settings, mediaPort),
                new CapSettings(settings.integer(ConfigKey.ROOMS_MAX_ROOMS, 1, CapSettings.MAX),
                        settings.integer(ConfigKey.ROOMS_MAX_PARTICIPANTS, 1, CapSettings.MAX),
                        settings.integer(ConfigKey.MEDIA_MAX_TRANSPORTS, 1, CapSettings.MAX)),
                ClusterSettings.read(settings));
    }

    /** Empty: the UDP port's number (TCP and UDP ports are apart); {@code off}: no ICE-TCP. */
    private static int tcpPort(LayeredSettings settings, int mediaPort) {
        String value = settings.string(ConfigKey.MEDIA_TCP_PORT).trim().toLowerCase(java.util.Locale.ROOT);
        if (value.isEmpty()) {
            return mediaPort;
        }
        if (value.equals("off") || value.equals("false")) {
            return -1;
        }
        return settings.integer(ConfigKey.MEDIA_TCP_PORT, 0, 65535);
    }

    private static TurnSettings turn(LayeredSettings settings) {
        List<String> urls = settings.list(ConfigKey.TURN_URLS, io.stagecast.signaling.config.TurnSettings::checkedUrl);
        String secret = settings.string(ConfigKey.TURN_SECRET);
        Duration ttl = Duration.ofSeconds(settings.integer(ConfigKey.TURN_CREDENTIAL_TTL_SECONDS, 60, 7 * 24 * 3600));
        if (urls.isEmpty()) {
            if (!secret.isEmpty()) {
                throw settings.invalid(ConfigKey.TURN_SECRET, "is set but turn.urls is empty");
            }
            return new TurnSettings(List.of(), null, ttl);
        }
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < TurnSettings.MIN_SECRET_BYTES) {
            throw settings.invalid(ConfigKey.TURN_SECRET, "turn.urls need a turn.secret of at least "
                    + TurnSettings.MIN_SECRET_BYTES + " bytes (coturn's static-auth-secret)");
        }
        return new TurnSettings(urls, bytes, ttl);
    }

    /** Both files or neither; they are read (and their errors reported) when the node starts. */
    private static TlsSettings tls(LayeredSettings settings, int httpPort) {
        String certificate = settings.string(ConfigKey.TLS_CERTIFICATE_FILE).trim();
        String key = settings.string(ConfigKey.TLS_KEY_FILE).trim();
        if (certificate.isEmpty() != key.isEmpty()) {
            throw settings.invalid(certificate.isEmpty() ? ConfigKey.TLS_CERTIFICATE_FILE : ConfigKey.TLS_KEY_FILE,
                    "tls.certificate-file and tls.key-file go together");
        }
        Duration reload = Duration.ofSeconds(settings.integer(ConfigKey.TLS_RELOAD_SECONDS, 1, MAX_TIMEOUT_SECONDS));
        int redirect = settings.integer(ConfigKey.TLS_REDIRECT_PORT, 0, 65535);
        if (certificate.isEmpty()) {
            if (redirect != 0) {
                throw settings.invalid(ConfigKey.TLS_REDIRECT_PORT, "redirects to HTTPS, which needs tls.certificate-file");
            }
            return new TlsSettings(null, null, reload, 0);
        }
        if (redirect != 0 && redirect == httpPort) {
            throw settings.invalid(ConfigKey.TLS_REDIRECT_PORT, "is http.port, which serves HTTPS");
        }
        return new TlsSettings(Path.of(certificate), Path.of(key), reload, redirect);
    }

    private static boolean gso(LayeredSettings settings) {
        String value = settings.string(ConfigKey.MEDIA_GSO).trim().toLowerCase(java.util.Locale.ROOT);
        return switch (value) {
            case "auto", "" -> io.stagecast.sfu.MediaConfig.gsoSupported();
            case "true", "on", "yes" -> true;
            case "false", "off", "no" -> false;
            default -> throw settings.invalid(ConfigKey.MEDIA_GSO, "expected auto, true or false");
        };
    }

    private static WebhookSettings webhooks(LayeredSettings settings, ApiKeys keys) {
        List<URI> urls = settings.list(ConfigKey.WEBHOOKS_URLS, WebhookSettings::url);
        String kid = settings.string(ConfigKey.WEBHOOKS_SIGNING_KEY);
        if (!kid.isEmpty() && keys.key(kid).isEmpty()) {
            throw settings.invalid(ConfigKey.WEBHOOKS_SIGNING_KEY, "not one of the keys " + keys.ids());
        }
        return new WebhookSettings(urls, kid.isEmpty() ? null : kid,
                Duration.ofSeconds(settings.integer(ConfigKey.WEBHOOKS_TIMEOUT_SECONDS, 1, MAX_TIMEOUT_SECONDS)),
                Duration.ofSeconds(settings.integer(ConfigKey.WEBHOOKS_RETRY_SECONDS, 0, 24 * MAX_TIMEOUT_SECONDS)),
                settings.integer(ConfigKey.WEBHOOKS_QUEUE_SIZE, 1, 1_000_000));
    }

    private static HttpLimits httpLimits(LayeredSettings settings) {
        List<String> origins = settings.list(ConfigKey.HTTP_CORS_ALLOWED_ORIGINS, StagecastConfig::origin);
        return new HttpLimits(
                Duration.ofSeconds(settings.integer(ConfigKey.HTTP_REQUEST_TIMEOUT_SECONDS, 1, MAX_TIMEOUT_SECONDS)),
                Duration.ofSeconds(settings.integer(ConfigKey.HTTP_IDLE_TIMEOUT_SECONDS, 1, MAX_TIMEOUT_SECONDS)),
                settings.integer(ConfigKey.HTTP_MAX_CONNECTIONS, 1, 1_000_000),
                Duration.ofSeconds(settings.integer(ConfigKey.WS_PING_INTERVAL_SECONDS, 1, MAX_TIMEOUT_SECONDS)),
                origins,
                settings.integer(ConfigKey.WHIP_WHEP_MAX_PER_TOKEN, 1, 1_000_000),
                settings.integer(ConfigKey.WHIP_WHEP_MAX_PER_ROOM, 1, 1_000_000),
                settings.integer(ConfigKey.WHIP_WHEP_MAX_PER_NODE, 1, 1_000_000));
    }

    /** An origin as browsers send it (RFC 6454 6.1): scheme://host[:port], no path; or {@code *}. */
    private static String origin(String value) {
        if (value.equals("*")) {
            return value;
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not an origin: " + e.getReason());
        }
        boolean bare = uri.getRawPath() == null || uri.getRawPath().isEmpty();
        if (uri.getScheme() == null || uri.getHost() == null || !bare || uri.getQuery() != null
                || uri.getUserInfo() != null) {
            throw new IllegalArgumentException("expected scheme://host[:port] with no path, e.g. https://app.example.org");
        }
        return value;
    }

    /**
     * The secret of the signing key.
     *
     * @deprecated keys have ids now: {@code new JoinTokens(config.apiKeys(), clock)} signs with the signing key
     *             and names it; this secret alone makes tokens named {@code default}
     */
    @Deprecated
    public byte[] tokenSecretBytes() {
        return apiKeys.signingKey().secret();
    }

    /** Whether ICE checks from this address are allowed: no networks configured, or one contains it. */
    public boolean remoteAllowed(InetAddress remote) {
        if (mediaAllowedRemoteNetworks.isEmpty()) {
            return true;
        }
        for (NetworkRange range : mediaAllowedRemoteNetworks) {
            if (range.contains(remote)) {
                return true;
            }
        }
        return false;
    }

    /** Like the record's, but never shows a secret (configurations end up in logs): key ids only. */
    @Override
    public String toString() {
        return "StagecastConfig[httpHost=" + httpHost + ", httpPort=" + httpPort + ", mediaPort=" + mediaPort
                + ", mediaBindAddress=" + mediaBindAddress.getHostAddress()
                + ", mediaAnnouncedAddresses=" + mediaAnnouncedAddresses.stream().map(InetAddress::getHostAddress).toList()
                + ", mediaAllowedRemoteNetworks=" + mediaAllowedRemoteNetworks + ", mediaEventLoops=" + mediaEventLoops
                + ", iceConsentTimeout=" + iceConsentTimeout + ", apiKeys=" + (tokenSecretGenerated ? "(random)" : apiKeys)
                + ", publicBaseUrl=" + publicBaseUrl + ", demoRoom=" + demoRoom.orElse("(none)")
                + ", dtlsHandshakeTimeout=" + dtlsHandshakeTimeout + ", reconnectGrace=" + reconnectGrace
                + ", http=" + http + ", wsOutboundQueueBytes=" + wsOutboundQueueBytes + ", lastN=" + lastN
                + ", lastNMobile=" + lastNMobile + ", webhooks=" + webhooks.urls().size() + " url(s)"
                + ", mediaGso=" + mediaGso + ", mediaTcpPort=" + mediaTcpPort + ", shutdownDrain=" + shutdownDrain
                + ", tls=" + (tls.enabled() ? tls.certificateFile() : "off") + ", turn=" + turn.urls() + ", cluster=" + cluster + "]";
    }

    /** Read before the configuration is (loading it logs already): not a key of it. */
    public static final String LOG_FORMAT_ENV = "STAGECAST_LOG_FORMAT";
    public static final String LOG_FORMAT_PROPERTY = "stagecast.log-format";

    /** Names of the stagecast prefix that are not configuration keys: where it is, how to log. */
    static boolean isLocatorName(String name) {
        return name.equals(CONFIG_FILE_ENV) || name.equals(CONFIG_FILE_PROPERTY)
                || name.equals(LOG_FORMAT_ENV) || name.equals(LOG_FORMAT_PROPERTY);
    }

    private static String randomSecret() {
        byte[] bytes = new byte[MIN_TOKEN_SECRET_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A wildcard bind address is not something a browser can reach; localhost is right for a dev box. */
    private static String derivedBaseUrl(String scheme, String httpHost, int httpPort) {
        String host = httpHost;
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            host = "localhost";
        } else if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return scheme + "://" + host + ":" + httpPort;
    }

    private static String checkedBaseUrl(LayeredSettings settings, String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw settings.invalid(ConfigKey.PUBLIC_BASE_URL, "not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw settings.invalid(ConfigKey.PUBLIC_BASE_URL, "expected an absolute http:// or https:// URL");
        }
        if (uri.getQuery() != null || uri.getFragment() != null) {
            throw settings.invalid(ConfigKey.PUBLIC_BASE_URL, "must not have a query or fragment");
        }
        String trimmed = url;
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed;
    }

    private static boolean isPositive(Duration duration) {
        return !duration.isNegative() && !duration.isZero();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
