package io.stagecast.signaling.stage;

import io.stagecast.signaling.token.Role;

import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** A room on fake clocks plus the assertions every stage test uses. */
final class TestRoom {
    static final String MOD = "mod";

    final FakeTime time = new FakeTime();
    final StageRoom room;

    private TestRoom(StageSettings settings) {
        this(settings, StageLimits.DEFAULTS);
    }

    private TestRoom(StageSettings settings, StageLimits limits) {
        room = new StageRoom("r1", settings, limits, time, time);
    }

    /** A live room in {@code mode} with other limits, one moderator "mod". */
    static TestRoom live(AccessMode mode, StageLimits limits) {
        TestRoom t = new TestRoom(StageSettings.DEFAULTS.with(SettingsChange.NONE.withAccessMode(mode)), limits);
        t.ok(t.room.join(MOD, "Mia Moderator", Role.MODERATOR, false, false));
        t.ok(t.room.start(MOD));
        return t;
    }

    /** A room that has not started yet (lobby), nobody in it. */
    static TestRoom notStarted(AccessMode mode) {
        return new TestRoom(StageSettings.DEFAULTS.with(SettingsChange.NONE.withAccessMode(mode)));
    }

    /** A live room in {@code mode} with one moderator "mod" (a viewer). */
    static TestRoom live(AccessMode mode) {
        TestRoom t = notStarted(mode);
        t.ok(t.room.join(MOD, "Mia Moderator", Role.MODERATOR, false, false));
        t.ok(t.room.start(MOD));
        return t;
    }

    static TestRoom live(AccessMode mode, int capacity) {
        TestRoom t = live(mode);
        t.ok(t.room.changeSettings(MOD, SettingsChange.NONE.withCapacity(capacity)));
        return t;
    }

    void attendee(String id) {
        ok(room.join(id, "Attendee " + id, Role.ATTENDEE, false, false));
    }

    void speaker(String id) {
        ok(room.join(id, "Speaker " + id, Role.SPEAKER, false, false));
    }

    void moderator(String id) {
        ok(room.join(id, "Moderator " + id, Role.MODERATOR, false, false));
    }

    /** Puts an attendee on stage the long way in any mode but closed: invite and accept. */
    void attendeeOnStage(String id) {
        attendee(id);
        ok(room.inviteToStage(MOD, id));
        ok(room.acceptInvitation(id));
    }

    ParticipantState p(String id) {
        return room.participant(id).orElseThrow(() -> new AssertionError("no participant " + id));
    }

    List<Delivery> ok(Outcome outcome) {
        if (!outcome.ok()) {
            fail("refused: " + outcome);
        }
        return outcome.deliveries();
    }

    /** Runs a refused action and proves it changed nothing at all. */
    Outcome.Refused refused(RefusalCode code, Supplier<Outcome> action) {
        String before = room.debugState();
        Outcome outcome = action.get();
        assertFalse(outcome.ok(), () -> "expected " + code + " but succeeded: " + outcome);
        Outcome.Refused refused = (Outcome.Refused) outcome;
        assertEquals(code, refused.code(), refused.message());
        assertFalse(refused.message().isBlank());
        assertTrue(refused.deliveries().isEmpty());
        assertEquals(before, room.debugState(), "a refused action changed the room");
        return refused;
    }

    /** A successful action that changed nothing and announced nothing. */
    void noOp(Supplier<Outcome> action) {
        String before = room.debugState();
        assertEquals(List.of(), ok(action.get()));
        assertEquals(before, room.debugState());
    }

    static <T extends StageEvent> List<T> events(List<Delivery> deliveries, Class<T> type) {
        return deliveries.stream().map(Delivery::event).filter(type::isInstance).map(type::cast).toList();
    }

    static <T extends StageEvent> List<T> events(List<Delivery> deliveries, Audience audience, Class<T> type) {
        return deliveries.stream().filter(d -> d.audience().equals(audience))
                .map(Delivery::event).filter(type::isInstance).map(type::cast).toList();
    }

    static boolean delivered(List<Delivery> deliveries, Audience audience, StageEvent event) {
        return deliveries.contains(new Delivery(audience, event));
    }
}
