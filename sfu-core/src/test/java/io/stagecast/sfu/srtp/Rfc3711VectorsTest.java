package io.stagecast.sfu.srtp;

import static io.stagecast.sfu.srtp.TestPackets.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stagecast.sfu.buffer.PacketBuffer;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jitsi.srtp.crypto.Aes;
import org.jitsi.srtp.crypto.SrtpCipherCtr;
import org.junit.jupiter.api.Test;

/** Proves the engine we run matches RFC 3711 appendix B, not just itself. */
class Rfc3711VectorsTest {
    // RFC 3711 B.2
    private static final byte[] B2_SESSION_KEY = hex("2B7E151628AED2A6ABF7158809CF4F3C");

    // RFC 3711 B.3
    private static final byte[] B3_MASTER_KEY = hex("E1F97A0D3E018BE0D64FA32C06DE4139");
    private static final byte[] B3_MASTER_SALT = hex("0EC675AD498AFEEBB6960B3AABE6");
    private static final byte[] B3_CIPHER_KEY = hex("C61E7A93744F39EE10734AFE3FF7A087");
    private static final byte[] B3_CIPHER_SALT = hex("30CBBC08863D8C85D49DB34A9AE1");
    private static final byte[] B3_AUTH_KEY = hex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4");

    static {
        SrtpCrypto.configure();
    }

