package io.stagecast.signaling.stage;

import java.util.List;
import java.util.Set;

/**
 * What happened in a room, as the caller must push it. {@link #type()} is the event's name on the
 * wire (see docs/stage-protocol-draft.md). The last two kinds are for the media plane, not clients.
 */
public sealed interface StageEvent {

    String type();

    // ---- participants list (deltas; clients upsert by id) ----

    record ParticipantAdded(ParticipantState participant) implements StageEvent {
        public String type() {
            return "participant.added";
        }
    }

    record ParticipantChanged(ParticipantState participant) implements StageEvent {
        public String type() {
            return "participant.changed";
        }
    }

    record ParticipantRemoved(String participantId, RemovalReason reason) implements StageEvent {
        public String type() {
            return "participant.removed";
        }
    }

    enum RemovalReason {
        /** The participant left the room. */
        LEFT,
        /** Disconnected for longer than the reconnect grace period. */
        TIMED_OUT,
        /** A moderator, or the application's server, removed them from the room. */
        REMOVED
    }

    /** To moderators: how many attendees wait in the lobby for the session to start. */
    record LobbyChanged(int waiting) implements StageEvent {
        public String type() {
            return "lobby.changed";
        }
    }

    /** To one participant leaving the lobby (the session started): the room to draw. */
    record Admitted(RoomSnapshot snapshot) implements StageEvent {
        public String type() {
            return "room.admitted";
        }
    }

    // ---- session and settings ----

    record SessionStarted(String byId) implements StageEvent {
        public String type() {
            return "session.started";
        }
    }

    record SessionEnded(String byId) implements StageEvent {
        public String type() {
            return "session.ended";
        }
    }

    record SettingsChanged(StageSettings settings) implements StageEvent {
        public String type() {
            return "settings.changed";
        }
    }

    // ---- getting on and off the stage ----

    /** To moderators: an attendee asks to join the stage. */
    record StageRequestReceived(String participantId, String name) implements StageEvent {
        public String type() {
            return "stage.requestReceived";
        }
    }

    /**
     * A pending request ended. Moderators always get it (so a second moderator's dialog closes);
     * the requester gets it for {@code DECLINED} and {@code DROPPED}.
     */
    record StageRequestClosed(String participantId, RequestClosure closure, String byId) implements StageEvent {
        public String type() {
            return "stage.requestClosed";
        }
    }

    enum RequestClosure {
        CANCELLED,
        /** A moderator approved it (or invited the requester); a {@link StageInvitation} follows. */
        APPROVED,
        DECLINED,
        /** The mode left {@code request}, or the requester left the room. */
        DROPPED
    }

    /** To the invitee: confirm with stage.accept within {@code expiresInMillis}, or decline. */
    record StageInvitation(String participantId, String byId, boolean viaRequest, long expiresInMillis)
            implements StageEvent {
        public String type() {
            return "stage.invitation";
        }
    }

    /** To moderators: the invitee accepted (and is on stage) or declined. */
    record InvitationAnswered(String participantId, boolean accepted) implements StageEvent {
        public String type() {
            return "stage.invitationAnswered";
        }
    }

    /** To the invitee and moderators: the invitation no longer holds. */
    record InvitationWithdrawn(String participantId, WithdrawReason reason) implements StageEvent {
        public String type() {
            return "stage.invitationWithdrawn";
        }
    }

    enum WithdrawReason {
        REVOKED,
        EXPIRED,
        /** The mode became {@code closed}, which admits no attendee. */
        MODE_CHANGED,
        /** The invitee became an attendee while the mode is {@code closed}. */
        ROLE_CHANGED
    }

    /** To the participant: they are a viewer again, and why. */
    record MovedToViewer(String participantId, StageExit reason, String byId) implements StageEvent {
        public String type() {
            return "stage.movedToViewer";
        }
    }

    enum StageExit {
        /** A moderator removed them ({@code byId}), or a moderator left the stage ({@code byId} is them). */
        REMOVED,
        /** The stage was full and they had been silent the longest; {@code byId} is who joined. */
        EVICTED
    }

    // ---- moderation of media ----

    /** To the participant: a moderator turned this track off. */
    record ForcedOff(String participantId, TrackKind kind, String byId) implements StageEvent {
        public String type() {
            return "media.forcedOff";
        }
    }

    record SpotlightChanged(String participantId) implements StageEvent {
        public String type() {
            return "spotlight.changed";
        }
    }

