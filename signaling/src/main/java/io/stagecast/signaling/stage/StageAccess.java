package io.stagecast.signaling.stage;

import io.stagecast.signaling.stage.StageEvent.InvitationAnswered;
import io.stagecast.signaling.stage.StageEvent.InvitationWithdrawn;
import io.stagecast.signaling.stage.StageEvent.MovedToViewer;
import io.stagecast.signaling.stage.StageEvent.PublishPermissionChanged;
import io.stagecast.signaling.stage.StageEvent.RequestClosure;
import io.stagecast.signaling.stage.StageEvent.StageExit;
import io.stagecast.signaling.stage.StageEvent.StageInvitation;
import io.stagecast.signaling.stage.StageEvent.StageRequestClosed;
import io.stagecast.signaling.stage.StageEvent.StageRequestReceived;
import io.stagecast.signaling.stage.StageEvent.WithdrawReason;
import io.stagecast.signaling.token.Role;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Getting on and off the stage: joining directly, requests, invitations, removal, eviction from a
 * full stage, and roles (which decide who may do which). Every move changes one
 * {@link Position}; publish permission follows on the media plane.
 */
final class StageAccess {
    private final Roster roster;
    private final Hands hands;
    private final MediaModeration media;
    private final Backchannel backchannel;

    StageAccess(Roster roster, Hands hands, MediaModeration media, Backchannel backchannel) {
        this.roster = roster;
        this.hands = hands;
        this.media = media;
        this.backchannel = backchannel;
    }

    void joinStage(String actorId, Events out) throws StageRefusal {
        Member m = roster.requireAdmitted(actorId);
        if (m.onStage()) {
            throw StageRefusal.invalidState("already on stage");
        }
        requireMayJoinStageDirectly(m.role);
        placeOnStage(m, evictionsToMakeRoom(), out);
        out.changed(m);
    }

    void leaveStage(String actorId, Events out) throws StageRefusal {
        Member m = roster.requireAdmitted(actorId);
        if (!m.onStage()) {
            throw StageRefusal.invalidState("not on stage");
        }
        if (!m.isModerator()) {
            throw StageRefusal.forbidden("only a moderator can take you off the stage");
        }
        moveToViewer(m, StageExit.REMOVED, m.id, out);
    }

    void removeFromStage(String actorId, String targetId, Events out) throws StageRefusal {
        Member actor = roster.requireModerator(actorId);
        Member target = roster.requireTarget(targetId);
        if (!target.onStage()) {
            throw StageRefusal.invalidState(target.name + " is not on stage");
        }
        moveToViewer(target, StageExit.REMOVED, actor.id, out);
    }

    /** A moderator (or the server) puts a viewer on stage with no invitation to confirm. */
    void bringToStage(String actorId, String targetId, Events out) throws StageRefusal {
        roster.requireModerator(actorId);
        Member target = roster.requireTarget(targetId);
        if (target.onStage()) {
            throw StageRefusal.invalidState(target.name + " is already on stage");
        }
        if (target.mobile) {
            throw StageRefusal.forbidden("mobile clients watch only");
        }
        requireOpenTo(target);
        placeOnStage(target, evictionsToMakeRoom(), out);
        out.changed(target);
    }

    void requestStage(String actorId, Events out) throws StageRefusal {
        Member m = roster.requireAdmitted(actorId);
        if (m.role != Role.ATTENDEE) {
            throw StageRefusal.invalidState("speakers and moderators join the stage directly");
        }
        if (m.onStage()) {
            throw StageRefusal.invalidState("already on stage");
        }
        switch (roster.settings.accessMode()) {
            case OPEN -> throw StageRefusal.invalidState("the stage is open: join it directly");
            case INVITE -> throw StageRefusal.forbidden("the stage is by invitation only");
            case CLOSED -> throw StageRefusal.forbidden("the stage is closed to attendees");
            case REQUEST -> { }
        }
        if (m.requested()) {
            throw StageRefusal.invalidState("your request is already pending");
        }
        if (m.invitation() != null) {
            throw StageRefusal.invalidState("you already have an invitation: accept or decline it");
        }
        m.position = Position.REQUESTED;
        out.changed(m);
        out.moderators(new StageRequestReceived(m.id, m.name));
    }

    void cancelStageRequest(String actorId, Events out) throws StageRefusal {
        Member m = roster.requireAdmitted(actorId);
        if (!m.requested()) {
            throw StageRefusal.invalidState("no pending request");
        }
        m.position = Position.VIEWER;
        out.changed(m);
        out.moderators(new StageRequestClosed(m.id, RequestClosure.CANCELLED, m.id));
    }

