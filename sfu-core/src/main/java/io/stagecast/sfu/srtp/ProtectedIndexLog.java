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
 * About 6.5 KiB per sending SSRC; no allocation per packet.
 */
final class ProtectedIndexLog {
    /** Packets remembered: as far back as a NACK is ever answered (the consumer's history). */
    static final int SIZE = 512;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Low 32 bits of the index held by each slot (unambiguous within the window); see {@link #filled}. */
    private final int[] indexTag = new int[SIZE];
    private final long[] tagPrints = new long[SIZE];
    private final boolean[] filled = new boolean[SIZE];
    private long highest = -1;

    /**
     * Whether the packet protected under {@code index} with tag print {@code print} may be sent: a
     * new index (recorded now), or one that went out before with the same tag.
     */
    boolean admit(long index, long print) {
        if (highest >= 0 && index <= highest - SIZE) {
            return false;
        }
        int slot = (int) (index & (SIZE - 1));
        if (filled[slot] && indexTag[slot] == (int) index) {
            return tagPrints[slot] == print;
        }
        // The slot holds nothing or an index SIZE or more away: this index is new.
        filled[slot] = true;
        indexTag[slot] = (int) index;
        tagPrints[slot] = print;
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
