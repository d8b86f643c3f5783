package io.stagecast.signaling.stage;

import io.stagecast.signaling.stage.StageEvent.Admitted;
import io.stagecast.signaling.stage.StageEvent.InvitationAnswered;
import io.stagecast.signaling.stage.StageEvent.LobbyChanged;
import io.stagecast.signaling.stage.StageEvent.ParticipantAdded;
import io.stagecast.signaling.stage.StageEvent.ParticipantRemoved;
import io.stagecast.signaling.stage.StageEvent.PublishPermissionChanged;
import io.stagecast.signaling.stage.StageEvent.RemovalReason;
import io.stagecast.signaling.stage.StageEvent.RequestClosure;
import io.stagecast.signaling.stage.StageEvent.SessionEnded;
import io.stagecast.signaling.stage.StageEvent.SessionStarted;
import io.stagecast.signaling.stage.StageEvent.SettingsChanged;
import io.stagecast.signaling.stage.StageEvent.StageRequestClosed;
import io.stagecast.signaling.token.Role;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The session and the people in it: joining (to the lobby before the start), leaving, being
 * removed, dropped connections and their grace period, start, end, and the settings.
 */
final class SessionRules {
    private final Roster roster;
    private final StageAccess access;
    private final MediaModeration media;
    private final Function<Member, RoomSnapshot> snapshots;

    SessionRules(Roster roster, StageAccess access, MediaModeration media, Function<Member, RoomSnapshot> snapshots) {
        this.roster = roster;
        this.access = access;
        this.media = media;
        this.snapshots = snapshots;
    }

    void join(String participantId, String name, Role role, boolean mobile, boolean wantsStage, Events out)
            throws StageRefusal {
        if (participantId == null || participantId.isEmpty()) {
            throw StageRefusal.badRequest("a participant id is required");
        }
        if (participantId.equals(StageRoom.SERVER)) {
            throw StageRefusal.badRequest(StageRoom.SERVER + " is reserved for the server");
        }
        DisplayName.Result checked = DisplayName.check(name, roster.limits.nameMaxChars());
        if (checked instanceof DisplayName.Invalid invalid) {
            throw new StageRefusal(RefusalCode.INVALID_NAME, invalid.message());
        }
        String displayName = ((DisplayName.Valid) checked).name();
        if (role == null) {
            throw StageRefusal.badRequest("a role is required");
        }
        if (roster.session == SessionState.ENDED) {
            throw StageRefusal.invalidState("the session has ended");
        }
        if (roster.contains(participantId)) {
            throw StageRefusal.invalidState("already in the room; reconnect instead");
        }
        int max = roster.limits.maxParticipants();
        if (roster.size() >= (role == Role.MODERATOR ? max + StageLimits.MODERATOR_HEADROOM : max)) {
            throw StageRefusal.capReached(RefusalCode.ROOM_FULL, "participants",
                    "the room is full: it holds " + max + " participants");
        }
        // Moderators may always come in: a locked room must not lock out the people running it.
        if (roster.settings.locked() && role != Role.MODERATOR) {
            throw StageRefusal.forbidden("the room is locked");
        }
        boolean toLobby = roster.session == SessionState.LOBBY && role == Role.ATTENDEE;
        List<Member> evicted = List.of();
        if (wantsStage) {
            if (mobile) {
                throw StageRefusal.forbidden("mobile clients join as viewers");
            }
            if (toLobby) {
                throw StageRefusal.invalidState("the session has not started: join as a viewer and wait");
            }
            access.requireMayJoinStageDirectly(role);
            evicted = access.evictionsToMakeRoom();
        }

        Member m = new Member(participantId, displayName, role, mobile, toLobby ? Position.LOBBY : Position.VIEWER,
                roster.limits);
        roster.add(m);
        if (toLobby) {
            out.moderators(new LobbyChanged(roster.lobbySize()));
            return;
        }
        if (wantsStage) {
            access.placeOnStage(m, evicted, false, out);
        }
        out.everyone(new ParticipantAdded(m.state()));
    }

    void leave(String participantId, Events out) throws StageRefusal {
        removeMember(roster.requireMember(participantId), RemovalReason.LEFT, out);
    }

    /** A moderator (or the server) removes someone from the room; their connection is closed. */
    void remove(String actorId, String targetId, Events out) throws StageRefusal {
        Member actor = roster.requireModerator(actorId);
        Member target = roster.get(targetId);
        if (target == null) {
            throw StageRefusal.notFound("no participant " + targetId);
        }
        if (target == actor) {
            throw StageRefusal.badRequest("leave the room instead");
        }
        if (target.isModerator() && roster.moderatorCount() == 1) {
            throw StageRefusal.invalidState("the room needs at least one moderator");
        }
        removeMember(target, RemovalReason.REMOVED, out);
    }

