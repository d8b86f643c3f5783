package io.stagecast.signaling.cluster;

/**
 * The node's counts at one instant, read on the cluster's thread at each heartbeat (so the sources
 * must be safe to read from any thread, as /metrics' gauges read them).
 *
 * @param mediaPackets the media plane's packet total since start (received plus forwarded); the
 *                     registry turns two readings into a rate
 * @param draining     the node is shutting down and takes no new rooms
 */
public record LoadReading(int participants, int rooms, int transports, long mediaPackets, boolean draining) {
    /** A node taking rooms. */
    public LoadReading(int participants, int rooms, int transports, long mediaPackets) {
        this(participants, rooms, transports, mediaPackets, false);
    }
}
