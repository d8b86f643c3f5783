package io.stagecast.signaling.stage;

/**
 * Where a participant stands with the stage, as one value: waiting in the lobby, watching,
 * watching with a pending request, watching with a standing invitation, or on stage. A request
 * and an invitation never coexist (inviting a requester answers the request), and neither
 * survives arrival on stage, so one value replaces the flags that had to be kept consistent.
 */
sealed interface Position {
    Position LOBBY = new Lobby();
    Position VIEWER = new Viewer();
    Position REQUESTED = new Requested();

    /** The coarse place clients see; a request or an invitation is a viewer's. */
    Place place();

    /** Waiting for a moderator to start the session. */
    record Lobby() implements Position {
        public Place place() {
            return Place.LOBBY;
        }
    }

    /** In the audience, nothing pending. */
    record Viewer() implements Position {
        public Place place() {
            return Place.VIEWER;
        }
    }

    /** In the audience, asking a moderator for the stage ({@link AccessMode#REQUEST}). */
    record Requested() implements Position {
        public Place place() {
            return Place.VIEWER;
        }
    }

    /**
     * In the audience, invited: confirm before {@code expiresAt} on the room's nano clock.
     *
     * @param byId       the moderator who invited (or approved the request)
     * @param viaRequest the invitation answers the invitee's own request
     */
    record Invited(String byId, boolean viaRequest, long expiresAt) implements Position {
        public Place place() {
            return Place.VIEWER;
        }
    }

    /** Publishing; {@code since} on the room's nano clock breaks eviction ties. */
    record OnStage(long since) implements Position {
        public Place place() {
            return Place.STAGE;
        }
    }
}
