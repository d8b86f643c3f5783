package io.stagecast.sfu.transport;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The selection rules of RFC 8445 8.1.1 as an ICE-lite agent applies them, without a socket. */
class IcePairSelectionTest {
    private static final long MS = 1_000_000L;
    private static final long HOST = 2_122_260_223L;      // typ host, as browsers compute it
    private static final long SRFLX = 1_686_052_607L;     // typ srflx
    private static final long RELAY = 41_885_439L;        // typ relay

    private final InetSocketAddress host = new InetSocketAddress("192.0.2.1", 5000);
    private final InetSocketAddress srflx = new InetSocketAddress("198.51.100.7", 6000);
    private final InetSocketAddress relay = new InetSocketAddress("203.0.113.9", 7000);

    private static void check(IcePairSelection pairs, InetSocketAddress source, boolean nominated, long priority, long now) {
        pairs.admit(source);
        pairs.onValidCheck(source, null, nominated, priority, now);
    }

    @Test
    void theFirstValidCheckIsSelectedBeforeAnyNomination() {
        IcePairSelection pairs = new IcePairSelection(0);
        assertNull(pairs.selected());
        check(pairs, srflx, false, SRFLX, 1 * MS);
        check(pairs, host, false, HOST, 2 * MS);
        assertEquals(srflx, pairs.selected(), "an unnominated check does not move the pair");
        check(pairs, relay, true, RELAY, 3 * MS);
        assertEquals(relay, pairs.selected(), "a nominated pair replaces an unnominated one, whatever its priority");
    }

    @Test
    void theHighestPriorityNominationWinsInEitherArrivalOrder() {
        // Firefox's aggressive nomination: every pair it checks is nominated, ~20 ms apart.
        IcePairSelection bestFirst = new IcePairSelection(0);
        check(bestFirst, host, true, HOST, 0);
        check(bestFirst, srflx, true, SRFLX, 20 * MS);
        check(bestFirst, relay, true, RELAY, 40 * MS);
        assertEquals(host, bestFirst.selected());

        IcePairSelection bestLast = new IcePairSelection(0);
        check(bestLast, relay, true, RELAY, 0);
        check(bestLast, srflx, true, SRFLX, 20 * MS);
        check(bestLast, host, true, HOST, 40 * MS);
        assertEquals(host, bestLast.selected());
        assertEquals(3, bestLast.validated().size(), "every address that passed a check stays accepted");
    }

    @Test
    void anEqualPriorityRenominationIsFollowed() {
        // A new port of the same kind: the peer moved (network change).
        InetSocketAddress moved = new InetSocketAddress("192.0.2.1", 5002);
        IcePairSelection pairs = new IcePairSelection(0);
        check(pairs, host, true, HOST, 0);
        check(pairs, moved, true, HOST, 10 * MS);
        assertEquals(moved, pairs.selected());
    }

    @Test
    void aLowerPriorityNominationIsFollowedOnlyAfterTheSelectedPairFellSilent() {
        IcePairSelection pairs = new IcePairSelection(0);
        check(pairs, host, true, HOST, 0);
        long quiet = IcePairSelection.FOLLOW_LOWER_PRIORITY_AFTER_NANOS;
        check(pairs, relay, true, RELAY, quiet);
        assertEquals(host, pairs.selected(), "not silent for longer than the limit yet");

        pairs.onProofOfLife(quiet); // authenticated SRTP from the selected pair
        check(pairs, relay, true, RELAY, 2 * quiet);
        assertEquals(host, pairs.selected(), "the selected pair was heard from within the limit");

        check(pairs, relay, true, RELAY, 2 * quiet + 1);
        assertEquals(relay, pairs.selected(), "a silent selected pair gives way: a network change");
    }

    @Test
    void checksAndAuthenticatedPacketsFromTheSelectedPairAreProofOfLife() {
        IcePairSelection pairs = new IcePairSelection(0);
        assertEquals(5 * MS, pairs.silentNanos(5 * MS), "silent since the transport was created");
        check(pairs, host, true, HOST, 10 * MS);
        assertEquals(0, pairs.silentNanos(10 * MS));
        check(pairs, relay, true, RELAY, 20 * MS); // not selected: no proof of life for the selected pair
        assertEquals(10 * MS, pairs.silentNanos(20 * MS));
        pairs.onProofOfLife(30 * MS);
        assertEquals(0, pairs.silentNanos(30 * MS));
        assertTrue(pairs.isSelected(host, null));
        assertFalse(pairs.isSelected(relay, null));
    }

    @Test
    void theOldestUnselectedAddressMakesRoomWhenFull() {
        IcePairSelection pairs = new IcePairSelection(0);
        check(pairs, host, true, HOST, 0);
        InetSocketAddress first = null;
        for (int i = 1; i < IcePairSelection.MAX_VALIDATED_ADDRESSES; i++) {
            InetSocketAddress a = new InetSocketAddress("198.51.100.7", 6000 + i);
            first = first == null ? a : first;
            assertNull(pairs.admit(a));
        }
        assertNull(pairs.admit(host), "an address claimed again is not added twice");
        assertEquals(IcePairSelection.MAX_VALIDATED_ADDRESSES, pairs.validated().size());
        assertEquals(first, pairs.admit(relay), "the oldest unselected one goes, never the selected one");
        assertEquals(IcePairSelection.MAX_VALIDATED_ADDRESSES, pairs.validated().size());
        assertTrue(pairs.validated().contains(host));
        assertTrue(pairs.validated().contains(relay));
    }
}
