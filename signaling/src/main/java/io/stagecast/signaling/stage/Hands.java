package io.stagecast.signaling.stage;

import io.stagecast.signaling.stage.StageEvent.AllHandsLowered;

import java.util.Comparator;
import java.util.List;

/** Raised hands: one queue, earliest first; going on stage lowers one's hand. */
final class Hands {
    private final Roster roster;
    private long nextOrder = 1;

    Hands(Roster roster) {
        this.roster = roster;
    }

    void raise(String actorId, Events out) throws StageRefusal {
        Member m = roster.requireAdmitted(actorId);
        if (m.hand != null) {
            return;
        }
        m.hand = new Member.Hand(roster.wallNow(), nextOrder++);
        out.changed(m);
    }

    void lower(String actorId, String targetId, Events out) throws StageRefusal {
        Member actor = roster.requireActor(actorId);
        Member target = roster.requireTarget(targetId);
        if (target != actor && !actor.isModerator()) {
            throw StageRefusal.forbidden("only moderators lower other people's hands");
        }
        if (target.hand == null) {
            return;
        }
        lower(target);
        out.changed(target);
    }

    void lowerAll(String actorId, Events out) throws StageRefusal {
        Member actor = roster.requireModerator(actorId);
        boolean any = false;
        for (Member m : roster.all()) {
            if (m.hand != null) {
                lower(m);
                any = true;
            }
        }
        if (any) {
            out.everyone(new AllHandsLowered(actor.id));
        }
    }

    void lower(Member m) {
        m.hand = null;
    }

    List<String> raised() {
        return roster.all().stream()
                .filter(m -> m.hand != null)
                .sorted(Comparator.comparingLong(m -> m.hand.order()))
                .map(m -> m.id)
                .toList();
    }

    long nextOrder() {
        return nextOrder;
    }

    void restoreNextOrder(long next) {
        nextOrder = next;
    }

    String debugState() {
        return "hands=" + nextOrder;
    }
}
