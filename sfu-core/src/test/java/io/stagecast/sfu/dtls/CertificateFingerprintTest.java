package io.stagecast.sfu.dtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

class CertificateFingerprintTest {

    private static final DtlsCertificate CERT = DtlsCertificate.generate();

    @Test
    void sdpFingerprintIsSha256InColonSeparatedUpperCaseHex() {
        assertTrue(CERT.fingerprintHex().matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), CERT.fingerprintHex());
        assertEquals("sha-256 " + CERT.fingerprintHex(), CERT.sdpFingerprint());
    }

    @Test
    void sha256OfKnownInputMatchesTheStandardDigest() {
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
        assertEquals("BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD",
                CertificateFingerprint.compute("sha-256", abc).hex());
    }

    @Test
    void eachGeneratedCertificateHasItsOwnFingerprint() {
        assertNotEquals(CERT.fingerprintHex(), DtlsCertificate.generate().fingerprintHex());
    }

    @Test
    void parsedFingerprintMatchesOnlyItsCertificate() {
        CertificateFingerprint parsed = CertificateFingerprint.parse("sha-256", CERT.fingerprintHex().toLowerCase());
        assertTrue(parsed.matches(CERT.der()));
        assertFalse(parsed.matches(DtlsCertificate.generate().der()));
    }

    @Test
    void algorithmNameIsCaseInsensitiveAndOtherShaSizesWork() {
        for (String algorithm : new String[] {"SHA-1", "sha-384", "Sha-512"}) {
            String hex = CertificateFingerprint.compute(algorithm.toLowerCase(), CERT.der()).hex();
            assertTrue(CertificateFingerprint.parse(algorithm, hex).matches(CERT.der()), algorithm);
        }
    }

    @Test
    void malformedFingerprintsAreRefusedWithIllegalArgument() {
        String good = CERT.fingerprintHex();
        assertThrows(IllegalArgumentException.class, () -> CertificateFingerprint.parse("md5", "AB:CD"));
        assertThrows(IllegalArgumentException.class, () -> CertificateFingerprint.parse(null, good));
        assertThrows(IllegalArgumentException.class, () -> CertificateFingerprint.parse("sha-256", null));
        assertThrows(IllegalArgumentException.class, () -> CertificateFingerprint.parse("sha-256", good.substring(3)));
        assertThrows(IllegalArgumentException.class,
                () -> CertificateFingerprint.parse("sha-256", "ZZ" + good.substring(2)));
        assertThrows(IllegalArgumentException.class,
                () -> CertificateFingerprint.parse("sha-256", good.replace(":", "")));
    }

    @Test
    void randomTextNeverThrowsAnythingButIllegalArgument() {
        Random random = new Random(42);
        String alphabet = "0123456789abcdefABCDEFxyz:- ";
        for (int i = 0; i < 10_000; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(120);
            for (int j = 0; j < length; j++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            try {
                CertificateFingerprint.parse("sha-256", text.toString());
            } catch (IllegalArgumentException expected) {
                // the only acceptable failure
            }
        }
    }
}
