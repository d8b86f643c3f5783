package io.stagecast.signaling.cluster;

/**
 * What a node carries, as published at its last heartbeat; placement compares nodes by it.
 *
 * @param participants     participants whose media it carries: those connected to its rooms (not
 *                         their viewers watching at another node) and the WHEP viewers it serves of
 *                         other nodes' rooms
 * @param rooms            rooms open on it
 * @param transports       media transports open on it
 * @param packetsPerSecond RTP/RTCP packets received plus RTP packets forwarded per second, over the
 *                         last heartbeat interval
 * @param draining         the node is shutting down (SIGTERM): it refuses new rooms, so placement passes
 *                         it by however empty it is (an emptying node would otherwise be the first choice)
 */
public record NodeLoad(int participants, int rooms, int transports, long packetsPerSecond, boolean draining) {
    /** A node taking rooms. */
    public NodeLoad(int participants, int rooms, int transports, long packetsPerSecond) {
        this(participants, rooms, transports, packetsPerSecond, false);
    }
}
