package io.stagecast.signaling.cluster;

/**
 * Where a room is served, as the entry paths (WebSocket join, WHIP/WHEP, the API's room creation)
 * need to know before they create or join it here.
 *
 * @param here     whether this node serves it (it is the origin, or placement could not be asked)
 * @param nodeId   the origin's node id when it is another node, else null
 * @param url      the origin's advertised URL when it is another node, else null
 * @param fallback whether placement could not be asked (Redis unreachable, too slow) and the room is
 *                 served here so that it is served at all
 */
public record RoomOrigin(boolean here, String nodeId, String url, boolean fallback) {
    /** This node is the room's origin, or the node runs alone. */
    public static final RoomOrigin HERE = new RoomOrigin(true, null, null, false);
    /** Placement did not answer: served here (availability first). */
    static final RoomOrigin FALLBACK = new RoomOrigin(true, null, null, true);

    static RoomOrigin at(String nodeId, String url) {
        return new RoomOrigin(false, nodeId, url, false);
    }

    /** The same path and query on the origin: {@code http://b:8080} and {@code /whep/r?x} give {@code http://b:8080/whep/r?x}. */
    public String locationOf(String pathAndQuery) {
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        return base + pathAndQuery;
    }
}
