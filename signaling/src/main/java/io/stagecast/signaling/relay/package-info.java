/**
 * The control channel of a relay between nodes (issue 14, item 3): what an edge node asks of a
 * room's origin over the origin's server API ({@code /api/v1/rooms/{room}/relays}, an API token
 * with roomAdmin of the room, minted with the cluster's shared API key) and what it answers.
 * The media itself goes over the relay transports of sfu-core; the rooms' ends are
 * {@code room.OriginRelays} and {@code room.EdgeRooms}.
 */
package io.stagecast.signaling.relay;
