package io.stagecast.signaling.room;

import io.stagecast.signaling.stage.RoomSnapshot;
import io.stagecast.signaling.token.Role;

/**
 * What a web client's join tells it (the {@code join} response, docs/protocol.md): the room as it
 * may see it and who it is; the WebSocket writes it as JSON.
 *
 * @param lobbyWaiting for a moderator, how many wait in the lobby; null for others
 */
public record JoinResult(RoomSnapshot snapshot, String participantId, String name, Role role, boolean viewOnly,
                         Integer lobbyWaiting, DominantSpeaker dominantSpeaker) {
}
