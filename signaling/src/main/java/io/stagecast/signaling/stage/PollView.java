package io.stagecast.signaling.stage;

import java.util.List;
import java.util.Set;

/**
 * A poll or quiz as one participant may see it. Counts and correct options are hidden
 * ({@code null}) from non-moderators until the poll is closed.
 *
 * @param yourAnswer the option index this participant chose, or null
 */
public record PollView(String id, boolean quiz, String question, List<String> options, Status status,
                       List<Integer> counts, Set<Integer> correctOptions, Integer yourAnswer) {

    public enum Status {
        DRAFT,
        OPEN,
        CLOSED
    }
}
