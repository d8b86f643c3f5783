package io.stagecast.signaling.stage;

import java.time.Instant;

/**
 * A question of the room's Q&amp;A as clients see it.
 *
 * @param upvoted     whether the receiving participant upvoted it; null in events to everyone
 *                    (each client knows its own votes) and for the server
 * @param answer      a moderator's answer in text, or null
 * @param answeredBy  who answered or marked it answered, or null while open
 */
public record QuestionView(String id, String askerId, String askerName, String text, Instant askedAt, int upvotes,
                           Boolean upvoted, Status status, String answer, String answeredBy) {

    public enum Status {
        OPEN,
        ANSWERED
    }
}
