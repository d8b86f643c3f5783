package io.stagecast.signaling.stage;

import io.stagecast.signaling.token.Role;

import java.time.Instant;

/**
 * One row of the participants list as every client sees it. Sent whole for one participant on
 * each change ({@link StageEvent.ParticipantChanged}); the list itself is never resent.
 *
 * @param handRaisedAt when the hand went up, {@code null} when it is down
 * @param handOrder    position key of the raised-hands queue (smaller is earlier), 0 when down
 * @param connected    false while the participant is inside the reconnect grace period
 */
public record ParticipantState(
        String id,
        String name,
        Role role,
        boolean mobile,
        Place place,
        boolean microphoneOn,
        boolean cameraOn,
        boolean screenSharing,
        boolean microphoneForcedOff,
        boolean cameraForcedOff,
        Instant handRaisedAt,
        long handOrder,
        boolean stageRequested,
        boolean invited,
        boolean chatBlocked,
        boolean connected) {

    public boolean handRaised() {
        return handRaisedAt != null;
    }
}