    @Test
    void aesCmKeystreamMatchesRfc3711B2() throws Exception {
        assertArrayEquals(
                hex("E03EAD0935C95E80E166B16DD92B4EB4 D23513162B02D0F72A43A2FE4A5F97AB"
                        + "41E95B3BB0A2E8DD477901E4FCA894C0"),
                jitsiKeystream(hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000")), "keystream from counter ...0000");
        assertArrayEquals(
                hex("EC8CDF7398607CB0F2D21675EA9EA1E4 362B7C3C6773516318A077D7FC5073AE"
                        + "6A2CC3787889374FBEB4C81B17BA6C44"),
                jitsiKeystream(hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF")), "keystream from counter ...FEFF");
    }

    @Test
    void ourAesCounterModeMatchesRfc3711B2() throws Exception {
        AesCounterMode cipher = new AesCounterMode(B2_SESSION_KEY);
        byte[] data = new byte[48];
        cipher.apply(hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"), data, 0, data.length);
        assertArrayEquals(jitsiKeystream(hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000")), data);
        assertArrayEquals(hex("E03EAD0935C95E80E166B16DD92B4EB4 D23513162B02D0F72A43A2FE4A5F97AB"
                + "41E95B3BB0A2E8DD477901E4FCA894C0"), data);

        byte[] shifted = new byte[3 + 48];
        cipher.apply(hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF"), shifted, 3, 48);
        assertArrayEquals(hex("EC8CDF7398607CB0F2D21675EA9EA1E4 362B7C3C6773516318A077D7FC5073AE"
                + "6A2CC3787889374FBEB4C81B17BA6C44"), Arrays.copyOfRange(shifted, 3, 51), "at an offset");
    }

    @Test
    void ourKeyDerivationMatchesRfc3711B3() throws Exception {
        SrtpKeyDerivation kdf = new SrtpKeyDerivation(B3_MASTER_KEY, B3_MASTER_SALT);
        assertArrayEquals(B3_CIPHER_KEY, kdf.derive(SrtpKeyDerivation.RTP_ENCRYPTION, 16));
        assertArrayEquals(B3_AUTH_KEY, kdf.derive(SrtpKeyDerivation.RTP_AUTHENTICATION, 20));
        assertArrayEquals(B3_CIPHER_SALT, kdf.derive(SrtpKeyDerivation.RTP_SALT, 14));
    }

    @Test
    void ourHmacSha1MatchesTheJdkMacOverManyMessages() throws Exception {
        Mac reference = Mac.getInstance("HmacSHA1");
        reference.init(new SecretKeySpec(B3_AUTH_KEY, "HmacSHA1"));
        HmacSha1 ours = new HmacSha1(B3_AUTH_KEY);
        java.util.Random random = new java.util.Random(3);
        for (int len = 0; len < 300; len += 7) {
            byte[] message = new byte[len];
            random.nextBytes(message);
            ours.update(message, 0, len);
            ours.updateInt(len);
            reference.update(message);
            reference.update(new byte[] {0, 0, (byte) (len >>> 8), (byte) len});
            assertArrayEquals(reference.doFinal(), ours.finish().clone(), "length " + len);
        }
    }

    /** Runs jitsi's AES-CM cipher, as its contexts create it, over 48 zero bytes. */
    private static byte[] jitsiKeystream(byte[] counter) throws Exception {
        SrtpCipherCtr cipher = new SrtpCipherCtr(Aes.createCipher("AES/CTR/NoPadding"));
        cipher.init(B2_SESSION_KEY, null);
        cipher.setIV(counter, Cipher.ENCRYPT_MODE);
        byte[] data = new byte[48];
        cipher.process(data, 0, data.length);
        return data;
    }

    @Test
    void referenceKeyDerivationReproducesRfc3711B3() throws Exception {
        // Guards the reference used below: RFC 3711 4.3.1 with kdr = 0, computed with the JDK's AES.
        assertArrayEquals(B3_CIPHER_KEY, referenceKdf(B3_MASTER_KEY, B3_MASTER_SALT, 0x00, 16));
        assertArrayEquals(B3_AUTH_KEY, referenceKdf(B3_MASTER_KEY, B3_MASTER_SALT, 0x01, 20));
        assertArrayEquals(B3_CIPHER_SALT, referenceKdf(B3_MASTER_KEY, B3_MASTER_SALT, 0x02, 14));
    }

    @Test
    void protectedPacketUsesSessionKeysOfRfc3711B3() throws Exception {
        SrtpMasterKeys keys = new SrtpMasterKeys(SrtpProfile.AES_CM_128_HMAC_SHA1_80,
                B3_MASTER_KEY, B3_MASTER_SALT, B3_MASTER_KEY, B3_MASTER_SALT);
        SrtpTransformer transformer = new SrtpTransformer(keys);
        PacketBuffer pkt = TestPackets.rtp(new PacketBuffer(), 0x12345678, 4711, 160);
        byte[] plain = TestPackets.copyOf(pkt);

        assertEquals(SrtpResult.OK, transformer.protectRtp(pkt));

        // Only a context that derived exactly the B.3 cipher key, salt and auth key produces this.
        byte[] expected = referenceSrtp(plain, B3_CIPHER_KEY, B3_CIPHER_SALT, B3_AUTH_KEY, 0);
        assertArrayEquals(expected, TestPackets.copyOf(pkt));
    }

    /** RFC 3711 4.3.1: AES-CM keystream under the master key, IV = (salt XOR label << 48) || 0x0000. */
    private static byte[] referenceKdf(byte[] masterKey, byte[] masterSalt, int label, int length) throws Exception {
        byte[] iv = Arrays.copyOf(masterSalt, 16);
        iv[7] ^= (byte) label;
        Cipher ctr = Cipher.getInstance("AES/CTR/NoPadding", "SunJCE");
        ctr.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(masterKey, "AES"), new IvParameterSpec(iv));
        return ctr.doFinal(new byte[length]);
    }

    /** RFC 3711 4.1.1 and 4.2: AES-CM encryption of the payload, then HMAC-SHA1-80 over packet || ROC. */
    private static byte[] referenceSrtp(byte[] rtp, byte[] key, byte[] salt, byte[] authKey, int roc) throws Exception {
        int ssrc = ((rtp[8] & 0xFF) << 24) | ((rtp[9] & 0xFF) << 16) | ((rtp[10] & 0xFF) << 8) | (rtp[11] & 0xFF);
        long index = ((long) roc << 16) | ((rtp[2] & 0xFF) << 8) | (rtp[3] & 0xFF);
        byte[] iv = Arrays.copyOf(salt, 16);
        for (int i = 0; i < 4; i++) {
            iv[4 + i] ^= (byte) (ssrc >>> (24 - 8 * i));
        }
        for (int i = 0; i < 6; i++) {
            iv[8 + i] ^= (byte) (index >>> (40 - 8 * i));
        }
        Cipher ctr = Cipher.getInstance("AES/CTR/NoPadding", "SunJCE");
        ctr.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
        byte[] out = Arrays.copyOf(rtp, rtp.length + 10);
        ctr.doFinal(rtp, TestPackets.RTP_HEADER, rtp.length - TestPackets.RTP_HEADER, out, TestPackets.RTP_HEADER);

        Mac hmac = Mac.getInstance("HmacSHA1", "SunJCE");
        hmac.init(new SecretKeySpec(authKey, "HmacSHA1"));
        hmac.update(out, 0, rtp.length);
        hmac.update(new byte[] {(byte) (roc >>> 24), (byte) (roc >>> 16), (byte) (roc >>> 8), (byte) roc});
        System.arraycopy(hmac.doFinal(), 0, out, rtp.length, 10);
        return out;
    }

    @Test
    void aesCiphersComeFromSunJce() {
        assertEquals("SunJCE", Aes.createCipher("AES/GCM/NoPadding").getProvider().getName());
        assertEquals("SunJCE", Aes.createCipher("AES/CTR/NoPadding").getProvider().getName());
    }
}
