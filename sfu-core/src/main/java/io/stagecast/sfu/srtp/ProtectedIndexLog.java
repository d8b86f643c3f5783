package io.stagecast.sfu.srtp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The packet indices one sending SRTP stream protected recently, each with the first 8 bytes of
 * the authentication tag it got, so that one index never goes out with two different packets.
 *
 * <p>Why: SRTP's keystream (AES-CM) and AES-GCM's IV are functions of the packet index alone
 * (RFC 3711 4.1.1, RFC 7714 8.1). Two different plaintexts under one index expose their XOR, and
 * for GCM two different authenticated headers under one IV give away the GHASH key, with which
 * anyone can forge packets (RFC 7714 15, "nonce reuse"). A retransmission without RTX legitimately
 * protects an index again, but only a byte-identical copy is safe: the same bytes under the same
 * keystream and IV are the same ciphertext and tag, and tell an eavesdropper nothing new.
 *
 * <p>The check runs on the tag the protection has just computed: the tag is a keyed MAC of the
 * whole packet (HMAC-SHA1 over header and ciphertext, or GCM's tag over header and plaintext), so
 * a different packet under the same index has a different tag except with negligible probability,
 * and nobody without the key can make two collide. Computing a ciphertext that is then not sent
 * reveals nothing; only sending two would. This costs a compare per packet, where hashing each
 * packet's bytes beforehand cost a pass over all of them.
 *
 * <p>An index older than the {@value #SIZE} packets remembered cannot be checked and is refused.
 * 8 KiB per sending SSRC; no allocation per packet. A slot's index and print sit side by side in
 * one array, so a packet touches one cache line here: with a thousand subscribers the logs do not
 * fit the caches, and three parallel arrays cost three misses per packet (measured in the egress
 * benchmark's profile at fan-out 100).
 */
final class ProtectedIndexLog {
    /** Packets remembered: as far back as a NACK is ever answered (the consumer's history). */
    static final int SIZE = 512;
    private static final long EMPTY = -1;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Slot {@code s}: the index at {@code 2s} ({@link #EMPTY} when none), its tag print at {@code 2s + 1}. */
    private final long[] slots = new long[2 * SIZE];
    private long highest = -1;

    ProtectedIndexLog() {
        for (int i = 0; i < slots.length; i += 2) {
            slots[i] = EMPTY;
        }
    }

    /**
     * Whether the packet protected under {@code index} with tag print {@code print} may be sent: a
     * new index (recorded now), or one that went out before with the same tag.
     */
    boolean admit(long index, long print) {
        if (highest >= 0 && index <= highest - SIZE) {
            return false;
        }
        int at = (int) (index & (SIZE - 1)) << 1;
        if (slots[at] == index) {
            return slots[at + 1] == print;
        }
        // The slot holds nothing or an index SIZE or more away: this index is new.
        slots[at] = index;
        slots[at + 1] = print;
        if (index > highest) {
            highest = index;
        }
        return true;
    }

    /** The first 8 bytes of the tag at {@code at} (every profile's tag is at least 10 bytes long). */
    static long tagPrint(byte[] buf, int at) {
        return (long) LONGS.get(buf, at);
    }
}
