package io.stagecast.sfu.router;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyframeRequestsTest {
    private static final long MS = 1_000_000L;

    @Test
    void requestsWithinTheIntervalAreOneAndAnUnansweredOneIsRepeated() {
        KeyframeRequests requests = new KeyframeRequests();
        assertTrue(requests.request(1000 * MS));
        assertFalse(requests.request(1100 * MS), "aggregated");
        assertFalse(requests.retryDue(1400 * MS));
        assertTrue(requests.retryDue(1500 * MS), "no keyframe came: ask again");
        requests.onKeyframe();
        assertFalse(requests.retryDue(2500 * MS), "answered");
    }
}
