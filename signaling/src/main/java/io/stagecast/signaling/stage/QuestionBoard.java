package io.stagecast.signaling.stage;

import io.stagecast.signaling.stage.StageEvent.QuestionAsked;
import io.stagecast.signaling.stage.StageEvent.QuestionChanged;
import io.stagecast.signaling.stage.StageEvent.QuestionPinned;
import io.stagecast.signaling.stage.StageEvent.QuestionRemoved;
import io.stagecast.signaling.stage.StageEvent.QuestionUpvotes;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The room's Q&amp;A: everyone admitted asks (bounded length, a per-participant rate, a bounded
 * list), everyone else upvotes once, moderators answer in text, mark answered, dismiss and pin
 * one. Pushed as deltas to everyone; the {@code qaEnabled} setting refuses every request while off
 * ({@code invalid_state}) and keeps the list.
 */
final class QuestionBoard {
    private final Roster roster;
    private final Map<String, Question> questions = new LinkedHashMap<>();
    private long nextId = 1;
    private String pinnedId;

    QuestionBoard(Roster roster) {
        this.roster = roster;
    }

    void ask(String actorId, String text, Events out) throws StageRefusal {
        Member m = roster.requireAdmitted(actorId);
        requireEnabled();
        if (m.chatBlocked) {
            throw StageRefusal.forbidden("a moderator blocked you from chat and questions");
        }
        StageLimits.QaLimits limits = roster.limits.qa();
        String question = requireText(text, limits.questionMaxChars(), "a question");
        if (questions.size() >= limits.maxQuestions()) {
            throw StageRefusal.capReached(RefusalCode.INVALID_STATE, "questions", "the room holds " + limits.maxQuestions()
                    + " questions: a moderator must dismiss some first");
        }
        long now = roster.now();
        if (!m.rates.question.allows(now)) {
            throw StageRefusal.rateLimited("at most " + limits.askBurst() + " questions per "
                    + limits.askWindow().toSeconds() + " s");
        }
        m.rates.question.record(now);
        Question q = new Question("q" + nextId++, m.id, m.name, question, roster.wallNow());
        questions.put(q.id, q);
        out.everyone(new QuestionAsked(q.view(null)));
    }

    /** Upvote ({@code up}) or take it back; once per participant, never one's own question. */
    void upvote(String actorId, String questionId, boolean up, Events out) throws StageRefusal {
        Member m = roster.requireAdmitted(actorId);
        requireEnabled();
        Question q = require(questionId);
        if (q.askerId.equals(m.id)) {
            throw StageRefusal.forbidden("you cannot upvote your own question");
        }
        if (q.upvoters.contains(m.id) == up) {
            throw StageRefusal.invalidState(up ? "already upvoted" : "not upvoted");
        }
        if (up) {
            q.upvoters.add(m.id);
        } else {
            q.upvoters.remove(m.id);
        }
        out.everyone(new QuestionUpvotes(q.id, q.upvoters.size()));
    }

    /** A moderator answers in text (or replaces the answer); the question is answered from now on. */
    void answer(String actorId, String questionId, String text, Events out) throws StageRefusal {
        Member actor = roster.requireModerator(actorId);
        requireEnabled();
        Question q = require(questionId);
        q.answer = requireText(text, roster.limits.qa().answerMaxChars(), "an answer");
        q.status = QuestionView.Status.ANSWERED;
        q.answeredBy = actor.id;
        out.everyone(new QuestionChanged(q.view(null)));
    }

    /** A moderator marks a question answered (said on stage) or open again; the same again is {@code invalid_state}. */
    void markAnswered(String actorId, String questionId, boolean answered, Events out) throws StageRefusal {
        Member actor = roster.requireModerator(actorId);
        requireEnabled();
        Question q = require(questionId);
        if ((q.status == QuestionView.Status.ANSWERED) == answered) {
            throw StageRefusal.invalidState(answered ? "already answered" : "not answered");
        }
        q.status = answered ? QuestionView.Status.ANSWERED : QuestionView.Status.OPEN;
        q.answeredBy = answered ? actor.id : null;
        out.everyone(new QuestionChanged(q.view(null)));
    }