    void disconnect(String participantId, Events out) throws StageRefusal {
        Member m = roster.requireMember(participantId);
        if (!m.connected) {
            throw StageRefusal.invalidState("already disconnected");
        }
        m.connected = false;
        m.disconnectedAt = roster.now();
        if (!m.inLobby()) {
            out.changed(m);
        }
    }

    void reconnect(String participantId, Events out) throws StageRefusal {
        Member m = roster.get(participantId);
        if (m == null) {
            throw StageRefusal.notFound("not in the room (any more): join again");
        }
        if (roster.session == SessionState.ENDED) {
            throw StageRefusal.invalidState("the session has ended");
        }
        if (m.connected) {
            return;
        }
        m.connected = true;
        if (!m.inLobby()) {
            out.changed(m);
        }
    }

    /** Removes those disconnected past the grace period and withdraws expired invitations. */
    void tick(Events out) {
        long now = roster.now();
        for (Member m : roster.snapshotOfAll()) {
            if (!m.connected && now - m.disconnectedAt >= roster.limits.reconnectGrace().toNanos()) {
                removeMember(m, RemovalReason.TIMED_OUT, out);
            } else {
                access.expireInvitation(m, now, out);
            }
        }
    }

    void start(String actorId, Events out) throws StageRefusal {
        Member actor = roster.requireModerator(actorId);
        if (roster.session != SessionState.LOBBY) {
            throw StageRefusal.invalidState("the session has already started");
        }
        roster.session = SessionState.LIVE;
        out.everyone(new SessionStarted(actor.id));
        List<Member> admitted = new ArrayList<>();
        for (Member m : roster.all()) {
            if (m.inLobby()) {
                m.position = Position.VIEWER;
                admitted.add(m);
                out.everyone(new ParticipantAdded(m.state()));
            }
        }
        for (Member m : admitted) {
            out.to(m.id, new Admitted(snapshots.apply(m)));
        }
        if (!admitted.isEmpty()) {
            out.moderators(new LobbyChanged(0));
        }
    }

    void end(String actorId, Events out) throws StageRefusal {
        Member actor = roster.requireModerator(actorId);
        roster.session = SessionState.ENDED;
        for (Member m : roster.all()) {
            if (m.onStage()) {
                m.becomeViewer();
                out.media(new PublishPermissionChanged(m.id, false, false));
            }
        }
        SessionEnded ended = new SessionEnded(actor.id);
        out.everyone(ended);
        for (Member m : roster.all()) {
            if (m.inLobby()) {
                out.to(m.id, ended);
            }
        }
    }

    void changeSettings(String actorId, SettingsChange change, Events out) throws StageRefusal {
        Member actor = roster.requireModerator(actorId);
        if (change == null || change.isEmpty()) {
            throw StageRefusal.badRequest("nothing to change");
        }
        if (change.capacity() != null && (change.capacity() < 1 || change.capacity() > StageSettings.MAX_CAPACITY)) {
            throw StageRefusal.badRequest("capacity must be 1.." + StageSettings.MAX_CAPACITY);
        }
        if (change.lastN() != null && (change.lastN() < 1 || change.lastN() > StageSettings.MAX_LAST_N)) {
            throw StageRefusal.badRequest("lastN must be 1.." + StageSettings.MAX_LAST_N);
        }
        StageSettings next = roster.settings.with(change);
        if (next.equals(roster.settings)) {
            return;
        }
        StageSettings before = roster.settings;
        roster.settings = next;
        out.everyone(new SettingsChanged(next));
        if (before.accessMode() == AccessMode.REQUEST && next.accessMode() != AccessMode.REQUEST) {
            access.dropRequests(actor.id, out);
        }
        if (before.accessMode() != AccessMode.CLOSED && next.accessMode() == AccessMode.CLOSED) {
            access.withdrawAttendeeInvitations(out);
        }
    }

    private void removeMember(Member m, RemovalReason reason, Events out) {
        roster.remove(m);
        if (m.inLobby()) {
            out.moderators(new LobbyChanged(roster.lobbySize()));
            return;
        }
        if (m.onStage()) {
            out.media(new PublishPermissionChanged(m.id, false, false));
        }
        media.clearSpotlightOf(m, out);
        if (m.requested()) {
            out.moderators(new StageRequestClosed(m.id, RequestClosure.DROPPED, m.id));
        }
        if (m.invitation() != null) {
            out.moderators(new InvitationAnswered(m.id, false));
        }
        out.everyone(new ParticipantRemoved(m.id, reason));
    }
}
