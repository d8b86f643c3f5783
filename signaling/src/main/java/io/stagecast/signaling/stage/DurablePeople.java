package io.stagecast.signaling.stage;

import io.stagecast.signaling.stage.DurableRoom.Person;
import io.stagecast.signaling.stage.DurableRoom.Standing;

import java.time.Instant;

/** {@link Member} to {@link Person} and back, for {@link StageRoom#durableState()} and {@link StageRoom#restore}. */
final class DurablePeople {
    private static final long NANOS_PER_MILLI = 1_000_000;

    private DurablePeople() {
    }

    /** Refuses a kept room with a part missing, before anything is restored from it. */
    static void check(DurableRoom kept) {
        if (kept.session() == null || kept.settings() == null || kept.people() == null || kept.chat() == null
                || kept.backchannel() == null || kept.polls() == null || kept.questions() == null) {
            throw new IllegalArgumentException("a kept room lacks a part");
        }
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (Person p : kept.people()) {
            if (p == null || p.id() == null || p.name() == null || p.role() == null || p.standing() == null
                    || !ids.add(p.id())) {
                throw new IllegalArgumentException("a kept person is incomplete or twice there");
            }
        }
        for (DurableRoom.Chat chat : java.util.List.of(kept.chat(), kept.backchannel())) {
            if (chat.messages() == null || chat.messages().stream().anyMatch(m -> m == null || m.id() == null
                    || m.sentAt() == null || m.likers() == null)) {
                throw new IllegalArgumentException("a kept message is incomplete");
            }
        }
        if (kept.polls().stream().anyMatch(p -> p == null || p.id() == null || p.options() == null
                || p.correctOptions() == null || p.answers() == null || p.status() == null)
                || kept.questions().stream().anyMatch(q -> q == null || q.id() == null || q.askedAt() == null
                || q.upvoters() == null || q.status() == null)) {
            throw new IllegalArgumentException("a kept poll or question is incomplete");
        }
    }

    /** @param now the room's nano clock */
    static Person of(Member m, long now) {
        Standing standing = Standing.VIEWER;
        String invitedBy = null;
        boolean viaRequest = false;
        long invitationLeft = 0;
        long onStageFor = 0;
        if (m.position instanceof Position.Lobby) {
            standing = Standing.LOBBY;
        } else if (m.position instanceof Position.Requested) {
            standing = Standing.REQUESTED;
        } else if (m.position instanceof Position.Invited invited) {
            standing = Standing.INVITED;
            invitedBy = invited.byId();
            viaRequest = invited.viaRequest();
            invitationLeft = Math.max(0, (invited.expiresAt() - now) / NANOS_PER_MILLI);
        } else if (m.position instanceof Position.OnStage onStage) {
            standing = Standing.STAGE;
            onStageFor = Math.max(0, (now - onStage.since()) / NANOS_PER_MILLI);
        }
        return new Person(m.id, m.name, m.role, m.mobile, standing, invitedBy, viaRequest, invitationLeft, onStageFor,
                m.hand == null ? null : m.hand.raisedAt().toString(), m.hand == null ? 0 : m.hand.order(),
                m.chatBlocked, m.tracks.forcedOff(TrackKind.MICROPHONE), m.tracks.forcedOff(TrackKind.CAMERA));
    }

    /**
     * The member back, disconnected since {@code now} (a fresh reconnect grace: the node they were
     * connected to is gone), publishing nothing until they publish again.
     */
    static Member member(Person p, StageLimits limits, long now) {
        Position position = switch (p.standing()) {
            case LOBBY -> Position.LOBBY;
            case VIEWER -> Position.VIEWER;
            case REQUESTED -> Position.REQUESTED;
            case INVITED -> new Position.Invited(p.invitedBy(), p.invitedViaRequest(),
                    now + p.invitationLeftMillis() * NANOS_PER_MILLI);
            case STAGE -> new Position.OnStage(now - p.onStageForMillis() * NANOS_PER_MILLI);
        };
        Member m = new Member(p.id(), p.name(), p.role(), p.mobile(), position, limits);
        if (p.handRaisedAt() != null) {
            m.hand = new Member.Hand(Instant.parse(p.handRaisedAt()), p.handOrder());
        }
        m.chatBlocked = p.chatBlocked();
        m.tracks.setForcedOff(TrackKind.MICROPHONE, p.microphoneForcedOff());
        m.tracks.setForcedOff(TrackKind.CAMERA, p.cameraForcedOff());
        m.connected = false;
        m.disconnectedAt = now;
        return m;
    }
}
