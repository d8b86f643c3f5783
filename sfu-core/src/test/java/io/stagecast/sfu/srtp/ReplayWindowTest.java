package io.stagecast.sfu.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplayWindowTest {

    @Test
    void windowCoversExactly128IndicesBelowTheHighest() {
        ReplayWindow window = new ReplayWindow();
        window.accept(1000);
        assertTrue(window.isReplay(1000));
        assertFalse(window.isReplay(1000 - 127), "inside the window, not seen");
        assertTrue(window.isReplay(1000 - 128), "one below the window");
        assertFalse(window.isReplay(1001));
        window.accept(1000 - 127);
        assertTrue(window.isReplay(1000 - 127));
    }

    @Test
    void behavesLikeASetOfSeenIndicesWithinTheWindow() {
        Random random = new Random(7);
        for (int run = 0; run < 200; run++) {
            ReplayWindow window = new ReplayWindow();
            Set<Long> seen = new HashSet<>();
            long highest = -1;
            long base = random.nextInt(1 << 20);
            for (int step = 0; step < 500; step++) {
                // Mostly small moves around the top, sometimes jumps of up to 300.
                long index = Math.max(0, base + random.nextInt(random.nextInt(10) == 0 ? 600 : 160) - 140);
                boolean expected = highest >= 0 && (seen.contains(index) || index <= highest - ReplayWindow.SIZE);
                assertEquals(expected, window.isReplay(index), "run " + run + " step " + step + " index " + index);
                if (!expected) {
                    window.accept(index);
                    seen.add(index);
                    highest = Math.max(highest, index);
                    base = Math.max(base, index);
                }
            }
        }
    }

    @Test
    void resetForgetsEverything() {
        ReplayWindow window = new ReplayWindow();
        window.accept(5);
        window.reset();
        assertFalse(window.isReplay(5));
        assertEquals(-1, window.highest());
    }
}
