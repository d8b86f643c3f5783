package io.stagecast.signaling.stage;

/**
 * One participant's rate windows: chat, reactions, questions and the backchannel each have their
 * own, and every other request that fans out to the room shares {@link #action}.
 */
final class MemberRates {
    final RateWindow chat;
    final RateWindow reaction;
    final RateWindow action;
    final RateWindow question;
    final RateWindow backchannel;

    MemberRates(StageLimits limits) {
        chat = new RateWindow(limits.chatBurst(), limits.chatWindow().toNanos());
        reaction = new RateWindow(limits.reactionBurst(), limits.reactionWindow().toNanos());
        action = new RateWindow(limits.actionBurst(), limits.actionWindow().toNanos());
        question = new RateWindow(limits.qa().askBurst(), limits.qa().askWindow().toNanos());
        backchannel = new RateWindow(limits.chatBurst(), limits.chatWindow().toNanos());
    }

    @Override
    public String toString() {
        return "chat=" + chat + " reactions=" + reaction + " actions=" + action + " questions=" + question
                + " backchannel=" + backchannel;
    }
}
