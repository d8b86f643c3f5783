package io.stagecast.sfu.transport;

import io.stagecast.sfu.metrics.MediaMetrics;
import io.stagecast.sfu.metrics.NackRefusal;
import io.stagecast.sfu.rtcp.RoundTripEstimator;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetransmissionControlTest {
    private static final long MS = 1_000_000L;
    private static final long UNIT = 65_536; // 1 s in LSR/DLSR units

    @Test
    void resendIntervalIsTheRoundTripWithAFloorAndADefault() {
        RoundTripEstimator rtt = new RoundTripEstimator(ssrc -> true);
        RetransmissionControl control = new RetransmissionControl(rtt);
        assertEquals(100 * MS, control.resendIntervalNanos(), "no RTT known yet");
        rtt.onSample(UNIT, 0, UNIT + UNIT / 200); // 5 ms
        assertEquals(RetransmissionControl.MIN_RESEND_INTERVAL_MS * MS, control.resendIntervalNanos());
        RoundTripEstimator far = new RoundTripEstimator(ssrc -> true);
        far.onSample(UNIT, 0, UNIT + UNIT * 3 / 10); // 300 ms
        assertEquals(far.rttNanos(), new RetransmissionControl(far).resendIntervalNanos());
    }

    @Test
    void refusalsAndRetransmissionsAreSummedAndReportedOncePerTick() {
        MediaMetrics metrics = MediaMetrics.noop();
        RetransmissionControl control = new RetransmissionControl(new RoundTripEstimator(ssrc -> true));
        int taken = 0;
        while (control.tryRetransmit(1200)) {
            control.onRetransmitted(1210);
            taken++;
        }
        assertEquals(RetransmissionBudget.BURST_BYTES / 1200, taken, "the budget starts full");
        assertFalse(control.tryRetransmit(1200), "spent: refused and counted");
        control.refuse(NackRefusal.NOT_CACHED, 3);
        control.refuse(NackRefusal.RECENTLY_SENT, 1);
        assertEquals(0, metrics.nacksRefused(NackRefusal.OVER_BUDGET), "nothing reaches the metrics before the tick");

        control.reportTo(metrics);
        assertEquals(2, metrics.nacksRefused(NackRefusal.OVER_BUDGET));
        assertEquals(3, metrics.nacksRefused(NackRefusal.NOT_CACHED));
        assertEquals(1, metrics.nacksRefused(NackRefusal.RECENTLY_SENT));
        assertEquals(taken, metrics.nacksAnswered());
        assertEquals(taken * 1210.0, metrics.bytesRetransmitted());

        control.reportTo(metrics); // counts start again after each report
        assertEquals(2, metrics.nacksRefused(NackRefusal.OVER_BUDGET));
        assertEquals(taken, metrics.nacksAnswered());
    }

    @Test
    void mediaSentAndTheFloorRefillTheBudget() {
        RetransmissionControl control = new RetransmissionControl(new RoundTripEstimator(ssrc -> true));
        control.refill(0);
        while (control.tryRetransmit(1000)) {
            // drain
        }
        control.onSent(4 * 1000);
        assertTrue(control.tryRetransmit(1000), "a quarter of what is sent");
        assertFalse(control.tryRetransmit(1000));
        control.refill(1_000_000_000L / 16); // 1/16 s of the 16 kB/s floor
        assertTrue(control.tryRetransmit(1000));
    }
}
