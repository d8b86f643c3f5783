package io.stagecast.sfu.srtp;

import java.security.GeneralSecurityException;

/**
 * AEAD_AES_128_GCM (RFC 7714) with a 16-byte tag, on {@link AesGcm}: in place and without
 * allocation. (The JDK's AES/GCM cipher allocated about 1.1 KB per packet, because it takes a new
 * IV only through {@code Cipher.init}; see docs/benchmarks.md, SRTP section, for the comparison.)
 */
final class AesGcmProtection implements PacketProtection {
    private static final int TAG = AesGcm.TAG;

    private final AesGcm gcm;
    private final byte[] salt;
    private final byte[] iv = new byte[AesGcm.IV];
    private final byte[] indexWord = new byte[SrtpPacketShape.SRTCP_INDEX];

    /** @param salt the 96-bit session salt */
    AesGcmProtection(byte[] key, byte[] salt) throws GeneralSecurityException {
        this.gcm = new AesGcm(key);
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
            gcm.start(rtpIv(ssrc, index));
            gcm.aad(buf, off, header);
            gcm.seal(buf, off + header, len - header);
            return len + TAG;
        } catch (GeneralSecurityException e) {
            return -1;
        }
    }

    @Override
    public boolean unprotectRtp(byte[] buf, int off, int len, int header, int ssrc, long index) {
        try {
            gcm.start(rtpIv(ssrc, index));
            gcm.aad(buf, off, header);
            return gcm.open(buf, off + header, len - header - TAG);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public int protectRtcp(byte[] buf, int off, int len, int ssrc, int index) {
        int flagged = index | 0x80000000;
        try {
            // RFC 7714 9.1: AAD = header || E flag and index; the E/index word trails the tag.
            gcm.start(rtcpIv(ssrc, index));
            gcm.aad(buf, off, SrtpPacketShape.RTCP_HEADER);
            AesCounterMode.writeInt(indexWord, 0, flagged);
            gcm.aad(indexWord, 0, indexWord.length);
            gcm.seal(buf, off + SrtpPacketShape.RTCP_HEADER, len - SrtpPacketShape.RTCP_HEADER);
            AesCounterMode.writeInt(buf, off + len + TAG, flagged);
            return len + TAG + SrtpPacketShape.SRTCP_INDEX;
        } catch (GeneralSecurityException e) {
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
            gcm.start(rtcpIv(ssrc, flaggedIndex & 0x7FFFFFFF));
            if (flaggedIndex < 0) {
                gcm.aad(buf, off, SrtpPacketShape.RTCP_HEADER);
                gcm.aad(buf, off + body, SrtpPacketShape.SRTCP_INDEX);
                return gcm.open(buf, off + SrtpPacketShape.RTCP_HEADER, body - SrtpPacketShape.RTCP_HEADER - TAG);
            }
            // RFC 7714 9.2 (E flag clear): the whole packet is AAD, only the tag is "ciphertext".
            gcm.aad(buf, off, body - TAG);
            gcm.aad(buf, off + body, SrtpPacketShape.SRTCP_INDEX);
            return gcm.open(buf, off + body - TAG, 0);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** RFC 7714 8.1. Returns the reused IV array. */
    private byte[] rtpIv(int ssrc, long index) {
        System.arraycopy(salt, 0, iv, 0, AesGcm.IV);
        xorInt(2, ssrc);
        for (int i = 0; i < 6; i++) {
            iv[6 + i] ^= (byte) (index >>> (40 - 8 * i));
        }
        return iv;
    }

    /** RFC 7714 9.1: IV = (0x0000 || SSRC || 0x0000 || 0 || 31-bit index) XOR salt. */
    private byte[] rtcpIv(int ssrc, int index) {
        System.arraycopy(salt, 0, iv, 0, AesGcm.IV);
        xorInt(2, ssrc);
        xorInt(8, index);
        return iv;
    }

    private void xorInt(int at, int v) {
        iv[at] ^= (byte) (v >>> 24);
        iv[at + 1] ^= (byte) (v >>> 16);
        iv[at + 2] ^= (byte) (v >>> 8);
        iv[at + 3] ^= (byte) v;
    }
}
