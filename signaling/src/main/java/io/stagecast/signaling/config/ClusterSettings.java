package io.stagecast.signaling.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Cluster mode ({@code cluster.*}, docs/configuration.md): where the nodes meet (Redis), and how this
 * node names itself there. Without a Redis URL the node runs alone, as before cluster mode existed.
 *
 * @param redisUrl      {@code cluster.redis-url}: {@code redis://} or {@code rediss://} URI (Lettuce's
 *                      syntax, a password may be in it); empty: single node
 * @param nodeId        {@code cluster.node-id}: this node's name in Redis; random at each start when not set
 * @param advertisedUrl {@code cluster.advertised-url}: the URL other nodes and redirects use for this node;
 *                      empty: the node's public base URL (known once the HTTP port is bound)
 * @param edgeWhep      {@code cluster.edge-whep}: a WHEP POST for a room another node serves is
 *                      answered here, its tracks relayed from that node; false: 307 to it
 * @param edgeWhip      {@code cluster.edge-whip}: a WHIP POST for a room another node serves is
 *                      answered here, its tracks relayed to that node; false: 307 to it
 * @param edgeWeb       {@code cluster.edge-web}: a web client joining a room another node serves
 *                      stays here: its requests and events pass through to that node's room, the
 *                      stage reaches it from here over the room's relay; false: {@code wrong_node}
 */
public record ClusterSettings(String redisUrl, String nodeId, String advertisedUrl, boolean edgeWhep, boolean edgeWhip,
                              boolean edgeWeb) {

    public static final ClusterSettings DISABLED = new ClusterSettings("", "", "", false, false, false);
    /** A node id is part of Redis keys and of URLs: a-z, 0-9 and '-', like API key ids. */
    static final Pattern NODE_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public ClusterSettings {
        Objects.requireNonNull(redisUrl, "redisUrl");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(advertisedUrl, "advertisedUrl");
        if (!redisUrl.isEmpty() && !NODE_ID.matcher(nodeId).matches()) {
            throw new IllegalArgumentException("cluster.node-id must be 1-64 characters of a-z, 0-9 and '-'");
        }
    }

    public boolean enabled() {
        return !redisUrl.isEmpty();
    }

    /** The configured advertised URL, else {@code baseUrl} (the node's public base URL). */
    public String advertisedUrlOr(String baseUrl) {
        return advertisedUrl.isEmpty() ? baseUrl : advertisedUrl;
    }

    static ClusterSettings read(LayeredSettings settings) {
        String url = settings.string(ConfigKey.CLUSTER_REDIS_URL).trim();
        String id = settings.string(ConfigKey.CLUSTER_NODE_ID).trim();
        String advertised = settings.string(ConfigKey.CLUSTER_ADVERTISED_URL).trim();
        boolean edge = flag(settings, ConfigKey.CLUSTER_EDGE_WHEP);
        boolean edgeWhip = flag(settings, ConfigKey.CLUSTER_EDGE_WHIP);
        boolean edgeWeb = flag(settings, ConfigKey.CLUSTER_EDGE_WEB);
        if (url.isEmpty()) {
            if (!id.isEmpty() || !advertised.isEmpty()) {
                throw settings.invalid(id.isEmpty() ? ConfigKey.CLUSTER_ADVERTISED_URL : ConfigKey.CLUSTER_NODE_ID,
                        "is set but cluster.redis-url is empty (cluster mode is off)");
            }
            return DISABLED;
        }
        try {
            checkedRedisUrl(url);
        } catch (IllegalArgumentException e) {
            // The message must not echo the URL: it may carry the Redis password.
            throw settings.invalidSecret(ConfigKey.CLUSTER_REDIS_URL, e.getMessage());
        }
        if (id.isEmpty()) {
            id = randomNodeId();
        } else if (!NODE_ID.matcher(id).matches()) {
            throw settings.invalid(ConfigKey.CLUSTER_NODE_ID, "expected 1-64 characters of a-z, 0-9 and '-'");
        }
        if (!advertised.isEmpty()) {
            try {
                advertised = WebhookSettings.url(advertised).toString().replaceAll("/+$", "");
            } catch (IllegalArgumentException e) {
                throw settings.invalid(ConfigKey.CLUSTER_ADVERTISED_URL, e.getMessage());
            }
        }
        return new ClusterSettings(url, id, advertised, edge, edgeWhip, edgeWeb);
    }

    private static boolean flag(LayeredSettings settings, ConfigKey key) {
        String value = settings.string(key).trim().toLowerCase(java.util.Locale.ROOT);
        if (!value.equals("true") && !value.equals("false")) {
            throw settings.invalid(key, "expected true or false");
        }
        return value.equals("true");
    }

    private static void checkedRedisUrl(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URI: " + e.getReason());
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("redis") || uri.getScheme().equals("rediss"))
                || uri.getHost() == null) {
            throw new IllegalArgumentException("expected redis://host:port or rediss://host:port");
        }
    }

    private static String randomNodeId() {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return "node-" + HexFormat.of().formatHex(bytes);
    }

    /** Never shows the Redis URL's password (configurations end up in logs). */
    @Override
    public String toString() {
        if (!enabled()) {
            return "ClusterSettings[off]";
        }
        String shown = redisUrl.replaceFirst("//[^@/]*@", "//***@");
        return "ClusterSettings[redisUrl=" + shown + ", nodeId=" + nodeId + ", advertisedUrl="
                + (advertisedUrl.isEmpty() ? "(public base URL)" : advertisedUrl) + "]";
    }
}
