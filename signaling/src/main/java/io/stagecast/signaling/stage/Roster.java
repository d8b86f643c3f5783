package io.stagecast.signaling.stage;

import io.stagecast.signaling.token.Role;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What every part of a {@link StageRoom} reads: the members in join order, the session state, the
 * settings, the clocks, and the checks that find the actor or the target of an action. The server
 * actor ({@link StageRoom#SERVER}) is found here as a moderator who is not in the room.
 */
final class Roster {
    final StageLimits limits;
    private final Clock wallClock;
    private final LongSupplier nanoTime;
    private final Map<String, Member> members = new LinkedHashMap<>();
    /** Stands for the application's server: a moderator with no place, no rate limit, never on any list. */
    private final Member server;
    StageSettings settings;
    SessionState session = SessionState.LOBBY;

    Roster(StageSettings settings, StageLimits limits, Clock wallClock, LongSupplier nanoTime) {
        this.settings = settings;
        this.limits = limits;
        this.wallClock = wallClock;
        this.nanoTime = nanoTime;
        this.server = new Member(StageRoom.SERVER, "the server", Role.MODERATOR, false, Position.VIEWER, limits);
    }

    long now() {
        return nanoTime.getAsLong();
    }

    Instant wallNow() {
        return wallClock.instant();
    }

    Member get(String id) {
        return id == null ? null : members.get(id);
    }

    boolean contains(String id) {
        return id != null && members.containsKey(id);
    }

    void add(Member m) {
        members.put(m.id, m);
    }

    void remove(Member m) {
        members.remove(m.id);
    }

    /** Everyone the room holds: admitted, in the lobby, or within the reconnect grace. */
    int size() {
        return members.size();
    }

    Collection<Member> all() {
        return members.values();
    }

    /** A copy, for loops that may remove members. */
    List<Member> snapshotOfAll() {
        return new ArrayList<>(members.values());
    }

    boolean isServer(Member m) {
        return m == server;
    }

    /** Moderators, and speakers while on stage: who may read and write the backchannel. */
    static boolean backstage(Member m) {
        return m.isModerator() || (m.onStage() && m.role != Role.ATTENDEE);
    }

    int lobbySize() {
        int n = 0;
        for (Member m : members.values()) {
            if (m.inLobby()) {
                n++;
            }
        }
        return n;
    }

    int moderatorCount() {
        int n = 0;
        for (Member m : members.values()) {
            if (m.isModerator()) {
                n++;
            }
        }
        return n;
    }

    /** Connected participants an audience reaches now (the lobby never; in grace, the snapshot on return). */
    List<String> recipients(Audience audience) {
        List<String> ids = new ArrayList<>();
        if (audience instanceof Audience.Only only) {
            Member m = get(only.participantId());
            if (m != null && m.connected) {
                ids.add(m.id);
            }
            return ids;
        }
        if (audience instanceof Audience.MediaPlane) {
            return ids;
        }
        for (Member m : members.values()) {
            if (m.connected && !m.inLobby() && reaches(audience, m)) {
                ids.add(m.id);
            }
        }
        return ids;
    }

    private static boolean reaches(Audience audience, Member m) {
        if (audience instanceof Audience.Moderators) {
            return m.isModerator();
        }
        if (audience instanceof Audience.Backstage) {
            return backstage(m);
        }
        return true;
    }

    Member requireMember(String participantId) throws StageRefusal {
        Member m = get(participantId);
        if (m == null) {
            throw StageRefusal.notFound("not in the room");
        }
        return m;
    }

    /** The actor of an action on oneself: present, admitted, session not over. Never the server. */
    Member requireAdmitted(String actorId) throws StageRefusal {
        if (StageRoom.SERVER.equals(actorId)) {
            throw StageRefusal.forbidden("the server acts on participants, not as one");
        }
        return requireLive(requireMember(actorId));
    }

    /** The actor of an action that may be aimed at others: an admitted participant or the server. */
    Member requireActor(String actorId) throws StageRefusal {
        return StageRoom.SERVER.equals(actorId) ? requireLive(server) : requireAdmitted(actorId);
    }

    Member requireModerator(String actorId) throws StageRefusal {
        Member m = requireActor(actorId);
        if (!m.isModerator()) {
            throw StageRefusal.forbidden("only moderators may do this");
        }
        return m;
    }

    /** Someone an action is aimed at; people in the lobby are not visible yet. */
    Member requireTarget(String targetId) throws StageRefusal {
        Member m = get(targetId);
        if (m == null || m.inLobby()) {
            throw StageRefusal.notFound("no participant " + targetId);
        }
        return m;
    }

    private Member requireLive(Member m) throws StageRefusal {
        if (session == SessionState.ENDED) {
            throw StageRefusal.invalidState("the session has ended");
        }
        if (m.inLobby()) {
            throw StageRefusal.invalidState("waiting in the lobby until a moderator starts the session");
        }
        return m;
    }
}
