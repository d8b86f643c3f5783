package io.stagecast.sfu.srtp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The packet indices one sending SRTP stream protected recently, each with a fingerprint of the
 * plaintext packet (header and payload), so that one index never protects two different packets.
 *
 * <p>Why: SRTP's keystream (AES-CM) and AES-GCM's IV are functions of the packet index alone
 * (RFC 3711 4.1.1, RFC 7714 8.1). Two different plaintexts under one index expose their XOR, and
 * for GCM two different authenticated headers under one IV give away the GHASH key, with which
 * anyone can forge packets (RFC 7714 15, "nonce reuse"). A retransmission without RTX legitimately
 * protects an index again, but only a byte-identical copy is safe: the same bytes under the same
 * keystream and IV are the same ciphertext and tag, and tell an eavesdropper nothing new.
 *
 * <p>An index older than the {@value #SIZE} packets remembered cannot be checked and is refused.
 * The fingerprint is a 64-bit hash seeded per transformer from a CSPRNG, so nobody outside can
 * search for two packets that share one. About 6.5 KiB per sending SSRC; no allocation per packet.
 */
final class ProtectedIndexLog {
    /** Packets remembered: as far back as a NACK is ever answered (the consumer's history). */
    static final int SIZE = 512;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long P1 = 0x9E3779B97F4A7C15L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;

    /** Low 32 bits of the index held by each slot (unambiguous within the window); see {@link #filled}. */
    private final int[] indexTag = new int[SIZE];
    private final long[] fingerprint = new long[SIZE];
    private final boolean[] filled = new boolean[SIZE];
    private long highest = -1;

    /**
     * Whether {@code index} may protect the packet whose fingerprint is {@code print}: a new index
     * (recorded now), or one protected before from a packet with the same fingerprint.
     */
    boolean admit(long index, long print) {
        if (highest >= 0 && index <= highest - SIZE) {
            return false;
        }
        int slot = (int) (index & (SIZE - 1));
        if (filled[slot] && indexTag[slot] == (int) index) {
            return fingerprint[slot] == print;
        }
        // The slot holds nothing or an index SIZE or more away: this index is new.
        filled[slot] = true;
        indexTag[slot] = (int) index;
        fingerprint[slot] = print;
        if (index > highest) {
            highest = index;
        }
        return true;
    }

    /** A seeded 64-bit hash of {@code len} bytes; about one multiply per 8 bytes. */
    static long fingerprint(long seed, byte[] buf, int off, int len) {
        long h = seed ^ (len * P1);
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            long v = (long) LONGS.get(buf, off + i);
            h = Long.rotateLeft(h ^ (v * P2), 31) * P1;
        }
        long tail = 0;
        for (int shift = 0; i < len; i++, shift += 8) {
            tail |= (buf[off + i] & 0xFFL) << shift;
        }
        h = Long.rotateLeft(h ^ (tail * P2), 31) * P1;
        h ^= h >>> 33;
        h *= P3;
        h ^= h >>> 29;
        return h;
    }
}
