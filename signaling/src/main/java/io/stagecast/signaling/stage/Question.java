package io.stagecast.signaling.stage;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

/** One question of the Q&amp;A with who upvoted it (once each) and its answer. */
final class Question {
    final String id;
    final String askerId;
    final String askerName;
    final String text;
    final Instant askedAt;
    final Set<String> upvoters = new LinkedHashSet<>();
    QuestionView.Status status = QuestionView.Status.OPEN;
    String answer;
    String answeredBy;

    Question(String id, String askerId, String askerName, String text, Instant askedAt) {
        this.id = id;
        this.askerId = askerId;
        this.askerName = askerName;
        this.text = text;
        this.askedAt = askedAt;
    }

    /** @param viewerId who looks (their own vote shown), or null for an event to everyone */
    QuestionView view(String viewerId) {
        return new QuestionView(id, askerId, askerName, text, askedAt, upvoters.size(),
                viewerId == null ? null : upvoters.contains(viewerId), status, answer, answeredBy);
    }

    String debugState() {
        return id + " " + askerId + " " + status + " " + text + " answer=" + answer + " by=" + answeredBy
                + " upvoters=" + upvoters;
    }
}
