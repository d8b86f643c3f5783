package io.stagecast.signaling.e2e;

import java.io.IOException;
import java.util.Map;

/**
 * Two network namespaces this test makes, joined by a veth pair, with a token bucket on the node's
 * end: what a viewer behind a weak link meets. The node (and any unconstrained client) lives in
 * {@link #nodeSide}, on its loopback and on {@value #NODE_ADDRESS}; the shaped viewer lives in
 * {@link #viewerSide}, whose only way out is the veth to {@value #NODE_ADDRESS}. The addresses are
 * RFC 2544 benchmarking addresses that exist only inside these namespaces: nothing leaves the machine.
 *
 * <p>{@code tc tbf} on the node's end shapes what the viewer receives (media, and its page and
 * WebSocket too, as on a real weak link). This kernel has no netem (../shared/BROWSER-TESTING.md),
 * so there is no delay emulation: the queue (latency 200 ms) is the only added delay.
 */
final class ShapedLink implements AutoCloseable {
    static final String NODE_ADDRESS = "198.18.0.1";
    static final String VIEWER_ADDRESS = "198.18.0.2";
    static final String NETWORK = "198.18.0.0/30";
    private static final String NODE_DEVICE = "scn0";
    private static final String VIEWER_DEVICE = "scv0";

    final NetNamespace nodeSide;
    final NetNamespace viewerSide;
    private boolean shaped;
    private volatile String rate = "unlimited";

    private ShapedLink(NetNamespace nodeSide, NetNamespace viewerSide) {
        this.nodeSide = nodeSide;
        this.viewerSide = viewerSide;
    }

    static ShapedLink create(String prefix) throws IOException, InterruptedException {
        NetNamespace node = NetNamespace.createBare(prefix + "n");
        NetNamespace viewer;
        try {
            viewer = NetNamespace.createBare(prefix + "v");
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
        ShapedLink link = new ShapedLink(node, viewer);
        try {
            NetNamespace.run("ip", "link", "add", NODE_DEVICE, "netns", node.name, "type", "veth",
                    "peer", "name", VIEWER_DEVICE, "netns", viewer.name);
            NetNamespace.run("ip", "-n", node.name, "addr", "add", NODE_ADDRESS + "/30", "dev", NODE_DEVICE);
            NetNamespace.run("ip", "-n", viewer.name, "addr", "add", VIEWER_ADDRESS + "/30", "dev", VIEWER_DEVICE);
            NetNamespace.run("ip", "-n", node.name, "link", "set", NODE_DEVICE, "up");
            NetNamespace.run("ip", "-n", viewer.name, "link", "set", VIEWER_DEVICE, "up");
        } catch (IOException | RuntimeException e) {
            link.close();
            throw e;
        }
        return link;
    }

    /**
     * What the viewer receives is limited to {@code kbit} kbit/s from now on: {@code tc qdisc replace}
     * the first time, {@code tc qdisc change} after, so the queue is not reset between steps. The
     * bucket (8 kB) lets a few packets through at line rate; the queue holds 200 ms at the rate and
     * drops what comes on top, as a congested access link does.
     */
    synchronized void limit(int kbit) throws IOException, InterruptedException {
        nodeSide.exec("tc", "qdisc", shaped ? "change" : "replace", "dev", NODE_DEVICE, "root", "tbf",
                "rate", kbit + "kbit", "burst", "8kb", "latency", "200ms");
        shaped = true;
        rate = kbit + " kbit/s";
    }

    String rate() {
        return rate;
    }

    /**
     * A node in {@link #nodeSide}: HTTP on every address there (the shaped viewer loads the page
     * from {@value #NODE_ADDRESS}), media on every address, announced on loopback and on
     * {@value #NODE_ADDRESS}, ICE answered only from loopback and {@value #NETWORK}.
     */
    NodeProcess startNode(String name, Map<String, String> extra) throws IOException, InterruptedException {
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "STAGECAST_HTTP_HOST", "0.0.0.0",
                "STAGECAST_MEDIA_BIND_ADDRESS", "0.0.0.0",
                "STAGECAST_MEDIA_ANNOUNCED_ADDRESSES", "127.0.0.1," + NODE_ADDRESS,
                "STAGECAST_MEDIA_ALLOWED_REMOTE_NETWORKS", "127.0.0.0/8," + NETWORK));
        env.putAll(extra);
        return NodeProcess.inNamespace(nodeSide, name, env);
    }

    /** The node's base URL as the shaped viewer reaches it. */
    static String viewerUrl(NodeProcess node) {
        return node.insideUrl.replace("127.0.0.1", NODE_ADDRESS);
    }

    /** Deletes both namespaces (the veth pair goes with them), stopping every process inside by PID. */
    @Override
    public void close() {
        try {
            viewerSide.close();
        } finally {
            nodeSide.close();
        }
    }
}
