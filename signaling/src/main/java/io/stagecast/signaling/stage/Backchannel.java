package io.stagecast.signaling.stage;

import io.stagecast.signaling.stage.StageEvent.BackchannelDeleted;
import io.stagecast.signaling.stage.StageEvent.BackchannelHistory;
import io.stagecast.signaling.stage.StageEvent.BackchannelPosted;

import java.util.List;

/**
 * The moderators' backchannel: a chat of moderators and speakers on stage
 * ({@link Roster#backstage}), delivered to {@link Audience#BACKSTAGE} only, so no attendee ever
 * receives it. Someone who joins those people (a speaker arriving on stage, a promotion) gets the
 * history; someone who leaves them simply receives nothing more. Independent of the public chat's
 * switch and blocks: it is how the people running the room talk.
 */
final class Backchannel {
    private final Roster roster;
    private final ChatLog log;

    Backchannel(Roster roster) {
        this.roster = roster;
        this.log = new ChatLog("b", roster.limits.backchannelHistory());
    }

    void send(String actorId, String text, Events out) throws StageRefusal {
        Member m = requireBackstage(roster.requireAdmitted(actorId));
        ChatRules.requireText(text, roster.limits.chatMaxChars());
        long now = roster.now();
        if (!m.rates.backchannel.allows(now)) {
            throw StageRefusal.rateLimited("at most " + roster.limits.chatBurst() + " messages per "
                    + roster.limits.chatWindow().toSeconds() + " s");
        }
        m.rates.backchannel.record(now);
        // The log is bounded and has no pin: what falls out of it needs no event.
        out.backstage(new BackchannelPosted(log.post(m.id, m.name, text, roster.wallNow(), null).message()));
    }

    /** One's own message, or (moderators) any. */
    void delete(String actorId, String messageId, Events out) throws StageRefusal {
        Member m = requireBackstage(roster.requireActor(actorId));
        if (messageId == null || !log.contains(messageId)) {
            throw StageRefusal.notFound("no message " + messageId);
        }
        if (!m.isModerator() && !m.id.equals(log.senderOf(messageId))) {
            throw StageRefusal.forbidden("only moderators delete other people's messages");
        }
        log.delete(messageId);
        out.backstage(new BackchannelDeleted(messageId, m.id));
    }

    /** Called after a change of place or role: the history to someone who can read it only from now on. */
    void admitIfNew(Member m, boolean wasBackstage, Events out) {
        if (!wasBackstage && Roster.backstage(m) && !log.isEmpty()) {
            out.to(m.id, new BackchannelHistory(log.messages()));
        }
    }

    /** The history for someone who may read it, else null (the snapshot leaves it out). */
    List<ChatMessage> messagesFor(Member viewer) {
        return Roster.backstage(viewer) ? log.messages() : null;
    }

    List<ChatMessage> messages() {
        return log.messages();
    }

    private static Member requireBackstage(Member m) throws StageRefusal {
        if (!Roster.backstage(m)) {
            throw StageRefusal.forbidden("the backchannel is for moderators and speakers on stage");
        }
        return m;
    }

    ChatLog log() {
        return log;
    }

    String debugState() {
        return "backchannel " + log.debugState();
    }
}
