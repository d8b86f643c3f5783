package io.stagecast.sfu.srtp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * GHASH, GCM's universal hash (NIST SP 800-38D 6.4), in Java, streaming and without allocation.
 *
 * <p>Written by hand because nothing on the class path offers an allocation-free GCM with a new IV
 * per packet: the JDK's GCM takes an IV only through {@code Cipher.init} (about 1.1 KB per packet),
 * and BouncyCastle's {@code GCMBlockCipher.init} with key reuse still allocates its per-message
 * arrays and runs a table AES (measured in docs/benchmarks.md, SRTP section). The JDK's own GHASH
 * intrinsic (carry-less multiply) is not reachable from outside {@code java.base}.
 *
 * <p>Multiplication by the hash key H uses a table per 4-bit position (SP 800-38D 6.3 leaves the
 * method open; this is the "8K table" of McGrew and Viega's GCM paper, section 4.1): for each of
 * the 32 nibbles of a block, the 16 products {@code nibble * H} at that position, 8 KB per key. A
 * block then costs 32 lookups and XORs, no shifts or reductions, which measured faster than the
 * 4 KB byte-wise table with its shift-and-reduce chain. Table lookups indexed by data are not
 * constant-time; the same holds for every table GHASH (the JDK's pure-Java fallback and OpenSSL's
 * non-CLMUL path).
 *
 * <p>Bit order as in SP 800-38D: the leftmost bit of a block is the coefficient of x^0, so a block
 * is read as a big-endian 128-bit integer and multiplying by x shifts it right. Not thread-safe.
 */
final class Ghash {
    static final int BLOCK = 16;
    private static final VarHandle BIG_ENDIAN_LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    /** SP 800-38D 6.3: R = 11100001 || 0^120, folded in when x^127 shifts out. */
    private static final long R = 0xE100000000000000L;

    /** Entry (position p, nibble v) at index 2 * (16 p + v): high then low 64 bits of v x^(4p) H. */
    private final long[] table = new long[32 * 16 * 2];
    private final byte[] pending = new byte[BLOCK];
    private int pendingBytes;
    private long y0;
    private long y1;

    /** @param h the hash key E(K, 0^128) */
    Ghash(byte[] h) {
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
                table[2 * (16 * p + v)] = th;
                table[2 * (16 * p + v) + 1] = tl;
            }
        }
    }

    /** Starts a new hash (Y0 = 0). */
    void reset() {
        y0 = 0;
        y1 = 0;
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
        BIG_ENDIAN_LONGS.set(out, outOff, y0);
        BIG_ENDIAN_LONGS.set(out, outOff + 8, y1);
    }

    /** Y_i = (Y_(i-1) XOR X_i) * H for {@code blocks} whole blocks. */
    private void absorb(byte[] b, int off, int blocks) {
        long[] t = table;
        long z0 = y0;
        long z1 = y1;
        for (int i = 0; i < blocks; i++, off += BLOCK) {
            long x0 = z0 ^ (long) BIG_ENDIAN_LONGS.get(b, off);
            long x1 = z1 ^ (long) BIG_ENDIAN_LONGS.get(b, off + 8);
            z0 = 0;
            z1 = 0;
            for (int p = 0; p < 16; p++) {
                int at = ((p << 4) | (int) ((x0 >>> (60 - 4 * p)) & 15)) << 1;
                z0 ^= t[at];
                z1 ^= t[at + 1];
            }
            for (int p = 0; p < 16; p++) {
                int at = (((p + 16) << 4) | (int) ((x1 >>> (60 - 4 * p)) & 15)) << 1;
                z0 ^= t[at];
                z1 ^= t[at + 1];
            }
        }
        y0 = z0;
        y1 = z1;
    }
}
