package io.stagecast.signaling.stage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A poll, or a quiz when it has correct options; one answer per participant. */
final class Poll {
    final String id;
    final String question;
    final List<String> options;
    final Set<Integer> correctOptions;
    final Map<String, Integer> answers = new LinkedHashMap<>();
    PollView.Status status = PollView.Status.DRAFT;

    Poll(String id, String question, List<String> options, Set<Integer> correctOptions) {
        this.id = id;
        this.question = question;
        this.options = List.copyOf(options);
        this.correctOptions = Set.copyOf(correctOptions);
    }

    boolean isQuiz() {
        return !correctOptions.isEmpty();
    }

    List<Integer> counts() {
        List<Integer> counts = new ArrayList<>(options.size());
        for (int i = 0; i < options.size(); i++) {
            counts.add(0);
        }
        for (int choice : answers.values()) {
            counts.set(choice, counts.get(choice) + 1);
        }
        return counts;
    }

    /** What {@code viewerId} may see: counts and correct options only for moderators or once closed. */
    PollView view(String viewerId, boolean moderator) {
        boolean reveal = moderator || status == PollView.Status.CLOSED;
        return new PollView(id, isQuiz(), question, options, status, reveal ? counts() : null,
                reveal ? correctOptions : null, viewerId == null ? null : answers.get(viewerId));
    }

    String debugState() {
        return id + " " + status + " " + question + " " + options + " correct=" + new java.util.TreeSet<>(correctOptions)
                + " answers=" + answers;
    }
}
