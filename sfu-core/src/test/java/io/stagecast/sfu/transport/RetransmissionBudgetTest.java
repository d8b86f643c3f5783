package io.stagecast.sfu.transport;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetransmissionBudgetTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void startsWithOneBurstAndRefusesBeyondIt() {
        RetransmissionBudget budget = new RetransmissionBudget();
        int taken = 0;
        while (budget.tryTake(1200)) {
            taken += 1200;
        }
        assertTrue(taken <= RetransmissionBudget.BURST_BYTES && taken > RetransmissionBudget.BURST_BYTES - 1200, "took " + taken);
        assertFalse(budget.tryTake(1));
    }

    @Test
    void aQuarterOfWhatIsSentComesBack() {
        RetransmissionBudget budget = new RetransmissionBudget();
        while (budget.tryTake(1000)) {
            // empty it
        }
        long left = budget.available();
        for (int i = 0; i < 100; i++) {
            budget.onSent(1200);
        }
        assertEquals(left + 100 * 1200 / RetransmissionBudget.SHARE_DIVISOR, budget.available());
    }

    @Test
    void theFloorRefillsWithTimeButNeverBeyondTheBurst() {
        RetransmissionBudget budget = new RetransmissionBudget();
        budget.refill(0);
        while (budget.tryTake(1000)) {
            // empty it
        }
        long left = budget.available();
        budget.refill(SECOND / 2);
        assertEquals(left + RetransmissionBudget.FLOOR_BYTES_PER_SECOND / 2, budget.available());
        budget.refill(3_600 * SECOND);
        assertEquals(RetransmissionBudget.BURST_BYTES, budget.available());
        for (int i = 0; i < 1000; i++) {
            budget.onSent(1200);
        }
        assertEquals(RetransmissionBudget.BURST_BYTES, budget.available());
    }
}
