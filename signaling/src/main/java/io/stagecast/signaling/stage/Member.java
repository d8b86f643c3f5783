package io.stagecast.signaling.stage;

import io.stagecast.signaling.token.Role;

import java.time.Instant;

/** A participant's mutable state inside one {@link StageRoom}; confined to the room's lock. */
final class Member {
    final String id;
    final String name;
    final boolean mobile;
    final RateWindow chatRate;
    final RateWindow reactionRate;
    final RateWindow actionRate;
    Role role;
    Place place;
    boolean microphoneOn;
    boolean cameraOn;
    boolean screenSharing;
    boolean microphoneForcedOff;
    boolean cameraForcedOff;
    Instant handRaisedAt;
    long handOrder;
    boolean stageRequested;
    Invitation invitation;
    boolean chatBlocked;
    boolean connected = true;
    long disconnectedAt;
    long onStageSince;
    long lastVoiceAt = Long.MIN_VALUE;

    /** A standing invitation to the stage; it expires at {@code expiresAt} on the room's nano clock. */
    record Invitation(String byId, boolean viaRequest, long expiresAt) {
    }

    Member(String id, String name, Role role, boolean mobile, Place place, StageLimits limits) {
        this.id = id;
        this.name = name;
        this.role = role;
        this.mobile = mobile;
        this.place = place;
        this.chatRate = new RateWindow(limits.chatBurst(), limits.chatWindow().toNanos());
        this.reactionRate = new RateWindow(limits.reactionBurst(), limits.reactionWindow().toNanos());
        this.actionRate = new RateWindow(limits.actionBurst(), limits.actionWindow().toNanos());
    }

    /** Back to the audience: a viewer publishes nothing. */
    void becomeViewer() {
        place = Place.VIEWER;
        microphoneOn = false;
        cameraOn = false;
        screenSharing = false;
    }

    boolean isModerator() {
        return role == Role.MODERATOR;
    }

    boolean onStage() {
        return place == Place.STAGE;
    }

    boolean mayShareScreen() {
        return onStage() && role != Role.ATTENDEE;
    }

    boolean forcedOff(TrackKind kind) {
        return kind == TrackKind.MICROPHONE ? microphoneForcedOff : cameraForcedOff;
    }

    void setForcedOff(TrackKind kind, boolean value) {
        if (kind == TrackKind.MICROPHONE) {
            microphoneForcedOff = value;
        } else {
            cameraForcedOff = value;
        }
    }

    boolean trackOn(TrackKind kind) {
        return switch (kind) {
            case MICROPHONE -> microphoneOn;
            case CAMERA -> cameraOn;
            case SCREEN -> screenSharing;
        };
    }

    void setTrackOn(TrackKind kind, boolean value) {
        switch (kind) {
            case MICROPHONE -> microphoneOn = value;
            case CAMERA -> cameraOn = value;
            case SCREEN -> screenSharing = value;
        }
    }

    /**
     * How long this person has been silent on stage is measured from the later of their last
     * voice activity and their arrival on stage: a newcomer who has not spoken yet is not the
     * first to go.
     */
    long silentSince() {
        return Math.max(onStageSince, lastVoiceAt);
    }

    ParticipantState state() {
        return new ParticipantState(id, name, role, mobile, place, microphoneOn, cameraOn, screenSharing,
                microphoneForcedOff, cameraForcedOff, handRaisedAt, handOrder, stageRequested, invitation != null,
                chatBlocked, connected);
    }

    /** Everything, including what clients never see; for tests that prove a refusal changed nothing. */
    String debugState() {
        return state() + " invitation=" + invitation + " disconnectedAt=" + disconnectedAt + " onStageSince="
                + onStageSince + " lastVoiceAt=" + lastVoiceAt + " chat=" + chatRate + " reactions=" + reactionRate + " actions=" + actionRate;
    }
}
