package io.stagecast.sfu.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.ShortBufferException;

/**
 * AES-GCM (NIST SP 800-38D) with 96-bit IVs and 16-byte tags, in place and without allocation:
 * counter mode from the JDK's AES/ECB ({@link AesCounterMode}, AES-NI) and {@link Ghash} (the JDK's
 * carry-less multiply intrinsic where reachable). Measured against the JDK's own GCM in
 * docs/benchmarks.md (SRTP section).
 *
 * <p>One message at a time: {@link #start}, any number of {@link #aad} calls, then {@link #seal}
 * or {@link #open}. Unlike the JDK's cipher this does not refuse an IV it used before: callers
 * must never encrypt two different messages under one key and IV (SrtpTransformer's
 * ProtectedIndexLog sees to that for SRTP). Not thread-safe.
 */
final class AesGcm {
    static final int TAG = 16;
    static final int IV = 12;

    private final AesCounterMode ctr;
    private final Ghash ghash;
    private final byte[] j0 = new byte[AesCounterMode.BLOCK];
    private final byte[] ekj0 = new byte[AesCounterMode.BLOCK];
    private final byte[] hash = new byte[Ghash.BLOCK];
    private long aadBytes;

    AesGcm(byte[] key) throws GeneralSecurityException {
        this(key, JdkGhash.AVAILABLE);
    }

    /** @param jdkGhash whether GHASH runs on the JDK's intrinsic (tests compare both) */
    AesGcm(byte[] key, boolean jdkGhash) throws GeneralSecurityException {
        this.ctr = new AesCounterMode(key);
        byte[] h = new byte[AesCounterMode.BLOCK];
        ctr.encryptBlock(new byte[AesCounterMode.BLOCK], 0, h, 0); // SP 800-38D 7.1 step 1: H = E(K, 0^128)
        this.ghash = new Ghash(h, jdkGhash);
    }

    /** Begins a message under {@code iv} (12 bytes): J0 = IV || 0^31 || 1 (SP 800-38D 7.1 step 2). */
    void start(byte[] iv) {
        System.arraycopy(iv, 0, j0, 0, IV);
        j0[12] = 0;
        j0[13] = 0;
        j0[14] = 0;
        j0[15] = 1;
        ghash.reset();
        aadBytes = 0;
    }

    /** Adds authenticated data; consecutive calls form one AAD string. */
    void aad(byte[] b, int off, int len) {
        ghash.update(b, off, len);
        aadBytes += len;
    }

    /** Encrypts {@code len} bytes at {@code off} in place and writes the tag right behind them. */
    void seal(byte[] b, int off, int len) throws ShortBufferException {
        ghash.pad();
        ctr.applyGcm(j0, ekj0, b, off, len);
        ghash.update(b, off, len);
        ghash.finish(aadBytes, len, hash, 0);
        for (int i = 0; i < TAG; i++) {
            b[off + len + i] = (byte) (hash[i] ^ ekj0[i]);
        }
    }

    /**
     * Verifies the tag behind {@code len} bytes of ciphertext at {@code off} and decrypts them in
     * place. Returns false, with the ciphertext restored, if the tag does not match.
     */
    boolean open(byte[] b, int off, int len) throws ShortBufferException {
        ghash.pad();
        ghash.update(b, off, len);
        ghash.finish(aadBytes, len, hash, 0);
        // E(K, J0) comes out of the same ECB call that decrypts, so decrypt first and compare after.
        ctr.applyGcm(j0, ekj0, b, off, len);
        int diff = 0;
        for (int i = 0; i < TAG; i++) {
            diff |= hash[i] ^ ekj0[i] ^ b[off + len + i]; // no early exit: constant time
        }
        if (diff != 0) {
            ctr.applyGcm(j0, ekj0, b, off, len); // counter mode is its own inverse
            return false;
        }
        return true;
    }
}
