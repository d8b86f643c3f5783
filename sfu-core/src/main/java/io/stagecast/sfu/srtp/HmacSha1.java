package io.stagecast.sfu.srtp;

import java.security.DigestException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * HMAC-SHA1 (RFC 2104) without per-packet allocation, built from two SHA-1 digests.
 *
 * <p>Why not {@code javax.crypto.Mac}: SunJCE's HMAC computes each tag into a freshly allocated
 * array even when {@code doFinal(out, off)} is called, so every packet would allocate. Here the inner
 * and outer hashes are {@link MessageDigest}s fed the precomputed ipad/opad blocks, and
 * {@code digest(buf, off, len)} writes into a reused array. The work is the same as SunJCE's (it also
 * hashes the pad blocks per message). Not thread-safe.
 */
final class HmacSha1 {
    static final int LENGTH = 20;
    private static final int BLOCK = 64;

    private final MessageDigest inner;
    private final MessageDigest outer;
    private final byte[] innerPad = new byte[BLOCK];
    private final byte[] outerPad = new byte[BLOCK];
    private final byte[] word = new byte[4];
    private final byte[] result = new byte[LENGTH];

    /** @param key at most 64 bytes (SRTP's is 20, RFC 3711 4.2.1) */
    HmacSha1(byte[] key) throws GeneralSecurityException {
        if (key.length > BLOCK) {
            throw new IllegalArgumentException("HMAC key longer than one SHA-1 block");
        }
        this.inner = JdkCiphers.sha1();
        this.outer = JdkCiphers.sha1();
        for (int i = 0; i < BLOCK; i++) {
            byte k = i < key.length ? key[i] : 0;
            innerPad[i] = (byte) (k ^ 0x36);
            outerPad[i] = (byte) (k ^ 0x5C);
        }
        inner.update(innerPad);
    }

    void update(byte[] buf, int off, int len) {
        inner.update(buf, off, len);
    }

    void updateInt(int v) {
        AesCounterMode.writeInt(word, 0, v);
        inner.update(word, 0, 4);
    }

    /**
     * Completes the tag of everything passed to update since the last call and readies the next
     * message. Returns a reused array: read it before the next call.
     */
    byte[] finish() throws DigestException {
        inner.digest(result, 0, LENGTH);
        inner.update(innerPad);
        outer.update(outerPad);
        outer.update(result, 0, LENGTH);
        outer.digest(result, 0, LENGTH);
        return result;
    }

    /** Whether the first {@code len} bytes of the last tag equal {@code buf[off..off+len)}, in constant time. */
    boolean matches(byte[] buf, int off, int len) {
        int diff = 0;
        for (int i = 0; i < len; i++) {
            diff |= result[i] ^ buf[off + i];
        }
        return diff == 0;
    }
}
