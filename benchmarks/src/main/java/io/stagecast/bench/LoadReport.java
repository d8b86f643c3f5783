package io.stagecast.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;

/**
 * The end of a run for the operator: a few labelled lines of what the viewers got (rate, loss,
 * latency and join-time percentiles, who joined) and what it cost the node, and the same figures
 * as JSON ({@code --json FILE}) for a dashboard or a comparison between runs. A figure that was not
 * measured is said so in the text and is {@code null} in the JSON, never NaN.
 */
final class LoadReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final LoadResult result;
    private final NodeTarget node;
    private final String room;
    private final int authSample;

    LoadReport(LoadResult result, NodeTarget node, String room, int authSample) {
        this.result = result;
        this.node = node;
        this.room = room;
        this.authSample = authSample;
    }

    String text() {
        LoadResult r = result;
        StringBuilder out = new StringBuilder();
        line(out, "load test of %s, room %s: %d publisher(s), %.1f s window", node.url(), room, r.publishers(), r.seconds());
        line(out, "  viewers    %d requested, %d joined, %d failed (no media within --join-timeout)", r.viewers(),
                r.viewersJoined(), r.viewersFailed());
        line(out, "  delivered  %d RTP packets, %.0f pkt/s, loss %.3f%% (of %d expected from sequence numbers)",
                r.delivered(), r.deliveredPerSecond(), r.loss() * 100, r.expected());
        line(out, "  latency    p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms"
                        + " (publisher send to viewer receive, 1 in %d packets)", r.latencyP50Millis(), r.latencyP95Millis(),
                r.latencyP99Millis(), r.latencyP999Millis(), r.latencyMaxMillis(), authSample);
        line(out, "  frames     p50 %.2f ms, p99 %.2f ms (the packet that ends a frame)", r.frameP50Millis(),
                r.frameP99Millis());
        line(out, "  join time  p50 %.0f ms, p95 %.0f ms, max %.0f ms (join request to first media packet)",
                r.joinP50Millis(), r.joinP95Millis(), r.joinMaxMillis());
        line(out, "  srtp       %d packets authenticated, %d failures", r.authenticated(), r.authFailures());
        String forwarded = Double.isNaN(r.serverForwardedPerSecond()) ? "/metrics not readable"
                : String.format(Locale.ROOT, "%.0f pkt/s forwarded (/metrics)", r.serverForwardedPerSecond());
        if (Double.isNaN(r.serverCpuSeconds())) {
            line(out, "  node       cpu not measured (--server-pid, node on this machine only); %s", forwarded);
        } else {
            line(out, "  node       cpu %.1f%% of a core, %.2f us/pkt (user %.2f, kernel %.2f); %s",
                    100 * r.serverCpuSeconds() / r.seconds(), r.serverCpuSecondsPerMillion(),
                    r.perPacketMicros(r.serverUserSeconds()), r.perPacketMicros(r.serverSystemSeconds()), forwarded);
        }
        line(out, "  generator  cpu %.1f%% of a core", 100 * r.generatorCpuSeconds() / r.seconds());
        return out.toString();
    }

    private static void line(StringBuilder out, String format, Object... args) {
        out.append(String.format(Locale.ROOT, format, args)).append(System.lineSeparator());
    }

    ObjectNode json() {
        LoadResult r = result;
        ObjectNode root = JSON.createObjectNode();
        root.put("finishedAt", Instant.now().toString());
        root.put("url", node.url().toString());
        root.put("room", room);
        root.put("publishers", r.publishers());
        ObjectNode viewers = root.putObject("viewers");
        viewers.put("requested", r.viewers());
        viewers.put("joined", r.viewersJoined());
        viewers.put("failed", r.viewersFailed());
        ObjectNode window = root.putObject("window");
        number(window, "seconds", r.seconds());
        window.put("delivered", r.delivered());
        window.put("expected", r.expected());
        number(window, "packetsPerSecond", r.deliveredPerSecond());
        number(window, "loss", r.loss());
        ObjectNode latency = root.putObject("latencyMillis");
        latency.put("sampledOneIn", authSample);
        number(latency, "p50", r.latencyP50Millis());
        number(latency, "p95", r.latencyP95Millis());
        number(latency, "p99", r.latencyP99Millis());
        number(latency, "p999", r.latencyP999Millis());
        number(latency, "max", r.latencyMaxMillis());
        ObjectNode frames = root.putObject("frameLatencyMillis");
        number(frames, "p50", r.frameP50Millis());
        number(frames, "p99", r.frameP99Millis());
        ObjectNode join = root.putObject("joinMillis");
        number(join, "p50", r.joinP50Millis());
        number(join, "p95", r.joinP95Millis());
        number(join, "max", r.joinMaxMillis());
        ObjectNode srtp = root.putObject("srtp");
        srtp.put("authenticated", r.authenticated());
        srtp.put("failures", r.authFailures());
        ObjectNode server = root.putObject("node");
        number(server, "cpuSeconds", r.serverCpuSeconds());
        number(server, "cpuMicrosPerPacket", r.serverCpuSecondsPerMillion());
        number(server, "userMicrosPerPacket", r.perPacketMicros(r.serverUserSeconds()));
        number(server, "kernelMicrosPerPacket", r.perPacketMicros(r.serverSystemSeconds()));
        number(server, "forwardedPerSecond", r.serverForwardedPerSecond());
        ObjectNode generator = root.putObject("generator");
        number(generator, "cpuSeconds", r.generatorCpuSeconds());
        return root;
    }

    void writeJson(Path file) throws IOException {
        JSON.writeValue(file.toFile(), json());
    }

    /** NaN and infinities are not JSON (RFC 8259 6): a figure not measured is null. */
    private static void number(ObjectNode node, String name, double value) {
        if (Double.isFinite(value)) {
            node.put(name, value);
        } else {
            node.putNull(name);
        }
    }
}
