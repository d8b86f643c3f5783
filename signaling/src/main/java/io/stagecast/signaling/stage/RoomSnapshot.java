package io.stagecast.signaling.stage;

import java.util.List;

/**
 * Everything one participant needs to draw the room from scratch: sent once on join, admission
 * and reconnect; afterwards only deltas follow.
 *
 * @param you          the receiving participant's own row
 * @param raisedHands  ids in queue order (earliest first)
 * @param invitationExpiresInMillis for the receiver's pending invitation, or null
 * @param questions    the Q&amp;A in asking order, the receiver's own upvotes marked
 * @param backchannel  the moderators' backchannel, or null for someone who may not read it
 */
public record RoomSnapshot(
        String roomId,
        SessionState session,
        StageSettings settings,
        ParticipantState you,
        List<ParticipantState> participants,
        List<String> raisedHands,
        String spotlight,
        List<ChatMessage> chat,
        String pinnedMessageId,
        List<PollView> polls,
        Long invitationExpiresInMillis,
        List<QuestionView> questions,
        String pinnedQuestionId,
        List<ChatMessage> backchannel) {
}
