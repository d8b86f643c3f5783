package io.stagecast.signaling.stage;

import io.stagecast.signaling.stage.StageEvent.PollClosed;
import io.stagecast.signaling.stage.StageEvent.PollCreated;
import io.stagecast.signaling.stage.StageEvent.PollOpened;
import io.stagecast.signaling.stage.StageEvent.PollTally;
import io.stagecast.signaling.stage.StageEvent.QuizResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Polls and quizzes: moderators draft, open and close; everyone answers once. */
final class Polls {
    private final Roster roster;
    private final Map<String, Poll> polls = new LinkedHashMap<>();
    private long nextId = 1;

    Polls(Roster roster) {
        this.roster = roster;
    }

    void create(String actorId, String question, List<String> options, Set<Integer> correctOptions, Events out)
            throws StageRefusal {
        roster.requireModerator(actorId);
        requireEnabled();
        if (polls.size() >= roster.limits.maxPolls()) {
            throw StageRefusal.capReached(RefusalCode.INVALID_STATE, "polls", "the room holds "
                    + roster.limits.maxPolls() + " polls, as many as it keeps");
        }
        requireText(question, "question");
        int maxOptions = roster.limits.pollMaxOptions();
        if (options == null || options.size() < 2 || options.size() > maxOptions) {
            throw StageRefusal.badRequest("a poll has 2.." + maxOptions + " options");
        }
        for (String option : options) {
            requireText(option, "option");
        }
        Set<Integer> correct = correctOptions == null ? Set.of() : correctOptions;
        for (Integer index : correct) {
            if (index == null || index < 0 || index >= options.size()) {
                throw StageRefusal.badRequest("correct option " + index + " is not an option index");
            }
        }
        Poll poll = new Poll("p" + nextId++, question.strip(), options.stream().map(String::strip).toList(), correct);
        polls.put(poll.id, poll);
        out.moderators(new PollCreated(poll.view(null, true)));
    }

    void open(String actorId, String pollId, Events out) throws StageRefusal {
        roster.requireModerator(actorId);
        requireEnabled();
        Poll poll = require(pollId);
        if (poll.status != PollView.Status.DRAFT) {
            throw StageRefusal.invalidState("the poll was already opened");
        }
        poll.status = PollView.Status.OPEN;
        out.everyone(new PollOpened(poll.view(null, false)));
    }

    void answer(String actorId, String pollId, int option, Events out) throws StageRefusal {
        Member m = roster.requireAdmitted(actorId);
        requireEnabled();
        Poll poll = require(pollId);
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
    }

    void close(String actorId, String pollId, Events out) throws StageRefusal {
        roster.requireModerator(actorId);
        Poll poll = require(pollId);
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
    }

    /** What one participant may see: drafts and live counts only for moderators. */
    List<PollView> views(String viewerId, boolean moderator) {
        List<PollView> views = new ArrayList<>();
        for (Poll poll : polls.values()) {
            if (moderator || poll.status != PollView.Status.DRAFT) {
                views.add(poll.view(viewerId, moderator));
            }
        }
        return views;
    }

    private void requireEnabled() throws StageRefusal {
        if (!roster.settings.pollsEnabled()) {
            throw StageRefusal.invalidState("polls are off");
        }
    }

    private Poll require(String pollId) throws StageRefusal {
        Poll poll = pollId == null ? null : polls.get(pollId);
        if (poll == null) {
            throw StageRefusal.notFound("no poll " + pollId);
        }
        return poll;
    }

    private void requireText(String text, String what) throws StageRefusal {
        int max = roster.limits.pollTextMaxChars();
        if (text == null || text.isBlank() || text.strip().length() > max) {
            throw StageRefusal.badRequest("a " + what + " has 1.." + max + " characters");
        }
    }

    List<DurableRoom.PollState> durable() {
        List<DurableRoom.PollState> out = new ArrayList<>(polls.size());
        for (Poll p : polls.values()) {
            out.add(new DurableRoom.PollState(p.id, p.question, p.options, p.correctOptions,
                    new LinkedHashMap<>(p.answers), p.status));
        }
        return out;
    }

    long nextId() {
        return nextId;
    }

    void restore(List<DurableRoom.PollState> kept, long next) {
        polls.clear();
        for (DurableRoom.PollState s : kept) {
            Poll p = new Poll(s.id(), s.question(), s.options(), s.correctOptions());
            p.answers.putAll(s.answers());
            p.status = s.status();
            polls.put(p.id, p);
        }
        nextId = next;
    }

    String debugState() {
        StringBuilder sb = new StringBuilder("polls=").append(nextId);
        for (Poll p : polls.values()) {
            sb.append('\n').append(p.debugState());
        }
        return sb.toString();
    }
}
