package io.stagecast.bench;

import io.stagecast.sfu.client.SyntheticPeer;
import io.stagecast.sfu.dtls.DtlsCertificate;
import io.stagecast.sfu.dtls.DtlsRole;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * The node a load run points at, and where the generator may send. Without {@code --allow-remote}
 * every address (the URL's host and the media address of the node's SDP) must be on this machine's
 * loopback: a load run is thousands of real WebRTC peers, so aiming it at another machine has to
 * be said out loud. With the flag any host is fine, and the peers' sockets are bound to the
 * wildcard address so that the kernel picks the interface towards the node.
 */
public final class NodeTarget {
    static final String ALLOW_REMOTE = "--allow-remote";
    /** What {@code SyntheticPeer}'s own constructors use; browsers check every 4-6 s (RFC 7675 5.1). */
    private static final Duration CONSENT_INTERVAL = Duration.ofSeconds(2);

    private final URI url;
    private final boolean allowRemote;
    private final boolean loopback;

    private NodeTarget(URI url, boolean allowRemote, boolean loopback) {
        this.url = url;
        this.allowRemote = allowRemote;
        this.loopback = loopback;
    }

    /**
     * @throws IllegalArgumentException for a scheme other than http(s), a host that does not
     *                                  resolve, or (without {@code allowRemote}) one that resolves
     *                                  to anything but loopback
     */
    public static NodeTarget of(URI url, boolean allowRemote) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("--url must be http:// or https://, not " + url);
        }
        String host = url.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("--url has no host: " + url);
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve the host of --url " + url + ": " + e.getMessage());
        }
        // All of them: the HTTP client may connect to any address the name has.
        boolean loopback = Arrays.stream(addresses).allMatch(InetAddress::isLoopbackAddress);
        if (!loopback && !allowRemote) {
            throw new IllegalArgumentException("the load generator targets only this machine's loopback unless "
                    + ALLOW_REMOTE + " is given: " + host + " is "
                    + Arrays.stream(addresses).map(InetAddress::getHostAddress).toList());
        }
        return new NodeTarget(url, allowRemote, loopback);
    }

    URI url() {
        return url;
    }

    /** Whether the URL's host is this machine (its /proc may then be read for the node's CPU). */
    boolean loopback() {
        return loopback;
    }

    boolean allowRemote() {
        return allowRemote;
    }

    /** The node's own path under the base URL, keeping a prefix a reverse proxy may put before it. */
    URI endpoint(String path) {
        return URI.create(url.toString().replaceAll("/+$", "") + path);
    }

    /**
     * Whether the generator may send media to this SDP candidate address: IPv4 (the synthetic
     * peers' sockets are), and loopback unless remote targets are allowed.
     */
    boolean maySendTo(InetAddress address) {
        return address instanceof Inet4Address && (allowRemote || address.isLoopbackAddress());
    }

    /** Where the synthetic peers' sockets are bound. */
    public InetAddress bindAddress() {
        if (!allowRemote) {
            return InetAddress.getLoopbackAddress();
        }
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A peer with a socket and receive thread of its own. On loopback it presents the shared
     * certificate (one key pair per peer made joins slow); SyntheticPeer takes another bind
     * address only with a fresh certificate, which for the few publishers is fine.
     */
    SyntheticPeer newPeer(DtlsCertificate shared) {
        return allowRemote ? new SyntheticPeer(DtlsRole.CLIENT, bindAddress(), CONSENT_INTERVAL)
                : new SyntheticPeer(DtlsRole.CLIENT, shared);
    }

    @Override
    public String toString() {
        return url + (loopback ? " (loopback)" : " (remote)");
    }
}