    void approveStageRequest(String actorId, String targetId, Events out) throws StageRefusal {
        Member actor = roster.requireModerator(actorId);
        Member target = roster.requireTarget(targetId);
        requirePendingRequest(target);
        out.moderators(new StageRequestClosed(target.id, RequestClosure.APPROVED, actor.id));
        invite(target, actor, true, out);
    }

    void declineStageRequest(String actorId, String targetId, Events out) throws StageRefusal {
        Member actor = roster.requireModerator(actorId);
        Member target = roster.requireTarget(targetId);
        requirePendingRequest(target);
        target.position = Position.VIEWER;
        out.changed(target);
        StageRequestClosed closed = new StageRequestClosed(target.id, RequestClosure.DECLINED, actor.id);
        out.moderators(closed);
        out.to(target.id, closed);
    }

    void inviteToStage(String actorId, String targetId, Events out) throws StageRefusal {
        Member actor = roster.requireModerator(actorId);
        Member target = roster.requireTarget(targetId);
        if (target == actor) {
            throw StageRefusal.badRequest("moderators join the stage directly");
        }
        if (target.onStage()) {
            throw StageRefusal.invalidState(target.name + " is already on stage");
        }
        if (target.invitation() != null) {
            throw StageRefusal.invalidState(target.name + " is already invited");
        }
        requireOpenTo(target);
        boolean viaRequest = target.requested();
        if (viaRequest) {
            out.moderators(new StageRequestClosed(target.id, RequestClosure.APPROVED, actor.id));
        }
        invite(target, actor, viaRequest, out);
    }

    void revokeInvitation(String actorId, String targetId, Events out) throws StageRefusal {
        roster.requireModerator(actorId);
        Member target = roster.requireTarget(targetId);
        if (target.invitation() == null) {
            throw StageRefusal.invalidState(target.name + " has no pending invitation");
        }
        withdrawInvitation(target, WithdrawReason.REVOKED, out);
    }

    void acceptInvitation(String actorId, Events out) throws StageRefusal {
        Member m = roster.requireAdmitted(actorId);
        Position.Invited invitation = m.invitation();
        if (invitation == null) {
            throw StageRefusal.invalidState("no invitation (it was withdrawn, has expired, or was never sent)");
        }
        if (roster.now() >= invitation.expiresAt()) {
            throw StageRefusal.invalidState("the invitation has expired");
        }
        requireOpenTo(m);
        List<Member> evicted = evictionsToMakeRoom();
        m.position = Position.VIEWER;
        placeOnStage(m, evicted, out);
        out.changed(m);
        out.moderators(new InvitationAnswered(m.id, true));
    }

    void declineInvitation(String actorId, Events out) throws StageRefusal {
        Member m = roster.requireAdmitted(actorId);
        if (m.invitation() == null) {
            throw StageRefusal.invalidState("no invitation to decline");
        }
        m.position = Position.VIEWER;
        out.changed(m);
        out.moderators(new InvitationAnswered(m.id, false));
    }

    void setRole(String actorId, String targetId, Role role, Events out) throws StageRefusal {
        roster.requireModerator(actorId);
        if (role == null) {
            throw StageRefusal.badRequest("a role is required");
        }
        Member target = roster.requireTarget(targetId);
        if (target.role == role) {
            throw StageRefusal.invalidState(target.name + " is already " + role.wireName());
        }
        if (target.isModerator() && roster.moderatorCount() == 1) {
            throw StageRefusal.invalidState("the room needs at least one moderator");
        }
        boolean screenBefore = target.mayShareScreen();
        boolean backstageBefore = Roster.backstage(target);
        target.role = role;
        if (target.tracks.on(TrackKind.SCREEN) && !target.mayShareScreen()) {
            target.tracks.set(TrackKind.SCREEN, false);
        }
        if (target.onStage() && screenBefore != target.mayShareScreen()) {
            out.media(new PublishPermissionChanged(target.id, true, target.mayShareScreen()));
        }
        if (role == Role.ATTENDEE && target.invitation() != null && roster.settings.accessMode() == AccessMode.CLOSED) {
            withdrawInvitation(target, WithdrawReason.ROLE_CHANGED, out);
        }
        out.changed(target);
        backchannel.admitIfNew(target, backstageBefore, out);
    }

    /** Leaving {@code request} mode drops every pending request; the requesters are told. */
    void dropRequests(String byId, Events out) {
        for (Member m : roster.all()) {
            if (m.requested()) {
                m.position = Position.VIEWER;
                out.changed(m);
                StageRequestClosed closed = new StageRequestClosed(m.id, RequestClosure.DROPPED, byId);
                out.moderators(closed);
                out.to(m.id, closed);
            }
        }
    }

