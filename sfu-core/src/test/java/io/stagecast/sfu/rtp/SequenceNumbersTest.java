package io.stagecast.sfu.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SequenceNumbersTest {

    @Test
    void distanceIsSignedAcrossTheWrap() {
        assertEquals(1, SequenceNumbers.diff(0, 65535));
        assertEquals(-1, SequenceNumbers.diff(65535, 0));
        assertEquals(10, SequenceNumbers.diff(5, 65531));
        assertEquals(0, SequenceNumbers.diff(1234, 1234));
        assertEquals(32767, SequenceNumbers.diff(32767, 0));
        assertEquals(-32768, SequenceNumbers.diff(32768, 0));
    }

    @Test
    void newerFollowsTheWrap() {
        assertTrue(SequenceNumbers.isNewer(0, 65535));
        assertFalse(SequenceNumbers.isNewer(65535, 0));
        assertTrue(SequenceNumbers.isNewer(101, 100));
        assertFalse(SequenceNumbers.isNewer(100, 100));
    }

    @Test
    void exactlyHalfwayApartExactlyOneIsNewer() {
        assertNotEquals(SequenceNumbers.isNewer(32768, 0), SequenceNumbers.isNewer(0, 32768));
        assertNotEquals(SequenceNumbers.isNewer(40000, 7232), SequenceNumbers.isNewer(7232, 40000));
        assertTrue(SequenceNumbers.isNewer(32768, 0));
    }
}
