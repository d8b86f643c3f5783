package io.stagecast.signaling.stage;

import io.stagecast.signaling.token.Role;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The rules of one room's stage, as one façade over a part per concern: the session and its people
 * ({@link SessionRules}), getting on and off the stage ({@link StageAccess}), media moderation
 * ({@link MediaModeration}), hands ({@link Hands}), chat and reactions ({@link ChatRules}), polls
 * ({@link Polls}), Q&amp;A ({@link QuestionBoard}) and the moderators' backchannel
 * ({@link Backchannel}), all over one {@link Roster}. A plain state machine with no networking and
 * no media: every action takes the acting participant's id and returns an {@link Outcome}, either
 * refused with a stable code (and then nothing changed) or done with the events to deliver,
 * including the media-plane side effects ({@link Audience#MEDIA_PLANE}).
 *
 * <p>Every client of the room goes through here with the same rules and refusals: a participant
 * acts under its own id; the application's server (the REST API) acts as {@link #SERVER}, which
 * has a moderator's powers over others, is in no list, is not rate-limited, and is named
 * {@code byId} in the events it causes.
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
 * monotonic nano clock; times shown to people (chat, raised hands, questions) use the wall clock.
 */
public final class StageRoom {

    /** The actor id of the application's server; no participant may join under it. */
    public static final String SERVER = "@server";

    private final String roomId;
    private final Roster roster;
    private final MediaModeration media;
    private final Hands hands;
    private final Backchannel backchannel;
    private final StageAccess access;
    private final SessionRules session;
    private final ChatRules chat;
    private final Polls polls;
    private final QuestionBoard questions;

    /** A room with default settings and limits on the system clocks. */
    public StageRoom(String roomId) {
        this(roomId, StageSettings.DEFAULTS, StageLimits.DEFAULTS, Clock.systemUTC(), System::nanoTime);
    }

    /**
     * @param nanoTime monotonic nanoseconds; {@link #reportVoiceActivity} times must come from the same clock
     */
    public StageRoom(String roomId, StageSettings settings, StageLimits limits, Clock wallClock, LongSupplier nanoTime) {
        this.roomId = roomId;
        this.roster = new Roster(settings, limits, wallClock, nanoTime);
        this.media = new MediaModeration(roster);
        this.hands = new Hands(roster);
        this.backchannel = new Backchannel(roster);
        this.access = new StageAccess(roster, hands, media, backchannel);
        this.session = new SessionRules(roster, access, media, m -> snapshot(m.id));
        this.chat = new ChatRules(roster);
        this.polls = new Polls(roster);
        this.questions = new QuestionBoard(roster);
    }

    // ---- joining, leaving, the session (SessionRules) ----

    /**
     * A participant enters the room (after its token was verified). Attendees who arrive before a
     * moderator started the session wait in the lobby ({@link Place#LOBBY}) and are admitted on
     * start; moderators and speakers enter at once. {@code wantsStage} joins the stage directly,
     * which only moderators, speakers and (in {@link AccessMode#OPEN}) attendees of a live session
     * may do; mobile clients always join as viewers. In a locked room only moderators may join.
     * On success reply with {@link #snapshot(String)}.
     */
    public Outcome join(String participantId, String name, Role role, boolean mobile, boolean wantsStage) {
        return act(out -> session.join(participantId, name, role, mobile, wantsStage, out));
    }

    /** A participant leaves the room for good (not a dropped connection: see {@link #disconnect}). */
    public Outcome leave(String participantId) {
        return act(out -> session.leave(participantId, out));
    }

    /** A moderator (or {@link #SERVER}) removes someone from the room; the room needs one moderator left. */
    public Outcome removeFromRoom(String actorId, String targetId) {
        return actLimited(actorId, out -> session.remove(actorId, targetId, out));
    }

    /** The connection dropped: everything is kept for {@link StageLimits#reconnectGrace()}, then {@link #tick()} removes them. */
    public Outcome disconnect(String participantId) {
        return act(out -> session.disconnect(participantId, out));
    }

    /** Back within the grace period, or a reload while connected; {@code not_found} after it. Send {@link #snapshot}. */
    public Outcome reconnect(String participantId) {
        return act(out -> session.reconnect(participantId, out));
    }

    /** The timers (call every second or so): reconnect grace, invitation expiry. */
    public List<Delivery> tick() {
        Events out = new Events();
        session.tick(out);
        return out.list();
    }

    /** A moderator starts the session: everyone waiting in the lobby is admitted as a viewer. */
    public Outcome start(String actorId) {
        return act(out -> session.start(actorId, out));
    }

    /** A moderator ends the session: publishing revoked, later actions {@code invalid_state}; the caller closes connections. */
    public Outcome end(String actorId) {
        return act(out -> session.end(actorId, out));
    }

    /**
     * A moderator changes settings ({@code null} fields stay). Leaving {@code request} mode drops
     * every pending request (requesters told); entering {@code closed} withdraws every attendee's
     * invitation. Attendees already on stage stay there; a lower capacity evicts nobody at once.
     * A change to the current values succeeds with no events.
     */
    public Outcome changeSettings(String actorId, SettingsChange change) {
        return actLimited(actorId, out -> session.changeSettings(actorId, change, out));
    }

    // ---- getting on and off the stage (StageAccess) ----

    /** Go on stage directly (attendees only when open); at capacity the longest-silent non-moderator is evicted. */
    public Outcome joinStage(String actorId) {
        return actLimited(actorId, out -> access.joinStage(actorId, out));
    }

    /** Refused for speakers and attendees (a moderator removes them); a moderator may step down. */
    public Outcome leaveStage(String actorId) {
        return actLimited(actorId, out -> access.leaveStage(actorId, out));
    }

    /** A moderator moves someone from the stage back to the viewers; publishing is revoked at once. */
    public Outcome removeFromStage(String actorId, String targetId) {
        return actLimited(actorId, out -> access.removeFromStage(actorId, targetId, out));
    }

    /** A moderator (or {@link #SERVER}) puts a viewer on stage with nothing to confirm (not phones; attendees not while closed). */
    public Outcome bringToStage(String actorId, String targetId) {
        return actLimited(actorId, out -> access.bringToStage(actorId, targetId, out));
    }

    /** An attendee asks to join the stage ({@link AccessMode#REQUEST} only); one request at a time. */
    public Outcome requestStage(String actorId) {
        return actLimited(actorId, out -> access.requestStage(actorId, out));
    }

    /** The requester withdraws a pending request. */
    public Outcome cancelStageRequest(String actorId) {
        return actLimited(actorId, out -> access.cancelStageRequest(actorId, out));
    }

    /** A moderator approves a pending request with an invitation to confirm; the first answer wins. */
    public Outcome approveStageRequest(String actorId, String targetId) {
        return actLimited(actorId, out -> access.approveStageRequest(actorId, targetId, out));
    }

    /** A moderator declines a pending request; the requester is told and may ask again. First answer wins. */
    public Outcome declineStageRequest(String actorId, String targetId) {
        return actLimited(actorId, out -> access.declineStageRequest(actorId, targetId, out));
    }

    /** A moderator invites a viewer (attendees not while closed); a pending request is answered too. */
    public Outcome inviteToStage(String actorId, String targetId) {
        return actLimited(actorId, out -> access.inviteToStage(actorId, targetId, out));
    }

    /** A moderator withdraws an invitation that was not answered yet. */
    public Outcome revokeInvitation(String actorId, String targetId) {
        return actLimited(actorId, out -> access.revokeInvitation(actorId, targetId, out));
    }

    /** The invitee goes on stage (evicting if full); withdrawn or expired (even before {@link #tick}) is {@code invalid_state}. */
    public Outcome acceptInvitation(String actorId) {
        return actLimited(actorId, out -> access.acceptInvitation(actorId, out));
    }

    /** The invitee declines; moderators are told. */
    public Outcome declineInvitation(String actorId) {
        return actLimited(actorId, out -> access.declineInvitation(actorId, out));
    }

    /** A moderator changes a role (one moderator must remain); the place is kept, a lost screen right stops the share. */
    public Outcome setRole(String actorId, String targetId, Role role) {
        return actLimited(actorId, out -> access.setRole(actorId, targetId, role, out));
    }

    // ---- own media and its moderation (MediaModeration) ----

    /** Turn one's own microphone on or off (on stage only). Setting the current state is a no-op. */
    public Outcome setMicrophone(String actorId, boolean on) {
        return actLimited(actorId, out -> media.setOwnTrack(actorId, TrackKind.MICROPHONE, on, out));
    }

    /** Turn one's own camera on or off (on stage only). Setting the current state is a no-op. */
    public Outcome setCamera(String actorId, boolean on) {
        return actLimited(actorId, out -> media.setOwnTrack(actorId, TrackKind.CAMERA, on, out));
    }

    /** Share the screen: moderators and speakers on stage, one share in the room at a time. */
    public Outcome setScreenShare(String actorId, boolean on) {
        return actLimited(actorId, out -> media.setOwnTrack(actorId, TrackKind.SCREEN, on, out));
    }

    /** A moderator turns a microphone or camera off; with strong mute only {@link #allowTrack} lets it on again. */
    public Outcome forceOff(String actorId, String targetId, TrackKind kind) {
        return actLimited(actorId, out -> media.forceOff(actorId, targetId, kind, out));
    }

    /** Every non-moderator on stage not already forced off; nobody to mute is a success with no events. */
    public Outcome forceOffAll(String actorId, TrackKind kind) {
        return actLimited(actorId, out -> media.forceOffAll(actorId, kind, out));
    }

    /** A moderator lifts a forced mute; the person then turns the track on themselves. */
    public Outcome allowTrack(String actorId, String targetId, TrackKind kind) {
        return actLimited(actorId, out -> media.allowTrack(actorId, targetId, kind, out));
    }

    /** A moderator spotlights someone on stage for everyone, or clears the spotlight with {@code null}. */
    public Outcome spotlight(String actorId, String targetIdOrNull) {
        return actLimited(actorId, out -> media.spotlight(actorId, targetIdOrNull, out));
    }

    // ---- hands (Hands) ----

    /** Raise one's hand (joins the end of the queue); raising a raised hand is a no-op. */
    public Outcome raiseHand(String actorId) {
        return actLimited(actorId, out -> hands.raise(actorId, out));
    }

    /** Lower one's own hand, or (moderators) anyone's. Lowering a lowered hand is a no-op. */
    public Outcome lowerHand(String actorId, String targetId) {
        return actLimited(actorId, out -> hands.lower(actorId, targetId, out));
    }

    /** A moderator lowers every raised hand (one event for all). */
    public Outcome lowerAllHands(String actorId) {
        return actLimited(actorId, out -> hands.lowerAll(actorId, out));
    }

    // ---- chat and reactions (ChatRules); chat and reactions have their own rate windows ----

    /** Post a chat message, optionally replying to one still in the history. */
    public Outcome sendChat(String actorId, String text, String replyToOrNull) {
        return act(out -> chat.send(actorId, text, replyToOrNull, out));
    }

    /** Like or unlike a message, once per participant; repeating the same is {@code invalid_state}. */
    public Outcome likeChat(String actorId, String messageId, boolean like) {
        return actLimited(actorId, out -> chat.like(actorId, messageId, like, out));
    }

    /** Delete a message: one's own, or (moderators) any. */
    public Outcome deleteChat(String actorId, String messageId) {
        return actLimited(actorId, out -> chat.delete(actorId, messageId, out));
    }

    /** A moderator pins a message (replacing any pin), or unpins with {@code null}. */
    public Outcome pinChat(String actorId, String messageIdOrNull) {
        return actLimited(actorId, out -> chat.pin(actorId, messageIdOrNull, out));
    }

    /** A moderator clears the chat history (and the pin). Clearing an empty history is a no-op. */
    public Outcome clearChat(String actorId) {
        return actLimited(actorId, out -> chat.clear(actorId, out));
    }

    /** A moderator blocks (or unblocks) a non-moderator from chat and questions; repeating is {@code invalid_state}. */
    public Outcome blockChat(String actorId, String targetId, boolean blocked) {
        return actLimited(actorId, out -> chat.block(actorId, targetId, blocked, out));
    }

    /** Broadcast a reaction from the allowed set; rate-limited, not stored. */
    public Outcome react(String actorId, String emoji) {
        return act(out -> chat.react(actorId, emoji, out));
    }

    // ---- polls and quizzes (Polls) ----

    /** A moderator creates a draft poll; with non-empty {@code correctOptions} (indexes) it is a quiz. */
    public Outcome createPoll(String actorId, String question, List<String> options, Set<Integer> correctOptions) {
        return actLimited(actorId, out -> polls.create(actorId, question, options, correctOptions, out));
    }

    /** A moderator opens a draft: everyone may answer from now on. */
    public Outcome openPoll(String actorId, String pollId) {
        return actLimited(actorId, out -> polls.open(actorId, pollId, out));
    }

    /** Answer an open poll, once. Moderators see the live tally. */
    public Outcome answerPoll(String actorId, String pollId, int option) {
        return actLimited(actorId, out -> polls.answer(actorId, pollId, option, out));
    }

    /** A moderator closes an open poll: results to everyone, each quiz answerer their own result. */
    public Outcome closePoll(String actorId, String pollId) {
        return actLimited(actorId, out -> polls.close(actorId, pollId, out));
    }

    // ---- Q&A (QuestionBoard); asking has its own rate window ----

    /** Ask a question (anyone admitted and not blocked); refused while Q&amp;A is off or the list is full. */
    public Outcome askQuestion(String actorId, String text) {
        return act(out -> questions.ask(actorId, text, out));
    }

    /** Upvote someone else's question ({@code up}) or take the upvote back; once per participant. */
    public Outcome upvoteQuestion(String actorId, String questionId, boolean up) {
        return actLimited(actorId, out -> questions.upvote(actorId, questionId, up, out));
    }

    /** A moderator answers in text; the question is answered from then on. */
    public Outcome answerQuestion(String actorId, String questionId, String text) {
        return actLimited(actorId, out -> questions.answer(actorId, questionId, text, out));
    }

    /** A moderator marks a question answered (or open again). */
    public Outcome markQuestionAnswered(String actorId, String questionId, boolean answered) {
        return actLimited(actorId, out -> questions.markAnswered(actorId, questionId, answered, out));
    }

    /** A moderator dismisses a question, or its asker withdraws it. */
    public Outcome dismissQuestion(String actorId, String questionId) {
        return actLimited(actorId, out -> questions.dismiss(actorId, questionId, out));
    }

    /** A moderator pins one question (replacing any pin), or unpins with {@code null}. */
    public Outcome pinQuestion(String actorId, String questionIdOrNull) {
        return actLimited(actorId, out -> questions.pin(actorId, questionIdOrNull, out));
    }

    // ---- the moderators' backchannel (Backchannel); never delivered to attendees ----

    /** A moderator or a speaker on stage writes to the backchannel. */
    public Outcome sendBackchannel(String actorId, String text) {
        return act(out -> backchannel.send(actorId, text, out));
    }

    /** Delete a backchannel message: one's own, or (moderators) any. */
    public Outcome deleteBackchannel(String actorId, String messageId) {
        return actLimited(actorId, out -> backchannel.delete(actorId, messageId, out));
    }

    // ---- reports from the media plane, and queries ----

    /** The media plane heard them speak (RFC 6464 level) at {@code nanos}: eviction picks the longest silent. */
    public void reportVoiceActivity(String participantId, long nanos) {
        Member m = roster.get(participantId);
        if (m != null && nanos > m.lastVoiceAt) {
            m.lastVoiceAt = nanos;
        }
    }

    public String roomId() {
        return roomId;
    }

    public StageSettings settings() {
        return roster.settings;
    }

    public SessionState session() {
        return roster.session;
    }

    /** Who is in the spotlight, or null. */
    public String spotlight() {
        return media.spotlight();
    }

    public Optional<ParticipantState> participant(String participantId) {
        return Optional.ofNullable(roster.get(participantId)).map(Member::state);
    }

    /** Admitted participants (not the lobby), in join order. */
    public List<ParticipantState> participants() {
        List<ParticipantState> list = new ArrayList<>();
        for (Member m : roster.all()) {
            if (!m.inLobby()) {
                list.add(m.state());
            }
        }
        return list;
    }

    /** Ids of raised hands, earliest first. */
    public List<String> raisedHands() {
        return hands.raised();
    }

    /** Everyone the room holds: admitted, in the lobby, or within the reconnect grace. */
    public int memberCount() {
        return roster.size();
    }

    public int lobbySize() {
        return roster.lobbySize();
    }

    /** The Q&amp;A in asking order, as the server sees it (no one's votes marked). */
    public List<QuestionView> questions() {
        return questions.views(null);
    }

    /** The pinned question's id, or null. */
    public String pinnedQuestion() {
        return questions.pinnedId();
    }

    /** The backchannel's history (for the server: never hand it to an attendee). */
    public List<ChatMessage> backchannel() {
        return backchannel.messages();
    }

    /**
     * The room as {@code participantId} may see it: drafts and live poll counts only for
     * moderators, the backchannel only for its people, their own upvotes marked.
     *
     * @throws IllegalArgumentException if the participant is not in the room
     */
    public RoomSnapshot snapshot(String participantId) {
        Member viewer = roster.get(participantId);
        if (viewer == null) {
            throw new IllegalArgumentException("not in the room: " + participantId);
        }
        Position.Invited invitation = viewer.invitation();
        Long invitationMillis = invitation == null ? null : Math.max(0, (invitation.expiresAt() - roster.now()) / 1_000_000);
        ChatLog log = chat.log();
        return new RoomSnapshot(roomId, roster.session, roster.settings, viewer.state(), participants(), raisedHands(),
                media.spotlight(), log.messages(), log.pinnedId(), polls.views(viewer.id, viewer.isModerator()),
                invitationMillis, questions.views(viewer.id), questions.pinnedId(), backchannel.messagesFor(viewer));
    }

    /**
     * Who should receive an event for {@code audience} now: connected participants only (those in
     * the reconnect grace period get a snapshot on return). Empty for {@link Audience#MEDIA_PLANE}.
     */
    public List<String> recipients(Audience audience) {
        return roster.recipients(audience);
    }

    // ---- what outlives the node (issue 14) ----

    /** The room's durable part ({@link DurableRoom}), to be kept elsewhere and {@link #restore restored} on another node. */
    public DurableRoom durableState() {
        long now = roster.now();
        List<DurableRoom.Person> people = new ArrayList<>(roster.size());
        for (Member m : roster.all()) {
            people.add(DurablePeople.of(m, now));
        }
        return new DurableRoom(roster.session, roster.settings, people, hands.nextOrder(), media.spotlight(),
                chat.log().durable(), backchannel.log().durable(), polls.durable(), polls.nextId(),
                questions.durable(), questions.nextId(), questions.pinnedId());
    }

    /**
     * Takes over a room kept by {@link #durableState()} on a node that is gone: everyone is back
     * in their place and role, disconnected, with a fresh reconnect grace to rejoin in (a
     * {@link #reconnect} each). Only into a room nobody has joined yet.
     *
     * @throws IllegalStateException if the room holds anyone already
     * @throws IllegalArgumentException if {@code kept} is incomplete (nothing is changed then)
     */
    public void restore(DurableRoom kept) {
        if (roster.size() > 0) {
            throw new IllegalStateException("room " + roomId + " is in use; only a new room takes a kept state over");
        }
        DurablePeople.check(kept);
        long now = roster.now();
        roster.session = kept.session();
        roster.settings = kept.settings();
        for (DurableRoom.Person p : kept.people()) {
            roster.add(DurablePeople.member(p, roster.limits, now));
        }
        hands.restoreNextOrder(kept.nextHandOrder());
        media.restoreSpotlight(kept.spotlightId());
        chat.log().restore(kept.chat());
        backchannel.log().restore(kept.backchannel());
        polls.restore(kept.polls(), kept.nextPollId());
        questions.restore(kept.questions(), kept.nextQuestionId(), kept.pinnedQuestionId());
    }

    /** All state, including what clients never see; tests compare it before and after a refusal. */
    String debugState() {
        StringBuilder sb = new StringBuilder();
        sb.append(roster.session).append(' ').append(roster.settings).append(' ').append(media.debugState())
                .append(' ').append(hands.debugState()).append(' ').append(polls.debugState());
        for (Member m : roster.all()) {
            sb.append('\n').append(m.debugState());
        }
        sb.append('\n').append(chat.log().debugState());
        sb.append('\n').append(questions.debugState());
        sb.append('\n').append(backchannel.debugState());
        return sb.toString();
    }

    // ---- the act/outcome shape ----

    @FunctionalInterface
    private interface Action {
        void run(Events out) throws StageRefusal;
    }

    /**
     * An action whose events fan out to the room (or its moderators): at most
     * {@link StageLimits#actionBurst()} of them per {@link StageLimits#actionWindow()} per
     * participant, counted only when they pushed something, so one client cannot make the node
     * send N messages per request as fast as it can write (issue 8). Chat, reactions, questions and
     * the backchannel have their own windows; joining, leaving and the session's start and end
     * happen once. The server is not limited here: the API limits its callers.
     */
    private Outcome actLimited(String actorId, Action action) {
        return act(out -> {
            Member actor = roster.get(actorId);
            long now = roster.now();
            if (actor != null && !actor.rates.action.allows(now)) {
                throw StageRefusal.rateLimited("at most " + roster.limits.actionBurst() + " requests per "
                        + roster.limits.actionWindow().toSeconds() + " s; wait a moment");
            }
            action.run(out);
            if (actor != null && !out.isEmpty()) {
                actor.rates.action.record(now);
            }
        });
    }

    private static Outcome act(Action action) {
        Events out = new Events();
        try {
            action.run(out);
        } catch (StageRefusal refusal) {
            return new Outcome.Refused(refusal.code, refusal.getMessage(), refusal.cap);
        }
        return new Outcome.Done(out.list());
    }
}