    /** Every raised hand went down at once (instead of one delta per hand). */
    record AllHandsLowered(String byId) implements StageEvent {
        public String type() {
            return "hand.allLowered";
        }
    }

    // ---- chat and reactions ----

    record ChatPosted(ChatMessage message) implements StageEvent {
        public String type() {
            return "chat.message";
        }
    }

    record ChatDeleted(String messageId, String byId) implements StageEvent {
        public String type() {
            return "chat.deleted";
        }
    }

    record ChatLikes(String messageId, int likes) implements StageEvent {
        public String type() {
            return "chat.likes";
        }
    }

    /** The pinned message changed; {@code messageId} null means nothing is pinned. */
    record ChatPinned(String messageId) implements StageEvent {
        public String type() {
            return "chat.pinned";
        }
    }

    record ChatCleared(String byId) implements StageEvent {
        public String type() {
            return "chat.cleared";
        }
    }

    record Reaction(String participantId, String emoji) implements StageEvent {
        public String type() {
            return "reaction";
        }
    }

    // ---- polls and quizzes ----

    /** To moderators: a draft exists (with its correct options). */
    record PollCreated(PollView poll) implements StageEvent {
        public String type() {
            return "poll.created";
        }
    }

    /** To everyone: answer now (no counts, no correct options). */
    record PollOpened(PollView poll) implements StageEvent {
        public String type() {
            return "poll.opened";
        }
    }

    /** To moderators: live counts after each answer. */
    record PollTally(String pollId, List<Integer> counts, int answers) implements StageEvent {
        public String type() {
            return "poll.tally";
        }
    }

    /** To everyone: final counts and, for a quiz, the correct options. */
    record PollClosed(PollView poll) implements StageEvent {
        public String type() {
            return "poll.closed";
        }
    }

    /** To each participant who answered a quiz: their own result. */
    record QuizResult(String pollId, int chosen, boolean correct, Set<Integer> correctOptions) implements StageEvent {
        public String type() {
            return "quiz.result";
        }
    }

    // ---- Q&A (to everyone) ----

    /** A new question, at the end of the list (no {@code upvoted}: that is per viewer, in the snapshot). */
    record QuestionAsked(QuestionView question) implements StageEvent {
        public String type() {
            return "qa.asked";
        }
    }

    /** A question was answered in text, or marked answered or open again: the question whole. */
    record QuestionChanged(QuestionView question) implements StageEvent {
        public String type() {
            return "qa.changed";
        }
    }

    /** Someone upvoted or took back an upvote. */
    record QuestionUpvotes(String questionId, int upvotes) implements StageEvent {
        public String type() {
            return "qa.upvotes";
        }
    }

    /** A moderator dismissed the question, or its asker withdrew it: it leaves every list. */
    record QuestionRemoved(String questionId, String byId) implements StageEvent {
        public String type() {
            return "qa.removed";
        }
    }

    /** The pinned question changed; {@code questionId} null means nothing is pinned. */
    record QuestionPinned(String questionId) implements StageEvent {
        public String type() {
            return "qa.pinned";
        }
    }

    // ---- the moderators' backchannel (audience BACKSTAGE, never attendees) ----

    record BackchannelPosted(ChatMessage message) implements StageEvent {
        public String type() {
            return "backchannel.message";
        }
    }

    record BackchannelDeleted(String messageId, String byId) implements StageEvent {
        public String type() {
            return "backchannel.deleted";
        }
    }

    /** To one participant who just joined the backchannel's people (on stage as a speaker, or promoted). */
    record BackchannelHistory(List<ChatMessage> messages) implements StageEvent {
        public BackchannelHistory {
            messages = List.copyOf(messages);
        }

        public String type() {
            return "backchannel.history";
        }
    }

    // ---- media plane (audience MEDIA_PLANE) ----

    /**
     * Whether this participant may publish at all (on stage) and may publish a screen track
     * (on stage and not an attendee). On {@code allowed=false} the media plane drops their next
     * packet and their tracks disappear for everyone.
     */
    record PublishPermissionChanged(String participantId, boolean allowed, boolean screenAllowed)
            implements StageEvent {
        public String type() {
            return "media.publishPermission";
        }
    }

    /** Stop ({@code muted}) or resume forwarding one track kind of this participant. */
    record TrackForcedMute(String participantId, TrackKind kind, boolean muted) implements StageEvent {
        public String type() {
            return "media.trackForcedMute";
        }
    }
}
