package io.stagecast.signaling.token;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoleTest {

    @Test
    void wireNamesAreLowerCaseAndRoundTrip() {
        assertEquals("moderator", Role.MODERATOR.wireName());
        for (Role role : Role.values()) {
            assertEquals(role, Role.fromWire(role.wireName()));
        }
    }

    @Test
    void unknownWireNameIsRefusedWithTheValue() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Role.fromWire("admin"));
        assertTrue(error.getMessage().contains("admin"));
        assertThrows(IllegalArgumentException.class, () -> Role.fromWire(null));
    }

    @Test
    void onlyAttendeesMayNotPublish() {
        assertTrue(Role.MODERATOR.mayPublish());
        assertTrue(Role.SPEAKER.mayPublish());
        assertFalse(Role.ATTENDEE.mayPublish());
    }
}
