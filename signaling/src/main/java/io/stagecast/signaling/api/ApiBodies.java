package io.stagecast.signaling.api;

/** The request bodies of the REST API (docs/api.md, docs/openapi.yaml); absent fields are {@code null}. */
final class ApiBodies {
    private ApiBodies() {
    }

    /** {@code POST /rooms}: the name, and the settings that differ from the defaults. */
    record CreateRoom(String name, String accessMode, Integer capacity, Boolean lobby, Boolean chatEnabled,
                      Boolean reactionsEnabled, Boolean pollsEnabled, Boolean qaEnabled, Boolean strongMute,
                      Boolean locked, Integer idleTimeoutSeconds, Integer lastN) {
        UpdateRoom settings() {
            return new UpdateRoom(accessMode, capacity, chatEnabled, reactionsEnabled, pollsEnabled, qaEnabled,
                    strongMute, locked, idleTimeoutSeconds, lastN);
        }
    }

    /** {@code PATCH /rooms/{room}}: the settings to change. */
    record UpdateRoom(String accessMode, Integer capacity, Boolean chatEnabled, Boolean reactionsEnabled,
                      Boolean pollsEnabled, Boolean qaEnabled, Boolean strongMute, Boolean locked,
                      Integer idleTimeoutSeconds, Integer lastN) {
    }

    /** {@code PATCH /rooms/{room}/participants/{id}}: exactly one change. */
    record UpdateParticipant(String role, String place, Boolean microphoneForcedOff, Boolean cameraForcedOff,
                             Boolean chatBlocked) {
        int changes() {
            int n = 0;
            for (Object field : new Object[]{role, place, microphoneForcedOff, cameraForcedOff, chatBlocked}) {
                if (field != null) {
                    n++;
                }
            }
            return n;
        }
    }

    /** {@code POST /rooms/{room}/tokens}. */
    record MintToken(String role, String name, String participantId, Boolean viewOnly, Boolean singleUse,
                     Long ttlSeconds) {
    }

    /** {@code POST} bodies that take nothing: {@code {}} or no body at all. */
    record Empty() {
    }
}
