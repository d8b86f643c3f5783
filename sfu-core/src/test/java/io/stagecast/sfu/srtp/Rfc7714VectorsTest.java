package io.stagecast.sfu.srtp;

import static io.stagecast.sfu.srtp.TestPackets.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * RFC 7714 sections 16.1 and 17.1: AEAD_AES_128_GCM on the published session key and salt
 * (the vectors skip key derivation, so they exercise {@link AesGcmProtection} directly).
 */
class Rfc7714VectorsTest {
    private static final byte[] KEY = hex("000102030405060708090a0b0c0d0e0f");
    private static final byte[] SALT = hex("517569642070726f2071756f"); // "Quid pro quo"

    // "Gallia est omnis divisa in partes tres" behind a 12-byte header, SSRC 0x5501a0b2, seq 0xf17b.
    private static final byte[] RTP = hex("8040f17b8041f8d35501a0b247616c6c696120657374206f6d6e6973"
            + "2064697669736120696e207061727465732074726573");
    private static final byte[] SRTP = hex("8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bca"
            + "be633bd50d294e6f42a5f47a51c7d19b36de3adf8833899d7f27beb16a9152cf765ee4390cce");
    private static final int RTP_SSRC = 0x5501a0b2;
    private static final long RTP_INDEX = 0xf17b;

    // A sender report from SSRC "Mars", SRTCP index 0x5d4.
    private static final byte[] RTCP = hex("81c8000d4d6172734e5450314e54503252545020" + "0000042a0000e9304c756e61"
            + "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef");
    private static final byte[] SRTCP = hex("81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32d"
            + "c676a5f1730d6fda4ce09b4686303ded0bb9275bc84aa45896cf4d2fc5abf87245d9eade800005d4");
    private static final int RTCP_SSRC = 0x4d617273;
    private static final int RTCP_INDEX = 0x5d4;

    @Test
    void protectedRtpMatchesSection16_1_1() throws Exception {
        byte[] buf = Arrays.copyOf(RTP, RTP.length + 16);
        int len = new AesGcmProtection(KEY, SALT).protectRtp(buf, 0, RTP.length, 12, RTP_SSRC, RTP_INDEX);
        assertArrayEquals(SRTP, Arrays.copyOf(buf, len));
    }

    @Test
    void unprotectedRtpMatchesSection16_1_2AndTamperingFails() throws Exception {
        AesGcmProtection gcm = new AesGcmProtection(KEY, SALT);
        byte[] buf = SRTP.clone();
        assertTrue(gcm.unprotectRtp(buf, 0, buf.length, 12, RTP_SSRC, RTP_INDEX));
        assertArrayEquals(RTP, Arrays.copyOf(buf, RTP.length));

        byte[] tampered = SRTP.clone();
        tampered[20] ^= 1;
        assertFalse(gcm.unprotectRtp(tampered, 0, tampered.length, 12, RTP_SSRC, RTP_INDEX));
        assertFalse(gcm.unprotectRtp(SRTP.clone(), 0, SRTP.length, 12, RTP_SSRC, RTP_INDEX + 0x10000), "other ROC");
    }

    @Test
    void protectedRtcpMatchesSection17_1() throws Exception {
        byte[] buf = Arrays.copyOf(RTCP, RTCP.length + 20);
        int len = new AesGcmProtection(KEY, SALT).protectRtcp(buf, 0, RTCP.length, RTCP_SSRC, RTCP_INDEX);
        assertArrayEquals(SRTCP, Arrays.copyOf(buf, len));
    }

    @Test
    void unprotectedRtcpMatchesSection17_1AndTamperingFails() throws Exception {
        AesGcmProtection gcm = new AesGcmProtection(KEY, SALT);
        byte[] buf = SRTCP.clone();
        assertEquals(SRTCP.length - 4, gcm.srtcpIndexOffset(SRTCP.length));
        assertTrue(gcm.unprotectRtcp(buf, 0, buf.length, RTCP_SSRC, RTCP_INDEX | 0x80000000));
        assertArrayEquals(RTCP, Arrays.copyOf(buf, RTCP.length));

        byte[] tampered = SRTCP.clone();
        tampered[30] ^= 8;
        assertFalse(gcm.unprotectRtcp(tampered, 0, tampered.length, RTCP_SSRC, RTCP_INDEX | 0x80000000));
        byte[] otherIndex = SRTCP.clone();
        otherIndex[otherIndex.length - 1]++;
        assertFalse(gcm.unprotectRtcp(otherIndex, 0, otherIndex.length, RTCP_SSRC, (RTCP_INDEX + 1) | 0x80000000));
    }
}
