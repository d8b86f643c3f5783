package io.stagecast.signaling.stage;

import io.stagecast.signaling.token.Role;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What of a {@link StageRoom} outlives the node it runs on (issue 14, failover of the origin): the
 * session and settings, every person's role and place (requests and invitations included), hands,
 * spotlight, the chat and backchannel tails, polls with their answers, and the Q&amp;A. Plain data,
 * written by {@link StageRoom#durableState()} and read back by {@link StageRoom#restore}; times on
 * the room's nano clock are kept as what is left or what has passed, in milliseconds, since a
 * nano clock means nothing on another machine, and wall-clock instants as ISO-8601 text (to the
 * nanosecond, so what people see is the same to the digit).
 *
 * <p>Not kept, by design: who is connected (everyone comes back disconnected, within a fresh
 * reconnect grace), which tracks are on (the media is gone with the node: publishers publish again),
 * voice activity, rate-limit windows, reactions (they are gone in a second anyway).
 */
public record DurableRoom(
        SessionState session,
        StageSettings settings,
        List<Person> people,
        long nextHandOrder,
        String spotlightId,
        Chat chat,
        Chat backchannel,
        List<PollState> polls,
        long nextPollId,
        List<QuestionState> questions,
        long nextQuestionId,
        String pinnedQuestionId) {

    /** Where a person stands, one value per {@link Position} kind. */
    public enum Standing { LOBBY, VIEWER, REQUESTED, INVITED, STAGE }

    /**
     * @param invitationLeftMillis an invitation's time left to confirm ({@link Standing#INVITED})
     * @param onStageForMillis     how long on stage ({@link Standing#STAGE}): breaks eviction ties
     * @param handRaisedAt         an ISO-8601 instant, or null while the hand is down
     */
    public record Person(String id, String name, Role role, boolean mobile, Standing standing, String invitedBy,
                         boolean invitedViaRequest, long invitationLeftMillis, long onStageForMillis,
                         String handRaisedAt, long handOrder, boolean chatBlocked,
                         boolean microphoneForcedOff, boolean cameraForcedOff) {
    }

    /** A chat history (the room's or the backchannel's), oldest first. */
    public record Chat(List<Message> messages, long nextId, String pinnedId) {
    }

    /** One message and who liked it; {@code sentAt} an ISO-8601 instant. */
    public record Message(String id, String senderId, String senderName, String text, String sentAt,
                          String replyTo, List<String> likers) {
    }

    public record PollState(String id, String question, List<String> options, Set<Integer> correctOptions,
                            Map<String, Integer> answers, PollView.Status status) {
    }

    public record QuestionState(String id, String askerId, String askerName, String text, String askedAt,
                                List<String> upvoters, QuestionView.Status status, String answer, String answeredBy) {
    }
}
