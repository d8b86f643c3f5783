package io.stagecast.sfu.srtp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES in counter mode without per-packet allocation: counter blocks are written into a reusable
 * array, encrypted in one {@code AES/ECB} call into a reusable keystream array and XORed into the
 * packet.
 *
 * <p>Why not {@code AES/CTR}: a JCE cipher takes a new IV only through {@code init}, which allocates
 * a parameter spec and per-init state, and SunJCE copies the input when asked to work in place. ECB
 * over distinct arrays, initialised once per key, allocates nothing and runs on the AES intrinsics.
 *
 * <p>The counter is the last 32 bits of the 16-byte block, incremented modulo 2^32. That is GCM's
 * inc32 (NIST SP 800-38D 6.2) and, since SRTP's AES-CM IV ends in 16 zero bits and a packet never
 * needs 2^16 blocks, also RFC 3711 4.1.1's 128-bit addition. Not thread-safe (one context is used
 * by one thread at a time; the per-call arrays are per thread).
 */
final class AesCounterMode {
    static final int BLOCK = 16;
    /** Keystream produced per ECB call: a full packet buffer's worth, so one call per packet. */
    private static final int CHUNK = 96 * BLOCK;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle BIG_ENDIAN_LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /**
     * The counter blocks and the keystream of one call, shared by every context on the calling
     * thread (a media loop protects for all its subscribers with them): they live only during a
     * call. Per context they were 3 KB per subscriber, and a 1,200-byte packet wrote ~19 cache
     * lines of counters and read ~19 of keystream that were that subscriber's own, cold by the
     * next packet once a loop has a few hundred subscribers (2 MB of L2 per core here).
     */
    private static final ThreadLocal<byte[][]> SCRATCH = ThreadLocal.withInitial(() -> new byte[][]{
            new byte[CHUNK], new byte[CHUNK]});

    private final Cipher ecb;

    AesCounterMode(byte[] key) throws GeneralSecurityException {
        this.ecb = JdkCiphers.aes("AES/ECB/NoPadding");
        ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
    }

    /**
     * XORs {@code len} bytes of {@code buf} from {@code off} with the keystream that starts at the
     * 16-byte counter block {@code iv} (read, not modified).
     */
    void apply(byte[] iv, byte[] buf, int off, int len) throws ShortBufferException {
        run(iv, null, buf, off, len);
    }

    /**
     * GCM's encryption (NIST SP 800-38D 7.1 steps 3-4 and 6): writes E(K, J0) into {@code ekj0} and
     * XORs {@code len} bytes of {@code buf} with the keystream from inc32(J0), all in one ECB call
     * for a packet of up to 1520 bytes.
     */
    void applyGcm(byte[] j0, byte[] ekj0, byte[] buf, int off, int len) throws ShortBufferException {
        run(j0, ekj0, buf, off, len);
    }

    /** With {@code firstBlock} set, the keystream's first block goes there instead of into the data. */
    private void run(byte[] iv, byte[] firstBlock, byte[] buf, int off, int len) throws ShortBufferException {
        // Two big-endian longs per block; only the low 32 bits of the second one count.
        long high = (long) BIG_ENDIAN_LONGS.get(iv, 0);
        long low = (long) BIG_ENDIAN_LONGS.get(iv, 8);
        long fixed = low & 0xFFFFFFFF00000000L;
        int counter = (int) low;
        int skip = firstBlock == null ? 0 : BLOCK;
        byte[][] scratch = SCRATCH.get();
        byte[] counters = scratch[0];
        byte[] keystream = scratch[1];
        int done = 0;
        while (done < len || skip > 0) {
            int n = Math.min(CHUNK - skip, len - done);
            int bytes = skip + (n + BLOCK - 1) / BLOCK * BLOCK;
            for (int at = 0; at < bytes; at += BLOCK) {
                BIG_ENDIAN_LONGS.set(counters, at, high);
                BIG_ENDIAN_LONGS.set(counters, at + 8, fixed | (counter++ & 0xFFFFFFFFL));
            }
            ecb.update(counters, 0, bytes, keystream, 0);
            if (skip > 0) {
                System.arraycopy(keystream, 0, firstBlock, 0, BLOCK);
            }
            xor(keystream, skip, buf, off + done, n);
            done += n;
            skip = 0;
        }
    }

    /** Encrypts one block (GCM's hash key H and E(K, J0) need single blocks). */
    void encryptBlock(byte[] in, int inOff, byte[] out, int outOff) throws ShortBufferException {
        ecb.update(in, inOff, BLOCK, out, outOff);
    }

    private static void xor(byte[] keystream, int from, byte[] buf, int off, int len) {
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            long v = (long) LONGS.get(buf, off + i) ^ (long) LONGS.get(keystream, from + i);
            LONGS.set(buf, off + i, v);
        }
        for (; i < len; i++) {
            buf[off + i] ^= keystream[from + i];
        }
    }

    static void writeInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
