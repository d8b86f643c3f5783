package io.stagecast.sfu.srtp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * GHASH, GCM's universal hash (NIST SP 800-38D 6.4), streaming and without allocation.
 *
 * <p>Ours because nothing on the class path offers an allocation-free GCM with a new IV per
 * packet: the JDK's GCM takes an IV only through {@code Cipher.init} (about 1.1 KB per packet), and
 * BouncyCastle's {@code GCMBlockCipher.init} with key reuse still allocates its per-message arrays
 * (2.9 KB per 1200-byte packet measured) and runs a table AES 20-40x slower than AES-NI.
 *
 * <p>The block function is the JDK's carry-less multiply intrinsic when reachable
 * ({@link JdkGhash}); otherwise multiplication by the hash key H uses a table per 4-bit position
 * (SP 800-38D 6.3 leaves the method open; this is the "8K table" of McGrew and Viega's GCM paper,
 * section 4.1): for each of the 32 nibbles of a block, the 16 products {@code nibble * H} at that
 * position, 8 KB per key. A block then costs 32 lookups and XORs and no reduction, still 3-5x the
 * intrinsic's time. Table lookups indexed by data are not constant-time; the same holds for every
 * table GHASH (the JDK's own fallback, OpenSSL without CLMUL).
 *
 * <p>Bit order as in SP 800-38D: the leftmost bit of a block is the coefficient of x^0, so a block
 * is read as a big-endian 128-bit integer and multiplying by x shifts it right. Not thread-safe.
 */
final class Ghash {
    static final int BLOCK = 16;
    private static final VarHandle BIG_ENDIAN_LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    /** SP 800-38D 6.3: R = 11100001 || 0^120, folded in when x^127 shifts out. */
    private static final long R = 0xE100000000000000L;

    /** Entry (position p, nibble v) at index 16 p + v: high and low 64 bits of v x^(4p) H. */
    private final long[] high;
    private final long[] low;
    /** The JDK's key table if its intrinsic is reachable ({@link JdkGhash}), else null. */
    private final long[] jdkTable;
    /** Y_i: high and low 64 bits. An array because the JDK's GHASH takes it so. */
    private final long[] state = new long[2];
    private final byte[] pending = new byte[BLOCK];
    private int pendingBytes;

    /** @param h the hash key E(K, 0^128) */
    Ghash(byte[] h) {
        this(h, JdkGhash.AVAILABLE);
    }

    /** @param useJdk whether to run on the JDK's intrinsic (tests compare both paths) */
    Ghash(byte[] h, boolean useJdk) {
        if (useJdk) {
            jdkTable = JdkGhash.keyTable(h);
            high = null;
            low = null;
            return;
        }
        jdkTable = null;
        high = new long[32 * 16];
        low = new long[32 * 16];
        long[] powers = new long[128 * 2]; // H x^i for i = 0..127
        long hi = (long) BIG_ENDIAN_LONGS.get(h, 0);
        long lo = (long) BIG_ENDIAN_LONGS.get(h, 8);
        for (int i = 0; i < 128; i++) {
            powers[2 * i] = hi;
            powers[2 * i + 1] = lo;
            boolean carry = (lo & 1) != 0;
            lo = (lo >>> 1) | (hi << 63);
            hi >>>= 1;
            if (carry) {
                hi ^= R;
            }
        }
        for (int p = 0; p < 32; p++) {
            for (int v = 0; v < 16; v++) {
                long th = 0;
                long tl = 0;
                for (int k = 0; k < 4; k++) {
                    // The nibble's most significant bit is the coefficient of x^(4p).
                    if ((v & (8 >>> k)) != 0) {
                        th ^= powers[2 * (4 * p + k)];
                        tl ^= powers[2 * (4 * p + k) + 1];
                    }
                }
                high[16 * p + v] = th;
                low[16 * p + v] = tl;
            }
        }
    }

    /** Starts a new hash (Y0 = 0). */
    void reset() {
        state[0] = 0;
        state[1] = 0;
        pendingBytes = 0;
    }

    /** Hashes {@code len} bytes; a trailing partial block waits for more bytes or {@link #pad}. */
    void update(byte[] b, int off, int len) {
        if (pendingBytes > 0) {
            int n = Math.min(BLOCK - pendingBytes, len);
            System.arraycopy(b, off, pending, pendingBytes, n);
            pendingBytes += n;
            off += n;
            len -= n;
            if (pendingBytes < BLOCK) {
                return;
            }
            absorb(pending, 0, 1);
            pendingBytes = 0;
        }
        int blocks = len >>> 4;
        absorb(b, off, blocks);
        int rest = len & (BLOCK - 1);
        if (rest > 0) {
            System.arraycopy(b, off + blocks * BLOCK, pending, 0, rest);
            pendingBytes = rest;
        }
    }

    /** Ends a segment (the AAD or the ciphertext): zero-pads a partial block and hashes it. */
    void pad() {
        if (pendingBytes > 0) {
            Arrays.fill(pending, pendingBytes, BLOCK, (byte) 0);
            absorb(pending, 0, 1);
            pendingBytes = 0;
        }
    }

    /**
     * Pads, hashes the length block {@code [len(A)]64 || [len(C)]64} (SP 800-38D 7.1 step 5) and
     * writes the 16-byte result.
     */
    void finish(long aadBytes, long textBytes, byte[] out, int outOff) {
        pad();
        BIG_ENDIAN_LONGS.set(pending, 0, aadBytes << 3);
        BIG_ENDIAN_LONGS.set(pending, 8, textBytes << 3);
        absorb(pending, 0, 1);
        BIG_ENDIAN_LONGS.set(out, outOff, state[0]);
        BIG_ENDIAN_LONGS.set(out, outOff + 8, state[1]);
    }

    /**
     * Y_i = (Y_(i-1) XOR X_i) * H for {@code blocks} whole blocks: XOR of the table entries of the
     * 32 nibbles, written out.
     */
    private void absorb(byte[] b, int off, int blocks) {
        if (jdkTable != null) {
            JdkGhash.processBlocks(b, off, blocks, state, jdkTable);
            return;
        }
        long[] th = high;
        long[] tl = low;
        long z0 = state[0];
        long z1 = state[1];
        for (int i = 0; i < blocks; i++, off += BLOCK) {
            long x0 = z0 ^ (long) BIG_ENDIAN_LONGS.get(b, off);
            long x1 = z1 ^ (long) BIG_ENDIAN_LONGS.get(b, off + 8);
            int n;
            n = (int) (x0 >>> 60);
            z0 = th[n];
            z1 = tl[n];
            n = 16 + ((int) (x0 >>> 56) & 15);
            z0 ^= th[n];
            z1 ^= tl[n];
            n = 32 + ((int) (x0 >>> 52) & 15);
            z0 ^= th[n];
            z1 ^= tl[n];
            n = 48 + ((int) (x0 >>> 48) & 15);
            z0 ^= th[n];
            z1 ^= tl[n];
            n = 64 + ((int) (x0 >>> 44) & 15);
            z0 ^= th[n];
            z1 ^= tl[n];
            n = 80 + ((int) (x0 >>> 40) & 15);
            z0 ^= th[n];
            z1 ^= tl[n];
            n = 96 + ((int) (x0 >>> 36) & 15);
            z0 ^= th[n];
            z1 ^= tl[n];
            n = 112 + ((int) (x0 >>> 32) & 15);
            z0 ^= th[n];
            z1 ^= tl[n];
            n = 128 + ((int) (x0 >>> 28) & 15);
            z0 ^= th[n];
            z1 ^= tl[n];
            n = 144 + ((int) (x0 >>> 24) & 15);
            z0 ^= th[n];
            z1 ^= tl[n];
            n = 160 + ((int) (x0 >>> 20) & 15);
            z0 ^= th[n];
            z1 ^= tl[n];
            n = 176 + ((int) (x0 >>> 16) & 15);
            z0 ^= th[n];
            z1 ^= tl[n];
            n = 192 + ((int) (x0 >>> 12) & 15);
            z0 ^= th[n];
            z1 ^= tl[n];
            n = 208 + ((int) (x0 >>> 8) & 15);
            z0 ^= th[n];
            z1 ^= tl[n];
            n = 224 + ((int) (x0 >>> 4) & 15);
            z0 ^= th[n];
            z1 ^= tl[n];
            n = 240 + ((int) x0 & 15);
            z0 ^= th[n];
            z1 ^= tl[n];
            n = 256 + ((int) (x1 >>> 60));
            z0 ^= th[n];
            z1 ^= tl[n];
            n = 272 + ((int) (x1 >>> 56) & 15);
            z0 ^= th[n];
            z1 ^= tl[n];
            n = 288 + ((int) (x1 >>> 52) & 15);
            z0 ^= th[n];
            z1 ^= tl[n];
            n = 304 + ((int) (x1 >>> 48) & 15);
            z0 ^= th[n];
            z1 ^= tl[n];
            n = 320 + ((int) (x1 >>> 44) & 15);
            z0 ^= th[n];
            z1 ^= tl[n];
            n = 336 + ((int) (x1 >>> 40) & 15);
            z0 ^= th[n];
            z1 ^= tl[n];
            n = 352 + ((int) (x1 >>> 36) & 15);
            z0 ^= th[n];
            z1 ^= tl[n];
            n = 368 + ((int) (x1 >>> 32) & 15);
            z0 ^= th[n];
            z1 ^= tl[n];
            n = 384 + ((int) (x1 >>> 28) & 15);
            z0 ^= th[n];
            z1 ^= tl[n];
            n = 400 + ((int) (x1 >>> 24) & 15);
            z0 ^= th[n];
            z1 ^= tl[n];
            n = 416 + ((int) (x1 >>> 20) & 15);
            z0 ^= th[n];
            z1 ^= tl[n];
            n = 432 + ((int) (x1 >>> 16) & 15);
            z0 ^= th[n];
            z1 ^= tl[n];
            n = 448 + ((int) (x1 >>> 12) & 15);
            z0 ^= th[n];
            z1 ^= tl[n];
            n = 464 + ((int) (x1 >>> 8) & 15);
            z0 ^= th[n];
            z1 ^= tl[n];
            n = 480 + ((int) (x1 >>> 4) & 15);
            z0 ^= th[n];
            z1 ^= tl[n];
            n = 496 + ((int) x1 & 15);
            z0 ^= th[n];
            z1 ^= tl[n];
        }
        state[0] = z0;
        state[1] = z1;
    }
}
