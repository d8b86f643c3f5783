package io.stagecast.sfu.srtp;

import static io.stagecast.sfu.srtp.TestPackets.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our GCM ({@link AesGcm}, {@link Ghash}) on both GHASH paths, the JDK's intrinsic and the table:
 * the test cases of McGrew and Viega's GCM specification (the ones NIST's GCM validation started
 * from), including their intermediate GHASH values, then byte-exact agreement with the JDK's
 * AES/GCM cipher for every length from 0 to a full packet buffer and rejection of any changed bit.
 */
class AesGcmTest {
    private static final byte[] K3 = hex("feffe9928665731c6d6a8f9467308308");
    private static final byte[] IV3 = hex("cafebabefacedbaddecaf888");
    private static final byte[] P3 = hex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
            + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255");
    private static final byte[] C3 = hex("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
            + "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985");
    private static final byte[] A4 = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");

    @Test
    void theJdkIntrinsicIsReachableInTheTestJvmAsInTheNode() {
        // the surefire argLine (root pom) and the node jar's manifest open com.sun.crypto.provider;
        // false here means a JDK changed GHASH's shape and the node fell back to the table.
        assertTrue(JdkGhash.AVAILABLE);
    }

    @Test
    void theJdkBlockFunctionIsNeverHandedARangeBeyondTheArray() {
        // The JDK's stub reads memory without checking bounds; JdkGhash checks for it.
        assumeTrue(JdkGhash.AVAILABLE);
        long[] table = JdkGhash.keyTable(new byte[16]);
        long[] state = new long[2];
        assertThrows(ArrayIndexOutOfBoundsException.class, () -> JdkGhash.processBlocks(new byte[31], 0, 2, state, table));
        assertThrows(ArrayIndexOutOfBoundsException.class, () -> JdkGhash.processBlocks(new byte[32], 17, 1, state, table));
        assertThrows(ArrayIndexOutOfBoundsException.class, () -> JdkGhash.processBlocks(new byte[32], 40, 1, state, table));
        assertThrows(ArrayIndexOutOfBoundsException.class, () -> JdkGhash.processBlocks(new byte[32], -16, 1, state, table));
        JdkGhash.processBlocks(new byte[32], 16, 1, state, table); // exactly the last block: fine
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void ghashMatchesTheSpecIntermediateValues(boolean jdk) {
        assumeTrue(!jdk || JdkGhash.AVAILABLE);
        // Test case 2: H = E(0^128, 0^128), C = one block, no AAD.
        assertArrayEquals(hex("f38cbb1ad69223dcc3457ae5b6b0f885"),
                ghash(jdk, hex("66e94bd4ef8a2c3b884cfa59ca342b2e"), new byte[0], hex("0388dace60b6a392f328c2b971b2fe78")));
        // Test case 3: four blocks, no AAD; test case 4: 20 bytes of AAD and 60 of ciphertext (both padded).
        byte[] h = hex("b83b533708bf535d0aa6e52980d53b78");
        assertArrayEquals(hex("7f1b32b81b820d02614f8895ac1d4eac"), ghash(jdk, h, new byte[0], C3));
        assertArrayEquals(hex("698e57f70e6ecc7fd9463b7260a9ae5f"), ghash(jdk, h, A4, Arrays.copyOf(C3, 60)));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void sealMatchesTheSpecTestCases(boolean jdk) throws Exception {
        assumeTrue(!jdk || JdkGhash.AVAILABLE);
        // Test case 1: nothing to encrypt, the tag is E(K, J0).
        AesGcm zeroKey = new AesGcm(new byte[16], jdk);
        byte[] out = new byte[32];
        zeroKey.start(new byte[12]);
        zeroKey.seal(out, 0, 0);
        assertArrayEquals(hex("58e2fccefa7e3061367f1d57a4e7455a"), Arrays.copyOf(out, 16));
        // Test case 2.
        zeroKey.start(new byte[12]);
        out = new byte[32];
        zeroKey.seal(out, 0, 16);
        assertArrayEquals(hex("0388dace60b6a392f328c2b971b2fe78" + "ab6e47d42cec13bdf53a67b21257bddf"), out);
        // Test case 4.
        AesGcm gcm = new AesGcm(K3, jdk);
        out = Arrays.copyOf(P3, 60 + 16);
        gcm.start(IV3);
        gcm.aad(A4, 0, 7); // AAD in pieces is one AAD string
        gcm.aad(A4, 7, A4.length - 7);
        gcm.seal(out, 0, 60);
        assertArrayEquals(concat(Arrays.copyOf(C3, 60), hex("5bc94fbc3221a5db94fae95ae7121a47")), out);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void agreesWithTheJdkCipherForEveryLengthUpToAPacketBuffer(boolean jdk) throws Exception {
        assumeTrue(!jdk || JdkGhash.AVAILABLE);
        Random random = new Random(jdk ? 1 : 2);
        byte[] key = new byte[16];
        random.nextBytes(key);
        AesGcm ours = new AesGcm(key, jdk);
        Cipher reference = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
        int[] aadLengths = {0, 1, 8, 12, 15, 16, 17, 40};
        int max = io.stagecast.sfu.buffer.PacketBuffer.CAPACITY - 16;
        for (int len = 0; len <= max; len++) {
            byte[] iv = new byte[12];
            random.nextBytes(iv);
            byte[] aad = new byte[aadLengths[len % aadLengths.length]];
            random.nextBytes(aad);
            byte[] plain = new byte[len];
            random.nextBytes(plain);
            int at = len % 5; // not always at the array's start
            byte[] buf = new byte[at + len + 16];
            System.arraycopy(plain, 0, buf, at, len);

            ours.start(iv);
            ours.aad(aad, 0, aad.length);
            ours.seal(buf, at, len);
            reference.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
            reference.updateAAD(aad);
            byte[] expected = reference.doFinal(plain);
            assertArrayEquals(expected, Arrays.copyOfRange(buf, at, at + len + 16), "length " + len);

            byte[] sealed = buf.clone();
            ours.start(iv);
            ours.aad(aad, 0, aad.length);
            assertTrue(ours.open(buf, at, len), "length " + len);
            assertArrayEquals(plain, Arrays.copyOfRange(buf, at, at + len), "length " + len);

            // One flipped bit anywhere in ciphertext, tag or AAD: refused, ciphertext left as it came.
            byte[] forged = sealed.clone();
            byte[] forgedAad = aad.clone();
            int bit = random.nextInt((len + 16 + aad.length) * 8);
            if (bit < (len + 16) * 8) {
                forged[at + bit / 8] ^= (byte) (1 << (bit % 8));
            } else {
                bit -= (len + 16) * 8;
                forgedAad[bit / 8] ^= (byte) (1 << (bit % 8));
            }
            byte[] before = forged.clone();
            ours.start(iv);
            ours.aad(forgedAad, 0, forgedAad.length);
            assertFalse(ours.open(forged, at, len), "length " + len);
            assertArrayEquals(before, forged, "length " + len);
        }
    }

    @Test
    void bothGhashPathsAgreeOnRandomInputSplitAnyhow() {
        assumeTrue(JdkGhash.AVAILABLE);
        Random random = new Random(3);
        for (int i = 0; i < 500; i++) {
            byte[] h = new byte[16];
            random.nextBytes(h);
            byte[] aad = new byte[random.nextInt(64)];
            byte[] text = new byte[random.nextInt(1600)];
            random.nextBytes(aad);
            random.nextBytes(text);
            assertArrayEquals(ghash(true, h, aad, text), ghash(false, h, aad, text), "case " + i);
        }
    }

    private static byte[] ghash(boolean jdk, byte[] h, byte[] aad, byte[] text) {
        Ghash ghash = new Ghash(h, jdk);
        ghash.reset();
        // Fed in uneven pieces: a partial block must wait for the next call.
        int split = aad.length / 3;
        ghash.update(aad, 0, split);
        ghash.update(aad, split, aad.length - split);
        ghash.pad();
        int cut = Math.min(text.length, 5);
        ghash.update(text, 0, cut);
        ghash.update(text, cut, text.length - cut);
        byte[] out = new byte[16];
        ghash.finish(aad.length, text.length, out, 0);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
