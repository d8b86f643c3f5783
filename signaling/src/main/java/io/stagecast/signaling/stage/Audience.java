package io.stagecast.signaling.stage;

/**
 * Who an event is for. {@link StageRoom#recipients(Audience)} resolves an audience to the
 * participant ids that should receive it right now (admitted and connected).
 */
public sealed interface Audience {
    /** Every admitted participant (not those waiting in the lobby). */
    Audience EVERYONE = new Everyone();
    /** Admitted moderators only. */
    Audience MODERATORS = new Moderators();
    /**
     * The backchannel's people: moderators (on stage or not) and speakers while on stage. Never an
     * attendee, whatever their place; resolved when delivered, so someone who just left the stage or
     * was just demoted gets nothing more.
     */
    Audience BACKSTAGE = new Backstage();
    /** Not a client: the caller applies the event to the media plane (publish permission, forced mute). */
    Audience MEDIA_PLANE = new MediaPlane();

    static Audience only(String participantId) {
        return new Only(participantId);
    }

    record Everyone() implements Audience {
    }

    record Moderators() implements Audience {
    }

    record Backstage() implements Audience {
    }

    record MediaPlane() implements Audience {
    }

    record Only(String participantId) implements Audience {
    }
}
