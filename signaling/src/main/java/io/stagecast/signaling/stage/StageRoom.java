package io.stagecast.signaling.stage;

import io.stagecast.signaling.stage.StageEvent.*;
import io.stagecast.signaling.token.Role;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The rules of one room's stage: who is in the room, who is on stage and how they got there,
 * moderation, hands, chat, reactions and polls. A plain state machine with no networking and no
 * media: every action takes the acting participant's id and returns an {@link Outcome}, either
 * refused with a stable code (and then nothing changed) or done with the events to deliver,
 * including the media-plane side effects ({@link Audience#MEDIA_PLANE}).
 *
 * <p>Each action checks everything first and changes state only after nothing can be refused any
 * more, so a refusal is always a no-op.
 *
 * <p><b>Not thread-safe, by design:</b> a room is confined. The caller holds the room's lock (or
 * runs on the room's single thread) around every call, including {@link #tick()},
 * {@link #reportVoiceActivity} and the queries, and delivers the returned events before
 * releasing it if clients must see them in order.
 *
 * <p>Times: rules (rate limits, invitation expiry, reconnect grace, silence) use the injected
 * monotonic nano clock; times shown to people (chat, raised hands) use the wall clock.
 */
public final class StageRoom {

    private final String roomId;
    private final StageLimits limits;
    private final Clock wallClock;
    private final LongSupplier nanoTime;
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final ChatLog chat;
    private final Map<String, Poll> polls = new LinkedHashMap<>();
    private StageSettings settings;
    private SessionState session = SessionState.LOBBY;
    private String spotlightId;
    private long nextHandOrder = 1;
    private long nextPollId = 1;

    /** A room with default settings and limits on the system clocks. */
    public StageRoom(String roomId) {
        this(roomId, StageSettings.DEFAULTS, StageLimits.DEFAULTS, Clock.systemUTC(), System::nanoTime);
    }

    /**
     * @param nanoTime monotonic nanoseconds; {@link #reportVoiceActivity} times must come from the same clock
     */
    public StageRoom(String roomId, StageSettings settings, StageLimits limits, Clock wallClock, LongSupplier nanoTime) {
        this.roomId = roomId;
        this.settings = settings;
        this.limits = limits;
        this.wallClock = wallClock;
        this.nanoTime = nanoTime;
        this.chat = new ChatLog(limits.chatHistory());
    }

    // =====================================================================================
    // Joining, leaving, the session
    // =====================================================================================

    /**
     * A participant enters the room (after its token was verified). Attendees who arrive before a
     * moderator started the session wait in the lobby ({@link Place#LOBBY}) and are admitted on
     * start; moderators and speakers enter at once. {@code wantsStage} joins the stage directly,
     * which only moderators, speakers and (in {@link AccessMode#OPEN}) attendees of a live session
     * may do; mobile clients always join as viewers. In a locked room only moderators may join.
     * On success reply with {@link #snapshot(String)}.
     */
    public Outcome join(String participantId, String name, Role role, boolean mobile, boolean wantsStage) {
        return act(out -> {
            if (participantId == null || participantId.isEmpty()) {
                throw StageRefusal.badRequest("a participant id is required");
            }
            DisplayName.Result checked = DisplayName.check(name, limits.nameMaxChars());
            if (checked instanceof DisplayName.Invalid invalid) {
                throw new StageRefusal(RefusalCode.INVALID_NAME, invalid.message());
            }
            String displayName = ((DisplayName.Valid) checked).name();
            if (role == null) {
                throw StageRefusal.badRequest("a role is required");
            }
            if (session == SessionState.ENDED) {
                throw StageRefusal.invalidState("the session has ended");
            }
            if (members.containsKey(participantId)) {
                throw StageRefusal.invalidState("already in the room; reconnect instead");
            }
            // Moderators may always come in: a locked room must not lock out the people running it.
            if (settings.locked() && role != Role.MODERATOR) {
                throw StageRefusal.forbidden("the room is locked");
            }
            boolean toLobby = session == SessionState.LOBBY && role == Role.ATTENDEE;
            List<Member> evicted = List.of();
            if (wantsStage) {
                if (mobile) {
                    throw StageRefusal.forbidden("mobile clients join as viewers");
                }
                if (toLobby) {
                    throw StageRefusal.invalidState("the session has not started: join as a viewer and wait");
                }
                requireMayJoinStageDirectly(role);
                evicted = evictionsToMakeRoom();
            }

            Member m = new Member(participantId, displayName, role, mobile, toLobby ? Place.LOBBY : Place.VIEWER, limits);
            members.put(participantId, m);
            if (toLobby) {
                out.moderators(new LobbyChanged(lobbySize()));
                return;
            }
            if (wantsStage) {
                placeOnStage(m, evicted, out);
            }
            out.everyone(new ParticipantAdded(m.state()));
        });
    }

    /** A participant leaves the room for good (not a dropped connection: see {@link #disconnect}). */
    public Outcome leave(String participantId) {
        return act(out -> {
            Member m = requireMember(participantId);
            removeMember(m, RemovalReason.LEFT, out);
        });
    }

    /**
     * The participant's connection dropped. They keep everything (role, stage place, pending
     * request) for {@link StageLimits#reconnectGrace()}; {@link #tick()} removes them afterwards.
     */
    public Outcome disconnect(String participantId) {
        return act(out -> {
            Member m = requireMember(participantId);
            if (!m.connected) {
                throw StageRefusal.invalidState("already disconnected");
            }
            m.connected = false;
            m.disconnectedAt = now();
            if (m.place != Place.LOBBY) {
                out.changed(m);
            }
        });
    }

    /**
     * The participant is back (same identity, new connection) within the grace period; also
     * accepted while still connected (a reload replacing the old connection). {@code not_found}
     * means the grace period is over: join again. On success send {@link #snapshot(String)}.
     */
    public Outcome reconnect(String participantId) {
        return act(out -> {
            Member m = members.get(participantId);
            if (m == null) {
                throw StageRefusal.notFound("not in the room (any more): join again");
            }
            if (session == SessionState.ENDED) {
                throw StageRefusal.invalidState("the session has ended");
            }
            if (m.connected) {
                return;
            }
            m.connected = true;
            if (m.place != Place.LOBBY) {
                out.changed(m);
            }
        });
    }

    /**
     * Applies the timers: removes participants disconnected for longer than the grace period and
     * withdraws expired invitations. Call it periodically (e.g. every second) under the room lock.
     */
    public List<Delivery> tick() {
        Events out = new Events();
        long now = now();
        for (Member m : new ArrayList<>(members.values())) {
            if (!m.connected && now - m.disconnectedAt >= limits.reconnectGrace().toNanos()) {
                removeMember(m, RemovalReason.TIMED_OUT, out);
            } else if (m.invitation != null && now >= m.invitation.expiresAt()) {
                withdrawInvitation(m, WithdrawReason.EXPIRED, out);
            }
        }
        return out.list();
    }

    /** A moderator starts the session: everyone waiting in the lobby is admitted as a viewer. */
    public Outcome start(String actorId) {
        return act(out -> {
            Member actor = requireModerator(actorId);
            if (session != SessionState.LOBBY) {
                throw StageRefusal.invalidState("the session has already started");
            }
            session = SessionState.LIVE;
            out.everyone(new SessionStarted(actor.id));
            List<Member> admitted = new ArrayList<>();
            for (Member m : members.values()) {
                if (m.place == Place.LOBBY) {
                    m.place = Place.VIEWER;
                    admitted.add(m);
                    out.everyone(new ParticipantAdded(m.state()));
                }
            }
            for (Member m : admitted) {
                out.to(m.id, new Admitted(snapshot(m.id)));
            }
            if (!admitted.isEmpty()) {
                out.moderators(new LobbyChanged(0));
            }
        });
    }

    /**
     * A moderator ends the session for everyone: all publishing is revoked and every later action
     * is refused with {@code invalid_state}; the caller closes the connections.
     */
    public Outcome end(String actorId) {
        return act(out -> {
            Member actor = requireModerator(actorId);
            session = SessionState.ENDED;
            for (Member m : members.values()) {
                if (m.onStage()) {
                    m.becomeViewer();
                    out.media(new PublishPermissionChanged(m.id, false, false));
                }
            }
            SessionEnded ended = new SessionEnded(actor.id);
            out.everyone(ended);
            for (Member m : members.values()) {
                if (m.place == Place.LOBBY) {
                    out.to(m.id, ended);
                }
            }
        });
    }

    /**
     * A moderator changes settings ({@code null} fields stay). Leaving {@code request} mode drops
     * every pending request (requesters told); entering {@code closed} withdraws every attendee's
     * invitation. Attendees already on stage stay there; a lower capacity evicts nobody at once.
     * A change to the current values succeeds with no events.
     */
    public Outcome changeSettings(String actorId, SettingsChange change) {
        return actLimited(actorId, out -> {
            Member actor = requireModerator(actorId);
            if (change == null || change.isEmpty()) {
                throw StageRefusal.badRequest("nothing to change");
            }
            if (change.capacity() != null && (change.capacity() < 1 || change.capacity() > StageSettings.MAX_CAPACITY)) {
                throw StageRefusal.badRequest("capacity must be 1.." + StageSettings.MAX_CAPACITY);
            }
            if (change.lastN() != null && (change.lastN() < 1 || change.lastN() > StageSettings.MAX_LAST_N)) {
                throw StageRefusal.badRequest("lastN must be 1.." + StageSettings.MAX_LAST_N);
            }
            StageSettings next = settings.with(change);
            if (next.equals(settings)) {
                return;
            }
            StageSettings before = settings;
            settings = next;
            out.everyone(new SettingsChanged(next));
            if (before.accessMode() == AccessMode.REQUEST && next.accessMode() != AccessMode.REQUEST) {
                for (Member m : members.values()) {
                    if (m.stageRequested) {
                        m.stageRequested = false;
                        out.changed(m);
                        StageRequestClosed closed = new StageRequestClosed(m.id, RequestClosure.DROPPED, actor.id);
                        out.moderators(closed);
                        out.to(m.id, closed);
                    }
                }
            }
            if (before.accessMode() != AccessMode.CLOSED && next.accessMode() == AccessMode.CLOSED) {
                for (Member m : members.values()) {
                    if (m.invitation != null && m.role == Role.ATTENDEE) {
                        withdrawInvitation(m, WithdrawReason.MODE_CHANGED, out);
                    }
                }
            }
        });
    }

    // =====================================================================================
    // Getting on and off the stage
    // =====================================================================================

    /**
     * Go on stage directly: moderators and speakers in any mode, attendees only in
     * {@link AccessMode#OPEN}. At capacity, the longest-silent non-moderator is evicted.
     */
    public Outcome joinStage(String actorId) {
        return actLimited(actorId, out -> {
            Member m = requireAdmitted(actorId);
            if (m.onStage()) {
                throw StageRefusal.invalidState("already on stage");
            }
            requireMayJoinStageDirectly(m.role);
            List<Member> evicted = evictionsToMakeRoom();
            placeOnStage(m, evicted, out);
            out.changed(m);
        });
    }

    /**
     * Leaving the stage on one's own is refused for speakers and attendees (a moderator removes
     * them); a moderator may step down.
     */
    public Outcome leaveStage(String actorId) {
        return actLimited(actorId, out -> {
            Member m = requireAdmitted(actorId);
            if (!m.onStage()) {
                throw StageRefusal.invalidState("not on stage");
            }
            if (!m.isModerator()) {
                throw StageRefusal.forbidden("only a moderator can take you off the stage");
            }
            moveToViewer(m, StageExit.REMOVED, m.id, out);
        });
    }

    /** A moderator moves someone from the stage back to the viewers; publishing is revoked at once. */
    public Outcome removeFromStage(String actorId, String targetId) {
        return actLimited(actorId, out -> {
            Member actor = requireModerator(actorId);
            Member target = requireTarget(targetId);
            if (!target.onStage()) {
                throw StageRefusal.invalidState(target.name + " is not on stage");
            }
            moveToViewer(target, StageExit.REMOVED, actor.id, out);
        });
    }

    /**
     * An attendee asks to join the stage ({@link AccessMode#REQUEST} only). A second request while
     * one is pending is refused ({@code invalid_state}); after a decline one may ask again.
     */
    public Outcome requestStage(String actorId) {
        return actLimited(actorId, out -> {
            Member m = requireAdmitted(actorId);
            if (m.role != Role.ATTENDEE) {
                throw StageRefusal.invalidState("speakers and moderators join the stage directly");
            }
            if (m.onStage()) {
                throw StageRefusal.invalidState("already on stage");
            }
            switch (settings.accessMode()) {
                case OPEN -> throw StageRefusal.invalidState("the stage is open: join it directly");
                case INVITE -> throw StageRefusal.forbidden("the stage is by invitation only");
                case CLOSED -> throw StageRefusal.forbidden("the stage is closed to attendees");
                case REQUEST -> { }
            }
            if (m.stageRequested) {
                throw StageRefusal.invalidState("your request is already pending");
            }
            if (m.invitation != null) {
                throw StageRefusal.invalidState("you already have an invitation: accept or decline it");
            }
            m.stageRequested = true;
            out.changed(m);
            out.moderators(new StageRequestReceived(m.id, m.name));
        });
    }

    /** The requester withdraws a pending request. */
    public Outcome cancelStageRequest(String actorId) {
        return actLimited(actorId, out -> {
            Member m = requireAdmitted(actorId);
            if (!m.stageRequested) {
                throw StageRefusal.invalidState("no pending request");
            }
            m.stageRequested = false;
            out.changed(m);
            out.moderators(new StageRequestClosed(m.id, RequestClosure.CANCELLED, m.id));
        });
    }

    /**
     * A moderator approves a pending request: the requester gets an invitation to confirm
     * ({@link #acceptInvitation}). Approving a request that was cancelled or already answered
     * (e.g. by another moderator a moment earlier) is refused with {@code invalid_state}: the
     * first answer wins.
     */
    public Outcome approveStageRequest(String actorId, String targetId) {
        return actLimited(actorId, out -> {
            Member actor = requireModerator(actorId);
            Member target = requireTarget(targetId);
            requirePendingRequest(target);
            target.stageRequested = false;
            out.moderators(new StageRequestClosed(target.id, RequestClosure.APPROVED, actor.id));
            invite(target, actor, true, out);
        });
    }

    /** A moderator declines a pending request; the requester is told and may ask again. First answer wins. */
    public Outcome declineStageRequest(String actorId, String targetId) {
        return actLimited(actorId, out -> {
            Member actor = requireModerator(actorId);
            Member target = requireTarget(targetId);
            requirePendingRequest(target);
            target.stageRequested = false;
            out.changed(target);
            StageRequestClosed closed = new StageRequestClosed(target.id, RequestClosure.DECLINED, actor.id);
            out.moderators(closed);
            out.to(target.id, closed);
        });
    }

    /**
     * A moderator invites a viewer to the stage (every mode but {@link AccessMode#CLOSED} for
     * attendees). Inviting someone whose request is pending answers that request too.
     */
    public Outcome inviteToStage(String actorId, String targetId) {
        return actLimited(actorId, out -> {
            Member actor = requireModerator(actorId);
            Member target = requireTarget(targetId);
            if (target == actor) {
                throw StageRefusal.badRequest("moderators join the stage directly");
            }
            if (target.onStage()) {
                throw StageRefusal.invalidState(target.name + " is already on stage");
            }
            if (target.invitation != null) {
                throw StageRefusal.invalidState(target.name + " is already invited");
            }
            if (settings.accessMode() == AccessMode.CLOSED && target.role == Role.ATTENDEE) {
                throw StageRefusal.invalidState("the stage is closed to attendees");
            }
            boolean viaRequest = target.stageRequested;
            if (viaRequest) {
                target.stageRequested = false;
                out.moderators(new StageRequestClosed(target.id, RequestClosure.APPROVED, actor.id));
            }
            invite(target, actor, viaRequest, out);
        });
    }

    /** A moderator withdraws an invitation that was not answered yet. */
    public Outcome revokeInvitation(String actorId, String targetId) {
        return actLimited(actorId, out -> {
            requireModerator(actorId);
            Member target = requireTarget(targetId);
            if (target.invitation == null) {
                throw StageRefusal.invalidState(target.name + " has no pending invitation");
            }
            withdrawInvitation(target, WithdrawReason.REVOKED, out);
        });
    }

    /**
     * The invitee accepts and goes on stage (evicting the longest-silent non-moderator if full).
     * An invitation that was withdrawn, or has expired even if {@link #tick()} has not run yet,
     * is refused with {@code invalid_state}.
     */
    public Outcome acceptInvitation(String actorId) {
        return actLimited(actorId, out -> {
            Member m = requireAdmitted(actorId);
            if (m.invitation == null) {
                throw StageRefusal.invalidState("no invitation (it was withdrawn, has expired, or was never sent)");
            }
            if (now() >= m.invitation.expiresAt()) {
                throw StageRefusal.invalidState("the invitation has expired");
            }
            if (settings.accessMode() == AccessMode.CLOSED && m.role == Role.ATTENDEE) {
                throw StageRefusal.invalidState("the stage is closed to attendees");
            }
            List<Member> evicted = evictionsToMakeRoom();
            m.invitation = null;
            placeOnStage(m, evicted, out);
            out.changed(m);
            out.moderators(new InvitationAnswered(m.id, true));
        });
    }

    /** The invitee declines; moderators are told. */
    public Outcome declineInvitation(String actorId) {
        return actLimited(actorId, out -> {
            Member m = requireAdmitted(actorId);
            if (m.invitation == null) {
                throw StageRefusal.invalidState("no invitation to decline");
            }
            m.invitation = null;
            out.changed(m);
            out.moderators(new InvitationAnswered(m.id, false));
        });
    }

    // =====================================================================================
    // Own media and moderation of media
    // =====================================================================================

    /** Turn one's own microphone on or off (on stage only). Setting the current state is a no-op. */
    public Outcome setMicrophone(String actorId, boolean on) {
        return setOwnTrack(actorId, TrackKind.MICROPHONE, on);
    }

    /** Turn one's own camera on or off (on stage only). Setting the current state is a no-op. */
    public Outcome setCamera(String actorId, boolean on) {
        return setOwnTrack(actorId, TrackKind.CAMERA, on);
    }

    /**
     * Start or stop sharing the screen: moderators and speakers on stage only, one share in the
     * room at a time (a second one is refused with {@code invalid_state}).
     */
    public Outcome setScreenShare(String actorId, boolean on) {
        return setOwnTrack(actorId, TrackKind.SCREEN, on);
    }

    private Outcome setOwnTrack(String actorId, TrackKind kind, boolean on) {
        return actLimited(actorId, out -> {
            Member m = requireAdmitted(actorId);
            if (m.trackOn(kind) == on) {
                return;
            }
            if (on) {
                if (kind == TrackKind.SCREEN && m.role == Role.ATTENDEE) {
                    throw StageRefusal.forbidden("attendees may not share their screen");
                }
                if (!m.onStage()) {
                    throw StageRefusal.invalidState("only people on stage publish");
                }
                if (kind == TrackKind.SCREEN) {
                    for (Member other : members.values()) {
                        if (other.screenSharing) {
                            throw StageRefusal.invalidState(other.name + " is already sharing a screen");
                        }
                    }
                } else if (m.forcedOff(kind) && settings.strongMute()) {
                    throw StageRefusal.forbidden("a moderator turned this off; wait until a moderator allows it");
                }
            }
            if (on && kind != TrackKind.SCREEN && m.forcedOff(kind)) {
                // Without strong mute, turning it back on yourself ends the forced mute.
                m.setForcedOff(kind, false);
                out.media(new TrackForcedMute(m.id, kind, false));
            }
            m.setTrackOn(kind, on);
            out.changed(m);
        });
    }

    /**
     * A moderator turns someone's microphone or camera off ({@link TrackKind#SCREEN} is a
     * {@code bad_request}; remove the person from stage instead). The media plane stops forwarding
     * that track. Never turns anything on. With strong mute the person cannot turn it back on
     * until a moderator {@link #allowTrack allows} it.
     */
    public Outcome forceOff(String actorId, String targetId, TrackKind kind) {
        return actLimited(actorId, out -> {
            Member actor = requireModerator(actorId);
            requireMicOrCamera(kind);
            Member target = requireTarget(targetId);
            if (target == actor) {
                throw StageRefusal.badRequest("use your own controls");
            }
            if (!target.onStage()) {
                throw StageRefusal.invalidState(target.name + " is not on stage");
            }
            if (target.forcedOff(kind)) {
                throw StageRefusal.invalidState("already turned off by a moderator");
            }
            applyForcedOff(target, kind, actor, out);
        });
    }

    /**
     * The moderator's "everyone": every non-moderator on stage who is not already forced off.
     * Succeeds with no events when there is nobody to mute.
     */
    public Outcome forceOffAll(String actorId, TrackKind kind) {
        return actLimited(actorId, out -> {
            Member actor = requireModerator(actorId);
            requireMicOrCamera(kind);
            for (Member m : members.values()) {
                if (m.onStage() && !m.isModerator() && !m.forcedOff(kind)) {
                    applyForcedOff(m, kind, actor, out);
                }
            }
        });
    }

    /** A moderator lifts a forced mute; the person then turns the track on themselves. */
    public Outcome allowTrack(String actorId, String targetId, TrackKind kind) {
        return actLimited(actorId, out -> {
            requireModerator(actorId);
            requireMicOrCamera(kind);
            Member target = requireTarget(targetId);
            if (!target.forcedOff(kind)) {
                throw StageRefusal.invalidState(target.name + "'s " + kind.name().toLowerCase(Locale.ROOT) + " is not forced off");
            }
            target.setForcedOff(kind, false);
            out.media(new TrackForcedMute(target.id, kind, false));
            out.changed(target);
        });
    }

    /** A moderator spotlights someone on stage for everyone, or clears the spotlight with {@code null}. */
    public Outcome spotlight(String actorId, String targetIdOrNull) {
        return actLimited(actorId, out -> {
            requireModerator(actorId);
            if (targetIdOrNull != null) {
                Member target = requireTarget(targetIdOrNull);
                if (!target.onStage()) {
                    throw StageRefusal.invalidState(target.name + " is not on stage");
                }
            }
            if (Objects.equals(spotlightId, targetIdOrNull)) {
                return;
            }
            spotlightId = targetIdOrNull;
            out.everyone(new SpotlightChanged(spotlightId));
        });
    }

    /**
     * A moderator changes someone's role. Refused ({@code invalid_state}) if it would leave the
     * room without a moderator. The stage place is kept; a demoted speaker's screen share stops,
     * and in {@code closed} mode a demoted invitee loses the invitation.
     */
    public Outcome setRole(String actorId, String targetId, Role role) {
        return actLimited(actorId, out -> {
            requireModerator(actorId);
            if (role == null) {
                throw StageRefusal.badRequest("a role is required");
            }
            Member target = requireTarget(targetId);
            if (target.role == role) {
                throw StageRefusal.invalidState(target.name + " is already " + role.wireName());
            }
            if (target.isModerator() && moderatorCount() == 1) {
                throw StageRefusal.invalidState("the room needs at least one moderator");
            }
            boolean screenBefore = target.mayShareScreen();
            target.role = role;
            if (target.screenSharing && !target.mayShareScreen()) {
                target.screenSharing = false;
            }
            if (target.onStage() && screenBefore != target.mayShareScreen()) {
                out.media(new PublishPermissionChanged(target.id, true, target.mayShareScreen()));
            }
            if (role == Role.ATTENDEE && target.invitation != null && settings.accessMode() == AccessMode.CLOSED) {
                withdrawInvitation(target, WithdrawReason.ROLE_CHANGED, out);
            }
            out.changed(target);
        });
    }

    // =====================================================================================
    // Hands
    // =====================================================================================

    /** Raise one's hand (joins the end of the queue); raising a raised hand is a no-op. */
    public Outcome raiseHand(String actorId) {
        return actLimited(actorId, out -> {
            Member m = requireAdmitted(actorId);
            if (m.handRaisedAt != null) {
                return;
            }
            m.handRaisedAt = wallClock.instant();
            m.handOrder = nextHandOrder++;
            out.changed(m);
        });
    }

    /** Lower one's own hand, or (moderators) anyone's. Lowering a lowered hand is a no-op. */
    public Outcome lowerHand(String actorId, String targetId) {
        return actLimited(actorId, out -> {
            Member actor = requireAdmitted(actorId);
            Member target = requireTarget(targetId);
            if (target != actor && !actor.isModerator()) {
                throw StageRefusal.forbidden("only moderators lower other people's hands");
            }
            if (target.handRaisedAt == null) {
                return;
            }
            lowerHand(target);
            out.changed(target);
        });
    }

    /** A moderator lowers every raised hand (one event for all). */
    public Outcome lowerAllHands(String actorId) {
        return actLimited(actorId, out -> {
            Member actor = requireModerator(actorId);
            boolean any = false;
            for (Member m : members.values()) {
                if (m.handRaisedAt != null) {
                    lowerHand(m);
                    any = true;
                }
            }
            if (any) {
                out.everyone(new AllHandsLowered(actor.id));
            }
        });
    }

    // =====================================================================================
    // Chat and reactions
    // =====================================================================================

    /**
     * Post a chat message, optionally replying to one still in the history. Moderators may chat
     * while chat is off; blocked participants may not chat at all.
     */
    public Outcome sendChat(String actorId, String text, String replyToOrNull) {
        return act(out -> {
            Member m = requireChatter(actorId);
            if (text == null || text.isBlank()) {
                throw StageRefusal.badRequest("empty message");
            }
            if (text.codePointCount(0, text.length()) > limits.chatMaxChars()) {
                throw StageRefusal.badRequest("messages are at most " + limits.chatMaxChars() + " characters");
            }
            if (replyToOrNull != null && !chat.contains(replyToOrNull)) {
                throw StageRefusal.notFound("no message " + replyToOrNull + " to reply to");
            }
            long now = now();
            if (!m.chatRate.allows(now)) {
                throw StageRefusal.rateLimited("at most " + limits.chatBurst() + " messages per "
                        + limits.chatWindow().toSeconds() + " s");
            }
            m.chatRate.record(now);
            ChatLog.Posted posted = chat.post(m.id, m.name, text, wallClock.instant(), replyToOrNull);
            out.everyone(new ChatPosted(posted.message()));
            if (posted.unpinned()) {
                out.everyone(new ChatPinned(null));
            }
        });
    }

    /** Like or unlike a message, once per participant; repeating the same is {@code invalid_state}. */
    public Outcome likeChat(String actorId, String messageId, boolean like) {
        return actLimited(actorId, out -> {
            Member m = requireChatter(actorId);
            requireMessage(messageId);
            if (chat.hasLiked(messageId, m.id) == like) {
                throw StageRefusal.invalidState(like ? "already liked" : "not liked");
            }
            out.everyone(new ChatLikes(messageId, chat.setLiked(messageId, m.id, like)));
        });
    }

    /** Delete a message: one's own, or (moderators) any. */
    public Outcome deleteChat(String actorId, String messageId) {
        return actLimited(actorId, out -> {
            Member m = requireAdmitted(actorId);
            requireMessage(messageId);
            if (!m.isModerator() && !m.id.equals(chat.senderOf(messageId))) {
                throw StageRefusal.forbidden("only moderators delete other people's messages");
            }
            boolean unpinned = chat.delete(messageId);
            out.everyone(new ChatDeleted(messageId, m.id));
            if (unpinned) {
                out.everyone(new ChatPinned(null));
            }
        });
    }

    /** A moderator pins a message (replacing any pin), or unpins with {@code null}. */
    public Outcome pinChat(String actorId, String messageIdOrNull) {
        return actLimited(actorId, out -> {
            requireModerator(actorId);
            if (messageIdOrNull == null) {
                if (chat.pinnedId() == null) {
                    throw StageRefusal.invalidState("nothing is pinned");
                }
            } else {
                requireMessage(messageIdOrNull);
                if (messageIdOrNull.equals(chat.pinnedId())) {
                    return;
                }
            }
            chat.pin(messageIdOrNull);
            out.everyone(new ChatPinned(messageIdOrNull));
        });
    }

    /** A moderator clears the chat history (and the pin). Clearing an empty history is a no-op. */
    public Outcome clearChat(String actorId) {
        return actLimited(actorId, out -> {
            Member actor = requireModerator(actorId);
            if (chat.isEmpty()) {
                return;
            }
            chat.clear();
            out.everyone(new ChatCleared(actor.id));
        });
    }

    /** A moderator blocks (or unblocks) a non-moderator from chatting; repeating is {@code invalid_state}. */
    public Outcome blockChat(String actorId, String targetId, boolean blocked) {
        return actLimited(actorId, out -> {
            requireModerator(actorId);
            Member target = requireTarget(targetId);
            if (target.isModerator()) {
                throw StageRefusal.forbidden("moderators cannot be blocked from chat");
            }
            if (target.chatBlocked == blocked) {
                throw StageRefusal.invalidState(target.name + (blocked ? " is already blocked" : " is not blocked"));
            }
            target.chatBlocked = blocked;
            out.changed(target);
        });
    }

    /** Broadcast a reaction from the allowed set; rate-limited, not stored. */
    public Outcome react(String actorId, String emoji) {
        return act(out -> {
            Member m = requireAdmitted(actorId);
            if (!settings.reactionsEnabled()) {
                throw StageRefusal.invalidState("reactions are off");
            }
            if (emoji == null || !limits.reactionEmoji().contains(emoji)) {
                throw StageRefusal.badRequest("not an allowed reaction");
            }
            long now = now();
            if (!m.reactionRate.allows(now)) {
                throw StageRefusal.rateLimited("at most " + limits.reactionBurst() + " reactions per "
                        + limits.reactionWindow().toSeconds() + " s");
            }
            m.reactionRate.record(now);
            out.everyone(new Reaction(m.id, emoji));
        });
    }

    // =====================================================================================
    // Polls and quizzes
    // =====================================================================================

    /**
     * A moderator creates a draft poll; with non-empty {@code correctOptions} (indexes) it is a
     * quiz. Moderators get {@link PollCreated} with the new id.
     */
    public Outcome createPoll(String actorId, String question, List<String> options, Set<Integer> correctOptions) {
        return actLimited(actorId, out -> {
            requireModerator(actorId);
            requirePollsEnabled();
            requirePollText(question, "question");
            if (options == null || options.size() < 2 || options.size() > limits.pollMaxOptions()) {
                throw StageRefusal.badRequest("a poll has 2.." + limits.pollMaxOptions() + " options");
            }
            for (String option : options) {
                requirePollText(option, "option");
            }
            Set<Integer> correct = correctOptions == null ? Set.of() : correctOptions;
            for (Integer index : correct) {
                if (index == null || index < 0 || index >= options.size()) {
                    throw StageRefusal.badRequest("correct option " + index + " is not an option index");
                }
            }
            Poll poll = new Poll("p" + nextPollId++, question.strip(), options.stream().map(String::strip).toList(), correct);
            polls.put(poll.id, poll);
            out.moderators(new PollCreated(poll.view(null, true)));
        });
    }

    /** A moderator opens a draft: everyone may answer from now on. */
    public Outcome openPoll(String actorId, String pollId) {
        return actLimited(actorId, out -> {
            requireModerator(actorId);
            requirePollsEnabled();
            Poll poll = requirePoll(pollId);
            if (poll.status != PollView.Status.DRAFT) {
                throw StageRefusal.invalidState("the poll was already opened");
            }
            poll.status = PollView.Status.OPEN;
            out.everyone(new PollOpened(poll.view(null, false)));
        });
    }

    /** Answer an open poll, once. Moderators see the live tally. */
    public Outcome answerPoll(String actorId, String pollId, int option) {
        return actLimited(actorId, out -> {
            Member m = requireAdmitted(actorId);
            requirePollsEnabled();
            Poll poll = requirePoll(pollId);
            if (poll.status == PollView.Status.DRAFT && !m.isModerator()) {
                throw StageRefusal.notFound("no poll " + pollId);
            }
            if (poll.status != PollView.Status.OPEN) {
                throw StageRefusal.invalidState("the poll is not open");
            }
            if (option < 0 || option >= poll.options.size()) {
                throw StageRefusal.badRequest("no option " + option);
            }
            if (poll.answers.containsKey(m.id)) {
                throw StageRefusal.invalidState("you already answered");
            }
            poll.answers.put(m.id, option);
            out.moderators(new PollTally(poll.id, poll.counts(), poll.answers.size()));
        });
    }

    /** A moderator closes an open poll: results to everyone, each quiz answerer their own result. */
    public Outcome closePoll(String actorId, String pollId) {
        return actLimited(actorId, out -> {
            requireModerator(actorId);
            Poll poll = requirePoll(pollId);
            if (poll.status != PollView.Status.OPEN) {
                throw StageRefusal.invalidState("the poll is not open");
            }
            poll.status = PollView.Status.CLOSED;
            out.everyone(new PollClosed(poll.view(null, false)));
            if (poll.isQuiz()) {
                for (Map.Entry<String, Integer> answer : poll.answers.entrySet()) {
                    out.to(answer.getKey(), new QuizResult(poll.id, answer.getValue(),
                            poll.correctOptions.contains(answer.getValue()), poll.correctOptions));
                }
            }
        });
    }

    // =====================================================================================
    // Reports from the media plane, and queries
    // =====================================================================================

    /**
     * The media plane heard this participant speak (RFC 6464 audio level above its threshold) at
     * {@code nanos} on the room's nano clock. Used to pick whom to evict from a full stage.
     * Unknown ids are ignored (the report may race with a departure).
     */
    public void reportVoiceActivity(String participantId, long nanos) {
        Member m = members.get(participantId);
        if (m != null && nanos > m.lastVoiceAt) {
            m.lastVoiceAt = nanos;
        }
    }

    public String roomId() {
        return roomId;
    }

    public StageSettings settings() {
        return settings;
    }

    public SessionState session() {
        return session;
    }

    /** Who is in the spotlight, or null. */
    public String spotlight() {
        return spotlightId;
    }

    public Optional<ParticipantState> participant(String participantId) {
        return Optional.ofNullable(members.get(participantId)).map(Member::state);
    }

    /** Admitted participants (not the lobby), in join order. */
    public List<ParticipantState> participants() {
        List<ParticipantState> list = new ArrayList<>();
        for (Member m : members.values()) {
            if (m.place != Place.LOBBY) {
                list.add(m.state());
            }
        }
        return list;
    }

    /** Ids of raised hands, earliest first. */
    public List<String> raisedHands() {
        return members.values().stream()
                .filter(m -> m.handRaisedAt != null)
                .sorted(Comparator.comparingLong(m -> m.handOrder))
                .map(m -> m.id)
                .toList();
    }

    public int lobbySize() {
        int n = 0;
        for (Member m : members.values()) {
            if (m.place == Place.LOBBY) {
                n++;
            }
        }
        return n;
    }

    /**
     * The room as {@code participantId} may see it: drafts and live poll counts only for
     * moderators.
     *
     * @throws IllegalArgumentException if the participant is not in the room
     */
    public RoomSnapshot snapshot(String participantId) {
        Member viewer = members.get(participantId);
        if (viewer == null) {
            throw new IllegalArgumentException("not in the room: " + participantId);
        }
        List<PollView> pollViews = new ArrayList<>();
        for (Poll poll : polls.values()) {
            if (viewer.isModerator() || poll.status != PollView.Status.DRAFT) {
                pollViews.add(poll.view(viewer.id, viewer.isModerator()));
            }
        }
        Long invitationMillis = viewer.invitation == null ? null
                : Math.max(0, (viewer.invitation.expiresAt() - now()) / 1_000_000);
        return new RoomSnapshot(roomId, session, settings, viewer.state(), participants(), raisedHands(), spotlightId,
                chat.messages(), chat.pinnedId(), pollViews, invitationMillis);
    }

    /**
     * Who should receive an event for {@code audience} now: connected participants only (those in
     * the reconnect grace period get a snapshot on return). Empty for {@link Audience#MEDIA_PLANE}.
     */
    public List<String> recipients(Audience audience) {
        List<String> ids = new ArrayList<>();
        if (audience instanceof Audience.Only only) {
            Member m = members.get(only.participantId());
            if (m != null && m.connected) {
                ids.add(m.id);
            }
            return ids;
        }
        if (audience instanceof Audience.MediaPlane) {
            return ids;
        }
        boolean moderatorsOnly = audience instanceof Audience.Moderators;
        for (Member m : members.values()) {
            if (m.connected && m.place != Place.LOBBY && (!moderatorsOnly || m.isModerator())) {
                ids.add(m.id);
            }
        }
        return ids;
    }

    /** All state, including what clients never see; tests compare it before and after a refusal. */
    String debugState() {
        StringBuilder sb = new StringBuilder();
        sb.append(session).append(' ').append(settings).append(" spotlight=").append(spotlightId)
                .append(" hands=").append(nextHandOrder).append(" polls=").append(nextPollId);
        for (Member m : members.values()) {
            sb.append('\n').append(m.debugState());
        }
        sb.append('\n').append(chat.debugState());
        for (Poll p : polls.values()) {
            sb.append('\n').append(p.debugState());
        }
        return sb.toString();
    }

    // =====================================================================================
    // Internals
    // =====================================================================================

    @FunctionalInterface
    private interface Action {
        void run(Events out) throws StageRefusal;
    }

    /**
     * An action whose events fan out to the room (or its moderators): at most
     * {@link StageLimits#actionBurst()} of them per {@link StageLimits#actionWindow()} per
     * participant, counted only when they pushed something, so one client cannot make the node
     * send N messages per request as fast as it can write (issue 8). Chat and reactions have their
     * own windows; joining, leaving and the session's start and end happen once.
     */
    private Outcome actLimited(String actorId, Action action) {
        return act(out -> {
            Member actor = actorId == null ? null : members.get(actorId);
            long now = now();
            if (actor != null && !actor.actionRate.allows(now)) {
                throw StageRefusal.rateLimited("at most " + limits.actionBurst() + " requests per "
                        + limits.actionWindow().toSeconds() + " s; wait a moment");
            }
            action.run(out);
            if (actor != null && !out.list().isEmpty()) {
                actor.actionRate.record(now);
            }
        });
    }

    private Outcome act(Action action) {
        Events out = new Events();
        try {
            action.run(out);
        } catch (StageRefusal refusal) {
            return new Outcome.Refused(refusal.code, refusal.getMessage());
        }
        return new Outcome.Done(out.list());
    }

    /** The events an action produced, in order. */
    private static final class Events {
        private final List<Delivery> deliveries = new ArrayList<>();

        void everyone(StageEvent event) {
            deliveries.add(new Delivery(Audience.EVERYONE, event));
        }

        void moderators(StageEvent event) {
            deliveries.add(new Delivery(Audience.MODERATORS, event));
        }

        void to(String participantId, StageEvent event) {
            deliveries.add(new Delivery(Audience.only(participantId), event));
        }

        void media(StageEvent event) {
            deliveries.add(new Delivery(Audience.MEDIA_PLANE, event));
        }

        void changed(Member m) {
            everyone(new ParticipantChanged(m.state()));
        }

        List<Delivery> list() {
            return deliveries;
        }
    }

    private long now() {
        return nanoTime.getAsLong();
    }

    private Member requireMember(String participantId) throws StageRefusal {
        Member m = participantId == null ? null : members.get(participantId);
        if (m == null) {
            throw StageRefusal.notFound("not in the room");
        }
        return m;
    }

    /** The actor of an in-room action: present, admitted, session not over. */
    private Member requireAdmitted(String actorId) throws StageRefusal {
        Member m = requireMember(actorId);
        if (session == SessionState.ENDED) {
            throw StageRefusal.invalidState("the session has ended");
        }
        if (m.place == Place.LOBBY) {
            throw StageRefusal.invalidState("waiting in the lobby until a moderator starts the session");
        }
        return m;
    }

    private Member requireModerator(String actorId) throws StageRefusal {
        Member m = requireAdmitted(actorId);
        if (!m.isModerator()) {
            throw StageRefusal.forbidden("only moderators may do this");
        }
        return m;
    }

    /** Someone an action is aimed at; people in the lobby are not visible yet. */
    private Member requireTarget(String targetId) throws StageRefusal {
        Member m = targetId == null ? null : members.get(targetId);
        if (m == null || m.place == Place.LOBBY) {
            throw StageRefusal.notFound("no participant " + targetId);
        }
        return m;
    }

    private Member requireChatter(String actorId) throws StageRefusal {
        Member m = requireAdmitted(actorId);
        if (!settings.chatEnabled() && !m.isModerator()) {
            throw StageRefusal.invalidState("chat is off");
        }
        if (m.chatBlocked) {
            throw StageRefusal.forbidden("a moderator blocked you from chat");
        }
        return m;
    }

    private void requireMessage(String messageId) throws StageRefusal {
        if (messageId == null || !chat.contains(messageId)) {
            throw StageRefusal.notFound("no message " + messageId);
        }
    }

    private static void requirePendingRequest(Member target) throws StageRefusal {
        if (!target.stageRequested) {
            throw StageRefusal.invalidState(target.name + " has no pending request (cancelled or already answered)");
        }
    }

    private static void requireMicOrCamera(TrackKind kind) throws StageRefusal {
        if (kind != TrackKind.MICROPHONE && kind != TrackKind.CAMERA) {
            throw StageRefusal.badRequest("only microphone or camera");
        }
    }

    private void requirePollsEnabled() throws StageRefusal {
        if (!settings.pollsEnabled()) {
            throw StageRefusal.invalidState("polls are off");
        }
    }

    private Poll requirePoll(String pollId) throws StageRefusal {
        Poll poll = pollId == null ? null : polls.get(pollId);
        if (poll == null) {
            throw StageRefusal.notFound("no poll " + pollId);
        }
        return poll;
    }

    private void requirePollText(String text, String what) throws StageRefusal {
        if (text == null || text.isBlank() || text.strip().length() > limits.pollTextMaxChars()) {
            throw StageRefusal.badRequest("a " + what + " has 1.." + limits.pollTextMaxChars() + " characters");
        }
    }

    private void requireMayJoinStageDirectly(Role role) throws StageRefusal {
        if (role != Role.ATTENDEE) {
            return;
        }
        switch (settings.accessMode()) {
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
    private List<Member> evictionsToMakeRoom() throws StageRefusal {
        int onStage = 0;
        List<Member> candidates = new ArrayList<>();
        for (Member m : members.values()) {
            if (m.onStage()) {
                onStage++;
                if (!m.isModerator()) {
                    candidates.add(m);
                }
            }
        }
        int excess = onStage + 1 - settings.capacity();
        if (excess <= 0) {
            return List.of();
        }
        if (candidates.size() < excess) {
            throw StageRefusal.invalidState("the stage is full");
        }
        candidates.sort(Comparator.comparingLong(Member::silentSince)
                .thenComparingLong(m -> m.onStageSince)
                .thenComparing(m -> m.id));
        return List.copyOf(candidates.subList(0, excess));
    }

    /** Puts {@code m} on stage after evicting {@code evicted}; the caller announces {@code m}'s change. */
    private void placeOnStage(Member m, List<Member> evicted, Events out) {
        for (Member e : evicted) {
            moveToViewer(e, StageExit.EVICTED, m.id, out);
        }
        m.place = Place.STAGE;
        m.onStageSince = now();
        m.microphoneOn = false;
        m.cameraOn = false;
        lowerHand(m);
        if (m.stageRequested) {
            m.stageRequested = false;
            out.moderators(new StageRequestClosed(m.id, RequestClosure.CANCELLED, m.id));
        }
        if (m.invitation != null) {
            m.invitation = null;
            out.moderators(new InvitationAnswered(m.id, true));
        }
        out.media(new PublishPermissionChanged(m.id, true, m.mayShareScreen()));
    }

    private void moveToViewer(Member m, StageExit reason, String byId, Events out) {
        m.becomeViewer();
        out.media(new PublishPermissionChanged(m.id, false, false));
        out.changed(m);
        out.to(m.id, new MovedToViewer(m.id, reason, byId));
        if (m.id.equals(spotlightId)) {
            spotlightId = null;
            out.everyone(new SpotlightChanged(null));
        }
    }

    private void invite(Member target, Member by, boolean viaRequest, Events out) {
        target.invitation = new Member.Invitation(by.id, viaRequest, now() + limits.invitationTtl().toNanos());
        out.changed(target);
        out.to(target.id, new StageInvitation(target.id, by.id, viaRequest, limits.invitationTtl().toMillis()));
    }

    private void withdrawInvitation(Member m, WithdrawReason reason, Events out) {
        m.invitation = null;
        out.changed(m);
        InvitationWithdrawn withdrawn = new InvitationWithdrawn(m.id, reason);
        out.to(m.id, withdrawn);
        out.moderators(withdrawn);
    }

    private void applyForcedOff(Member target, TrackKind kind, Member by, Events out) {
        target.setTrackOn(kind, false);
        target.setForcedOff(kind, true);
        out.media(new TrackForcedMute(target.id, kind, true));
        out.changed(target);
        out.to(target.id, new ForcedOff(target.id, kind, by.id));
    }

    private static void lowerHand(Member m) {
        m.handRaisedAt = null;
        m.handOrder = 0;
    }

    private int moderatorCount() {
        int n = 0;
        for (Member m : members.values()) {
            if (m.isModerator()) {
                n++;
            }
        }
        return n;
    }

    private void removeMember(Member m, RemovalReason reason, Events out) {
        members.remove(m.id);
        if (m.place == Place.LOBBY) {
            out.moderators(new LobbyChanged(lobbySize()));
            return;
        }
        if (m.onStage()) {
            out.media(new PublishPermissionChanged(m.id, false, false));
        }
        if (m.id.equals(spotlightId)) {
            spotlightId = null;
            out.everyone(new SpotlightChanged(null));
        }
        if (m.stageRequested) {
            out.moderators(new StageRequestClosed(m.id, RequestClosure.DROPPED, m.id));
        }
        if (m.invitation != null) {
            out.moderators(new InvitationAnswered(m.id, false));
        }
        out.everyone(new ParticipantRemoved(m.id, reason));
    }
}
