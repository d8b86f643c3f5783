package io.stagecast.signaling.stage;

import io.stagecast.signaling.stage.StageEvent.ChatCleared;
import io.stagecast.signaling.stage.StageEvent.ChatDeleted;
import io.stagecast.signaling.stage.StageEvent.ChatLikes;
import io.stagecast.signaling.stage.StageEvent.ChatPinned;
import io.stagecast.signaling.stage.StageEvent.ChatPosted;
import io.stagecast.signaling.stage.StageEvent.Reaction;

/**
 * The room's chat (history, replies, likes, one pin, deletion, blocking) and reactions, which are
 * broadcast and not stored. Moderators may chat while chat is off; blocked participants not at all.
 */
final class ChatRules {
    private final Roster roster;
    private final ChatLog chat;
    /** Chat and reactions have a budget each, so that a flood of one does not silence the other. */
    private final BroadcastBudget chatBudget;
    private final BroadcastBudget reactionBudget;

    ChatRules(Roster roster) {
        this.roster = roster;
        this.chat = new ChatLog("m", roster.limits.chatHistory());
        this.chatBudget = new BroadcastBudget(roster.now());
        this.reactionBudget = new BroadcastBudget(roster.now());
    }

    ChatLog log() {
        return chat;
    }

    void send(String actorId, String text, String replyToOrNull, Events out) throws StageRefusal {
        Member m = requireChatter(actorId);
        requireText(text, roster.limits.chatMaxChars());
        if (replyToOrNull != null && !chat.contains(replyToOrNull)) {
            throw StageRefusal.notFound("no message " + replyToOrNull + " to reply to");
        }
        long now = roster.now();
        if (!m.rates.chat.allows(now)) {
            throw StageRefusal.rateLimited("at most " + roster.limits.chatBurst() + " messages per "
                    + roster.limits.chatWindow().toSeconds() + " s");
        }
        requireBudget(chatBudget, m, now, "messages");
        m.rates.chat.record(now);
        chatBudget.spend(now, roster.size());
        ChatLog.Posted posted = chat.post(m.id, m.name, text, roster.wallNow(), replyToOrNull);
        out.everyone(new ChatPosted(posted.message()));
        if (posted.unpinned()) {
            out.everyone(new ChatPinned(null));
        }
    }

    void like(String actorId, String messageId, boolean like, Events out) throws StageRefusal {
        Member m = requireChatter(actorId);
        requireMessage(messageId);
        if (chat.hasLiked(messageId, m.id) == like) {
            throw StageRefusal.invalidState(like ? "already liked" : "not liked");
        }
        out.everyone(new ChatLikes(messageId, chat.setLiked(messageId, m.id, like)));
    }

    void delete(String actorId, String messageId, Events out) throws StageRefusal {
        Member m = roster.requireActor(actorId);
        requireMessage(messageId);
        if (!m.isModerator() && !m.id.equals(chat.senderOf(messageId))) {
            throw StageRefusal.forbidden("only moderators delete other people's messages");
        }
        boolean unpinned = chat.delete(messageId);
        out.everyone(new ChatDeleted(messageId, m.id));
        if (unpinned) {
            out.everyone(new ChatPinned(null));
        }
    }

    void pin(String actorId, String messageIdOrNull, Events out) throws StageRefusal {
        roster.requireModerator(actorId);
        if (messageIdOrNull == null) {
            if (chat.pinnedId() == null) {
                throw StageRefusal.invalidState("nothing is pinned");
            }
        } else {
            requireMessage(messageIdOrNull);
            if (messageIdOrNull.equals(chat.pinnedId())) {
                return;
            }
        }
        chat.pin(messageIdOrNull);
        out.everyone(new ChatPinned(messageIdOrNull));
    }

    void clear(String actorId, Events out) throws StageRefusal {
        Member actor = roster.requireModerator(actorId);
        if (chat.isEmpty()) {
            return;
        }
        chat.clear();
        out.everyone(new ChatCleared(actor.id));
    }

    /** Blocks chat and questions: the two places where a participant writes to everyone. */
    void block(String actorId, String targetId, boolean blocked, Events out) throws StageRefusal {
        roster.requireModerator(actorId);
        Member target = roster.requireTarget(targetId);
        if (target.isModerator()) {
            throw StageRefusal.forbidden("moderators cannot be blocked from chat");
        }
        if (target.chatBlocked == blocked) {
            throw StageRefusal.invalidState(target.name + (blocked ? " is already blocked" : " is not blocked"));
        }
        target.chatBlocked = blocked;
        out.changed(target);
    }

    void react(String actorId, String emoji, Events out) throws StageRefusal {
        Member m = roster.requireAdmitted(actorId);
        if (!roster.settings.reactionsEnabled()) {
            throw StageRefusal.invalidState("reactions are off");
        }
        if (emoji == null || !roster.limits.reactionEmoji().contains(emoji)) {
            throw StageRefusal.badRequest("not an allowed reaction");
        }
        long now = roster.now();
        if (!m.rates.reaction.allows(now)) {
            throw StageRefusal.rateLimited("at most " + roster.limits.reactionBurst() + " reactions per "
                    + roster.limits.reactionWindow().toSeconds() + " s");
        }
        requireBudget(reactionBudget, m, now, "reactions");
        m.rates.reaction.record(now);
        reactionBudget.spend(now, roster.size());
        out.everyone(new Reaction(m.id, emoji));
    }

    /** The room's own budget ({@link BroadcastBudget}): a large room's posts slow down; a moderator's always pass. */
    private void requireBudget(BroadcastBudget budget, Member m, long now, String what) throws StageRefusal {
        if (!m.isModerator() && !budget.allows(now, roster.size())) {
            throw StageRefusal.rateLimited("the room is busy: with " + roster.size() + " people in it, it takes about "
                    + Math.max(1, BroadcastBudget.DELIVERIES_PER_SECOND / roster.size()) + " " + what
                    + " a second from everyone together; try again in a moment");
        }
    }

    /** 1..{@code maxChars} code points, not blank: the rule of every text people post. */
    static void requireText(String text, int maxChars) throws StageRefusal {
        if (text == null || text.isBlank()) {
            throw StageRefusal.badRequest("empty message");
        }
        if (text.codePointCount(0, text.length()) > maxChars) {
            throw StageRefusal.badRequest("messages are at most " + maxChars + " characters");
        }
    }

    private Member requireChatter(String actorId) throws StageRefusal {
        Member m = roster.requireAdmitted(actorId);
        if (!roster.settings.chatEnabled() && !m.isModerator()) {
            throw StageRefusal.invalidState("chat is off");
        }
        if (m.chatBlocked) {
            throw StageRefusal.forbidden("a moderator blocked you from chat");
        }
        return m;
    }

    private void requireMessage(String messageId) throws StageRefusal {
        if (messageId == null || !chat.contains(messageId)) {
            throw StageRefusal.notFound("no message " + messageId);
        }
    }
}
