package io.stagecast.sfu.srtp;

import io.stagecast.sfu.buffer.PacketBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AEAD_AES_128_GCM (RFC 7714) on the JDK's AES/GCM cipher, with a 16-byte tag.
 *
 * <p>This is the one transform that still allocates per packet, about 1.1 KB: a JCE cipher takes a
 * new IV only through {@code init}, and SunJCE's GCM init builds new engine state (and copies the
 * key) every time. A GHASH written in Java would avoid that but, without the carry-less multiply
 * intrinsic the JDK's GCM uses, costs several times more CPU per packet than the allocation saves;
 * see SrtpAllocationTest for the measured level. Output goes through a scratch array because
 * SunJCE copies its input when asked to encrypt or decrypt in place.
 */
final class AesGcmProtection implements PacketProtection {
    private static final int TAG = 16;
    private static final int IV = 12;

    private final Cipher gcm;
    private final SecretKeySpec key;
    private final byte[] salt;
    private final byte[] iv = new byte[IV];
    private final byte[] lastEncryptionIv = new byte[IV];
    private final byte[] indexWord = new byte[SrtpPacketShape.SRTCP_INDEX];
    private boolean encryptedBefore;
    private byte[] scratch = new byte[PacketBuffer.CAPACITY + TAG];

    /** @param salt the 96-bit session salt */
    AesGcmProtection(byte[] key, byte[] salt) throws GeneralSecurityException {
        this.gcm = JdkCiphers.aes("AES/GCM/NoPadding");
        this.key = new SecretKeySpec(key, "AES");
        this.salt = salt.clone();
    }

    @Override
    public int tagLength() {
        return TAG;
    }

    @Override
    public int protectRtp(byte[] buf, int off, int len, int header, int ssrc, long index) {
        try {
            // RFC 7714 8.1: IV = (0x0000 || SSRC || ROC || SEQ) XOR salt; RFC 7714 8.2: AAD = header.
            rtpIv(ssrc, index);
            initEncrypt();
            gcm.updateAAD(buf, off, header);
            return header + sealInto(buf, off + header, len - header);
        } catch (GeneralSecurityException | RuntimeException e) {
            return -1;
        }
    }

    @Override
    public boolean unprotectRtp(byte[] buf, int off, int len, int header, int ssrc, long index) {
        try {
            rtpIv(ssrc, index);
            gcm.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG * 8, iv));
            gcm.updateAAD(buf, off, header);
            openInto(buf, off + header, len - header);
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public int protectRtcp(byte[] buf, int off, int len, int ssrc, int index) {
        int flagged = index | 0x80000000;
        try {
            // RFC 7714 9.1: AAD = header || E flag and index; the E/index word trails the tag.
            rtcpIv(ssrc, index);
            initEncrypt();
            gcm.updateAAD(buf, off, SrtpPacketShape.RTCP_HEADER);
            AesCounterMode.writeInt(indexWord, 0, flagged);
            gcm.updateAAD(indexWord, 0, indexWord.length);
            int sealed = SrtpPacketShape.RTCP_HEADER
                    + sealInto(buf, off + SrtpPacketShape.RTCP_HEADER, len - SrtpPacketShape.RTCP_HEADER);
            AesCounterMode.writeInt(buf, off + sealed, flagged);
            return sealed + SrtpPacketShape.SRTCP_INDEX;
        } catch (GeneralSecurityException | RuntimeException e) {
            return -1;
        }
    }

    @Override
    public int srtcpIndexOffset(int len) {
        return len - SrtpPacketShape.SRTCP_INDEX;
    }

    @Override
    public boolean unprotectRtcp(byte[] buf, int off, int len, int ssrc, int flaggedIndex) {
        int body = len - SrtpPacketShape.SRTCP_INDEX;
        try {
            rtcpIv(ssrc, flaggedIndex & 0x7FFFFFFF);
            gcm.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG * 8, iv));
            if (flaggedIndex < 0) {
                gcm.updateAAD(buf, off, SrtpPacketShape.RTCP_HEADER);
                gcm.updateAAD(buf, off + body, SrtpPacketShape.SRTCP_INDEX);
                openInto(buf, off + SrtpPacketShape.RTCP_HEADER, body - SrtpPacketShape.RTCP_HEADER);
            } else {
                // RFC 7714 9.2 (E flag clear): the whole packet is AAD, only the tag is "ciphertext".
                gcm.updateAAD(buf, off, body - TAG);
                gcm.updateAAD(buf, off + body, SrtpPacketShape.SRTCP_INDEX);
                gcm.doFinal(buf, off + body - TAG, TAG, scratch, 0);
            }
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /**
     * SunJCE refuses to encrypt twice in a row under the same key and IV. Protecting the same
     * packet index again (a retransmission without RTX) does that legitimately only when the packet
     * is byte-identical, and then yields the same ciphertext and tag; SrtpTransformer's
     * ProtectedIndexLog refuses to send anything else. So step through a different IV first.
     */
    private void initEncrypt() throws GeneralSecurityException {
        if (encryptedBefore && Arrays.equals(iv, lastEncryptionIv)) {
            lastEncryptionIv[0] ^= 1;
            gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG * 8, lastEncryptionIv));
        }
        gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG * 8, iv));
        System.arraycopy(iv, 0, lastEncryptionIv, 0, IV);
        encryptedBefore = true;
    }

    /** Encrypts {@code len} bytes at {@code at} in place, appends the tag; returns len + tag. */
    private int sealInto(byte[] buf, int at, int len) throws GeneralSecurityException {
        ensureScratch(len + TAG);
        int n = gcm.doFinal(buf, at, len, scratch, 0);
        System.arraycopy(scratch, 0, buf, at, n);
        return n;
    }

    /** Verifies and decrypts ciphertext plus tag at {@code at} in place; throws if not authentic. */
    private void openInto(byte[] buf, int at, int len) throws GeneralSecurityException {
        ensureScratch(len);
        int n = gcm.doFinal(buf, at, len, scratch, 0);
        System.arraycopy(scratch, 0, buf, at, n);
    }

    private void ensureScratch(int len) {
        if (scratch.length < len) {
            // Only for arrays larger than a pooled packet buffer; never on the normal path.
            scratch = new byte[len];
        }
    }

    private void rtpIv(int ssrc, long index) {
        System.arraycopy(salt, 0, iv, 0, IV);
        xorInt(2, ssrc);
        for (int i = 0; i < 6; i++) {
            iv[6 + i] ^= (byte) (index >>> (40 - 8 * i));
        }
    }

    /** RFC 7714 9.1: IV = (0x0000 || SSRC || 0x0000 || 0 || 31-bit index) XOR salt. */
    private void rtcpIv(int ssrc, int index) {
        System.arraycopy(salt, 0, iv, 0, IV);
        xorInt(2, ssrc);
        xorInt(8, index);
    }

    private void xorInt(int at, int v) {
        iv[at] ^= (byte) (v >>> 24);
        iv[at + 1] ^= (byte) (v >>> 16);
        iv[at + 2] ^= (byte) (v >>> 8);
        iv[at + 3] ^= (byte) v;
    }
}
