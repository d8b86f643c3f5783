package io.stagecast.signaling.config;

/**
 * How much the node and each room hold at most, beyond the HTTP and WHIP/WHEP caps of
 * {@link HttpLimits}; docs/operations.md ("Caps") lists every cap with what a client sees.
 *
 * @param maxRooms        {@code rooms.max-rooms}: rooms on this node at once
 * @param maxParticipants {@code rooms.max-participants}: participants of one room (lobby and those
 *                        within their reconnect grace included; moderators get a few more)
 * @param maxTransports   {@code media.max-transports}: media transports on this node at once (each
 *                        web participant has one or two, each WHIP/WHEP session one)
 */
public record CapSettings(int maxRooms, int maxParticipants, int maxTransports) {
    public static final int MAX = 1_000_000;

    public CapSettings {
        if (maxRooms < 1 || maxParticipants < 1 || maxTransports < 1) {
            throw new IllegalArgumentException("rooms.max-rooms, rooms.max-participants and media.max-transports must be at least 1");
        }
    }
}
