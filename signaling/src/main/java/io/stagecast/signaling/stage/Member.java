package io.stagecast.signaling.stage;

import io.stagecast.signaling.token.Role;

import java.time.Instant;

/**
 * A participant inside one {@link StageRoom}: who they are, where they stand with the stage
 * ({@link Position}), and one small part per concern that the parts of the room keep. Confined to
 * the room's lock.
 */
final class Member {
    final String id;
    final String name;
    final boolean mobile;
    final MemberTracks tracks = new MemberTracks();
    final MemberRates rates;
    Role role;
    Position position;
    /** Null while the hand is down. */
    Hand hand;
    boolean chatBlocked;
    boolean connected = true;
    long disconnectedAt;
    long lastVoiceAt = Long.MIN_VALUE;

    /** A raised hand: when (shown to people) and its place in the queue (smaller is earlier). */
    record Hand(Instant raisedAt, long order) {
    }

    Member(String id, String name, Role role, boolean mobile, Position position, StageLimits limits) {
        this.id = id;
        this.name = name;
        this.role = role;
        this.mobile = mobile;
        this.position = position;
        this.rates = new MemberRates(limits);
    }

    boolean isModerator() {
        return role == Role.MODERATOR;
    }

    Place place() {
        return position.place();
    }

    boolean inLobby() {
        return position instanceof Position.Lobby;
    }

    boolean onStage() {
        return position instanceof Position.OnStage;
    }

    boolean requested() {
        return position instanceof Position.Requested;
    }

    /** The standing invitation, or null. */
    Position.Invited invitation() {
        return position instanceof Position.Invited invited ? invited : null;
    }

    boolean mayShareScreen() {
        return onStage() && role != Role.ATTENDEE;
    }

    /** Back to the audience: a viewer publishes nothing. */
    void becomeViewer() {
        position = Position.VIEWER;
        tracks.stopAll();
    }

    /**
     * How long this person has been silent on stage is measured from the later of their last
     * voice activity and their arrival on stage: a newcomer who has not spoken yet is not the
     * first to go.
     */
    long silentSince() {
        long since = position instanceof Position.OnStage onStage ? onStage.since() : 0;
        return Math.max(since, lastVoiceAt);
    }

    ParticipantState state() {
        return new ParticipantState(id, name, role, mobile, place(), tracks.on(TrackKind.MICROPHONE),
                tracks.on(TrackKind.CAMERA), tracks.on(TrackKind.SCREEN), tracks.forcedOff(TrackKind.MICROPHONE),
                tracks.forcedOff(TrackKind.CAMERA), hand == null ? null : hand.raisedAt(),
                hand == null ? 0 : hand.order(), requested(), invitation() != null, chatBlocked, connected);
    }

    /** Everything, including what clients never see; for tests that prove a refusal changed nothing. */
    String debugState() {
        return state() + " position=" + position + " " + tracks + " disconnectedAt=" + disconnectedAt
                + " lastVoiceAt=" + lastVoiceAt + " " + rates;
    }
}