    /** A moderator dismisses any question, its asker withdraws their own: it is gone for everyone. */
    void dismiss(String actorId, String questionId, Events out) throws StageRefusal {
        Member actor = roster.requireActor(actorId);
        requireEnabled();
        Question q = require(questionId);
        if (!actor.isModerator() && !actor.id.equals(q.askerId)) {
            throw StageRefusal.forbidden("only moderators dismiss other people's questions");
        }
        questions.remove(q.id);
        out.everyone(new QuestionRemoved(q.id, actor.id));
        if (q.id.equals(pinnedId)) {
            pinnedId = null;
            out.everyone(new QuestionPinned(null));
        }
    }

    /** A moderator pins one question above the others (replacing any pin), or unpins with null. */
    void pin(String actorId, String questionIdOrNull, Events out) throws StageRefusal {
        roster.requireModerator(actorId);
        requireEnabled();
        if (questionIdOrNull == null) {
            if (pinnedId == null) {
                throw StageRefusal.invalidState("no question is pinned");
            }
        } else {
            require(questionIdOrNull);
            if (questionIdOrNull.equals(pinnedId)) {
                return;
            }
        }
        pinnedId = questionIdOrNull;
        out.everyone(new QuestionPinned(pinnedId));
    }

    /** In asking order; {@code viewerId} null for the server's view (no one's votes). */
    List<QuestionView> views(String viewerId) {
        List<QuestionView> views = new ArrayList<>(questions.size());
        for (Question q : questions.values()) {
            views.add(q.view(viewerId));
        }
        return views;
    }

    String pinnedId() {
        return pinnedId;
    }

    private void requireEnabled() throws StageRefusal {
        if (!roster.settings.qaEnabled()) {
            throw StageRefusal.invalidState("Q&A is off");
        }
    }

    private Question require(String questionId) throws StageRefusal {
        Question q = questionId == null ? null : questions.get(questionId);
        if (q == null) {
            throw StageRefusal.notFound("no question " + questionId);
        }
        return q;
    }

    private static String requireText(String text, int maxChars, String what) throws StageRefusal {
        String stripped = text == null ? "" : text.strip();
        if (stripped.isEmpty() || stripped.codePointCount(0, stripped.length()) > maxChars) {
            throw StageRefusal.badRequest(what + " has 1.." + maxChars + " characters");
        }
        return stripped;
    }

    List<DurableRoom.QuestionState> durable() {
        List<DurableRoom.QuestionState> out = new ArrayList<>(questions.size());
        for (Question q : questions.values()) {
            out.add(new DurableRoom.QuestionState(q.id, q.askerId, q.askerName, q.text, q.askedAt.toString(),
                    List.copyOf(q.upvoters), q.status, q.answer, q.answeredBy));
        }
        return out;
    }

    long nextId() {
        return nextId;
    }

    void restore(List<DurableRoom.QuestionState> kept, long next, String pinned) {
        questions.clear();
        for (DurableRoom.QuestionState s : kept) {
            Question q = new Question(s.id(), s.askerId(), s.askerName(), s.text(), Instant.parse(s.askedAt()));
            q.upvoters.addAll(s.upvoters());
            q.status = s.status();
            q.answer = s.answer();
            q.answeredBy = s.answeredBy();
            questions.put(q.id, q);
        }
        nextId = next;
        pinnedId = pinned != null && questions.containsKey(pinned) ? pinned : null;
    }

    String debugState() {
        StringBuilder sb = new StringBuilder("questions=").append(nextId).append(" pinned=").append(pinnedId);
        for (Question q : questions.values()) {
            sb.append("\n  ").append(q.debugState());
        }
        return sb.toString();
    }
}