    /** Entering {@code closed} mode withdraws every attendee's invitation. */
    void withdrawAttendeeInvitations(Events out) {
        for (Member m : roster.all()) {
            if (m.invitation() != null && m.role == Role.ATTENDEE) {
                withdrawInvitation(m, WithdrawReason.MODE_CHANGED, out);
            }
        }
    }

    void expireInvitation(Member m, long now, Events out) {
        Position.Invited invitation = m.invitation();
        if (invitation != null && now >= invitation.expiresAt()) {
            withdrawInvitation(m, WithdrawReason.EXPIRED, out);
        }
    }

    void requireMayJoinStageDirectly(Role role) throws StageRefusal {
        if (role != Role.ATTENDEE) {
            return;
        }
        switch (roster.settings.accessMode()) {
            case OPEN -> { }
            case REQUEST -> throw StageRefusal.forbidden("ask to join the stage");
            case INVITE -> throw StageRefusal.forbidden("the stage is by invitation only");
            case CLOSED -> throw StageRefusal.forbidden("the stage is closed to attendees");
        }
    }

    /**
     * Whom to move off a full stage so one more fits: the non-moderators silent the longest
     * (ties: longest on stage, then id). Refused if only moderators are left to move.
     */
    List<Member> evictionsToMakeRoom() throws StageRefusal {
        int onStage = 0;
        List<Member> candidates = new ArrayList<>();
        for (Member m : roster.all()) {
            if (m.onStage()) {
                onStage++;
                if (!m.isModerator()) {
                    candidates.add(m);
                }
            }
        }
        int excess = onStage + 1 - roster.settings.capacity();
        if (excess <= 0) {
            return List.of();
        }
        if (candidates.size() < excess) {
            throw StageRefusal.capReached(RefusalCode.INVALID_STATE, "stage", "the stage is full");
        }
        candidates.sort(Comparator.comparingLong(Member::silentSince)
                .thenComparingLong(m -> ((Position.OnStage) m.position).since())
                .thenComparing(m -> m.id));
        return List.copyOf(candidates.subList(0, excess));
    }

    /** Puts {@code m} on stage after evicting {@code evicted}; the caller announces {@code m}'s change. */
    void placeOnStage(Member m, List<Member> evicted, Events out) {
        placeOnStage(m, evicted, true, out);
    }

    /** @param catchUp send the backchannel's history if {@code m} may read it only now (not on join: the snapshot has it) */
    void placeOnStage(Member m, List<Member> evicted, boolean catchUp, Events out) {
        for (Member e : evicted) {
            moveToViewer(e, StageExit.EVICTED, m.id, out);
        }
        boolean backstageBefore = Roster.backstage(m);
        Position before = m.position;
        m.position = new Position.OnStage(roster.now());
        m.tracks.set(TrackKind.MICROPHONE, false);
        m.tracks.set(TrackKind.CAMERA, false);
        hands.lower(m);
        if (before instanceof Position.Requested) {
            out.moderators(new StageRequestClosed(m.id, RequestClosure.CANCELLED, m.id));
        } else if (before instanceof Position.Invited) {
            out.moderators(new InvitationAnswered(m.id, true));
        }
        out.media(new PublishPermissionChanged(m.id, true, m.mayShareScreen()));
        if (catchUp) {
            backchannel.admitIfNew(m, backstageBefore, out);
        }
    }

    void moveToViewer(Member m, StageExit reason, String byId, Events out) {
        m.becomeViewer();
        out.media(new PublishPermissionChanged(m.id, false, false));
        out.changed(m);
        out.to(m.id, new MovedToViewer(m.id, reason, byId));
        media.clearSpotlightOf(m, out);
    }

    private void invite(Member target, Member by, boolean viaRequest, Events out) {
        target.position = new Position.Invited(by.id, viaRequest, roster.now() + roster.limits.invitationTtl().toNanos());
        out.changed(target);
        out.to(target.id, new StageInvitation(target.id, by.id, viaRequest, roster.limits.invitationTtl().toMillis()));
    }

    private void withdrawInvitation(Member m, WithdrawReason reason, Events out) {
        m.position = Position.VIEWER;
        out.changed(m);
        InvitationWithdrawn withdrawn = new InvitationWithdrawn(m.id, reason);
        out.to(m.id, withdrawn);
        out.moderators(withdrawn);
    }

    private void requireOpenTo(Member target) throws StageRefusal {
        if (roster.settings.accessMode() == AccessMode.CLOSED && target.role == Role.ATTENDEE) {
            throw StageRefusal.invalidState("the stage is closed to attendees");
        }
    }

    private static void requirePendingRequest(Member target) throws StageRefusal {
        if (!target.requested()) {
            throw StageRefusal.invalidState(target.name + " has no pending request (cancelled or already answered)");
        }
    }
}
