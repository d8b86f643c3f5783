package io.stagecast.signaling.stage;

import io.stagecast.signaling.stage.StageEvent.*;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.stagecast.signaling.stage.TestRoom.MOD;
import static org.junit.jupiter.api.Assertions.*;

class SettingsTest {

    @Test
    void defaultsAreRequestModeCapacity25AllFeaturesOn() {
        StageSettings s = new StageRoom("r").settings();
        assertEquals(AccessMode.REQUEST, s.accessMode());
        assertEquals(25, s.capacity());
        assertTrue(s.chatEnabled() && s.reactionsEnabled() && s.pollsEnabled());
        assertFalse(s.strongMute() || s.locked());
        assertEquals(SessionState.LOBBY, new StageRoom("r").session());
    }

    @Test
    void moderatorChangesSettingsAndEveryoneIsTold() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        List<Delivery> d = t.ok(t.room.changeSettings(MOD,
                SettingsChange.NONE.withAccessMode(AccessMode.OPEN).withCapacity(10).withChatEnabled(false)));
        StageSettings s = t.room.settings();
        assertEquals(AccessMode.OPEN, s.accessMode());
        assertEquals(10, s.capacity());
        assertFalse(s.chatEnabled());
        assertTrue(s.reactionsEnabled(), "untouched fields stay");
        assertEquals(List.of(new Delivery(Audience.EVERYONE, new SettingsChanged(s))), d);
    }

    @Test
    void attendeeCannotChangeSettings() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.attendee("a");
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.changeSettings("a", SettingsChange.NONE.withAccessMode(AccessMode.OPEN)));
        t.speaker("s");
        t.refused(RefusalCode.FORBIDDEN, () -> t.room.changeSettings("s", SettingsChange.NONE.withLocked(true)));
    }

    @Test
    void capacityOutOfRangeIsBadRequest() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.changeSettings(MOD, SettingsChange.NONE.withCapacity(0)));
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.changeSettings(MOD, SettingsChange.NONE.withCapacity(101)));
    }

    @Test
    void emptyChangeIsBadRequest() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.changeSettings(MOD, SettingsChange.NONE));
        t.refused(RefusalCode.BAD_REQUEST, () -> t.room.changeSettings(MOD, null));
    }

    @Test
    void changeToCurrentValuesIsANoOp() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.noOp(() -> t.room.changeSettings(MOD, SettingsChange.NONE.withAccessMode(AccessMode.REQUEST)));
    }

    @Test
    void accessModeWireNamesRoundTrip() {
        for (AccessMode mode : AccessMode.values()) {
            assertEquals(mode, AccessMode.fromWire(mode.wireName()));
        }
        assertThrows(IllegalArgumentException.class, () -> AccessMode.fromWire("OPEN"));
    }

    @Test
    void refusalCodesHaveStableWireNames() {
        assertEquals(List.of("forbidden", "invalid_state", "not_found", "rate_limited", "bad_request",
                        "invalid_name", "room_full"),
                java.util.Arrays.stream(RefusalCode.values()).map(c -> c.wire).toList());
    }

    @Test
    void eventsNameTheirWireType() {
        StageEvent e = new SpotlightChanged(null);
        assertEquals("spotlight.changed", e.type());
        assertEquals("media.publishPermission", new PublishPermissionChanged("x", true, true).type());
    }
}
