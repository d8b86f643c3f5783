package io.stagecast.sfu.srtp;

import java.security.GeneralSecurityException;

/**
 * AES_CM_128_HMAC_SHA1_80 (RFC 3711 4.1.1 and 4.2.1, RFC 5764 4.1.2): AES counter mode encryption
 * and an HMAC-SHA1 tag truncated to 80 bits, for SRTP and SRTCP alike.
 */
final class AesCmHmacSha1Protection implements PacketProtection {
    private static final int TAG = 10;

    private final AesCounterMode cipher;
    private final HmacSha1 mac;
    private final byte[] salt;
    private final byte[] iv = new byte[AesCounterMode.BLOCK];

    /** @param salt the 112-bit session salt */
    AesCmHmacSha1Protection(byte[] key, byte[] salt, byte[] authKey) throws GeneralSecurityException {
        this.cipher = new AesCounterMode(key);
        this.mac = new HmacSha1(authKey);
        this.salt = salt.clone();
    }

    @Override
    public int tagLength() {
        return TAG;
    }

    @Override
    public int protectRtp(byte[] buf, int off, int len, int header, int ssrc, long index) {
        try {
            cipher.apply(iv(ssrc, index), buf, off + header, len - header);
            // RFC 3711 4.2: the tag covers the packet and the ROC, which is not sent.
            mac.update(buf, off, len);
            mac.updateInt((int) (index >>> 16));
            System.arraycopy(mac.finish(), 0, buf, off + len, TAG);
            return len + TAG;
        } catch (GeneralSecurityException e) {
            return -1;
        }
    }

    @Override
    public boolean unprotectRtp(byte[] buf, int off, int len, int header, int ssrc, long index) {
        int authenticated = len - TAG;
        try {
            mac.update(buf, off, authenticated);
            mac.updateInt((int) (index >>> 16));
            mac.finish();
            // RFC 3711 3.3 step 5: verify before decrypting.
            if (!mac.matches(buf, off + authenticated, TAG)) {
                return false;
            }
            cipher.apply(iv(ssrc, index), buf, off + header, authenticated - header);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public int protectRtcp(byte[] buf, int off, int len, int ssrc, int index) {
        try {
            cipher.apply(iv(ssrc, index), buf, off + SrtpPacketShape.RTCP_HEADER, len - SrtpPacketShape.RTCP_HEADER);
            // RFC 3711 3.4: E flag (set: encrypted) and index, then the tag over all of it.
            AesCounterMode.writeInt(buf, off + len, index | 0x80000000);
            int authenticated = len + SrtpPacketShape.SRTCP_INDEX;
            mac.update(buf, off, authenticated);
            System.arraycopy(mac.finish(), 0, buf, off + authenticated, TAG);
            return authenticated + TAG;
        } catch (GeneralSecurityException e) {
            return -1;
        }
    }

    @Override
    public int srtcpIndexOffset(int len) {
        return len - TAG - SrtpPacketShape.SRTCP_INDEX;
    }

    @Override
    public boolean unprotectRtcp(byte[] buf, int off, int len, int ssrc, int flaggedIndex) {
        int authenticated = len - TAG;
        try {
            mac.update(buf, off, authenticated);
            mac.finish();
            if (!mac.matches(buf, off + authenticated, TAG)) {
                return false;
            }
            if (flaggedIndex < 0) {
                int encrypted = authenticated - SrtpPacketShape.SRTCP_INDEX - SrtpPacketShape.RTCP_HEADER;
                cipher.apply(iv(ssrc, flaggedIndex & 0x7FFFFFFF), buf, off + SrtpPacketShape.RTCP_HEADER, encrypted);
            }
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** RFC 3711 4.1.1: IV = (salt << 16) XOR (SSRC << 64) XOR (index << 16). Returns the reused array. */
    private byte[] iv(int ssrc, long index) {
        System.arraycopy(salt, 0, iv, 0, 14);
        iv[4] ^= (byte) (ssrc >>> 24);
        iv[5] ^= (byte) (ssrc >>> 16);
        iv[6] ^= (byte) (ssrc >>> 8);
        iv[7] ^= (byte) ssrc;
        for (int i = 0; i < 6; i++) {
            iv[8 + i] ^= (byte) (index >>> (40 - 8 * i));
        }
        iv[14] = 0;
        iv[15] = 0;
        return iv;
    }
}
