package io.stagecast.sfu.dtls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * A certificate fingerprint as SDP carries it (RFC 8122 5): a hash function name from the IANA
 * "Hash Function Textual Names" registry and the hash of the certificate's DER in colon-separated
 * hex. Immutable.
 */
final class CertificateFingerprint {

    static final String SHA_256 = "sha-256";

    private final String algorithm;
    private final byte[] digest;

    private CertificateFingerprint(String algorithm, byte[] digest) {
        this.algorithm = algorithm;
        this.digest = digest;
    }

    /** Hashes {@code der} with the named SDP hash function. */
    static CertificateFingerprint compute(String algorithm, byte[] der) {
        return new CertificateFingerprint(algorithm, newDigest(algorithm).digest(der));
    }

    /**
     * Reads the two halves of an {@code a=fingerprint} value.
     *
     * @throws IllegalArgumentException for an unknown hash function or hex of the wrong shape
     */
    static CertificateFingerprint parse(String algorithm, String hex) {
        if (algorithm == null || hex == null) {
            throw new IllegalArgumentException("fingerprint algorithm and value are required");
        }
        String name = algorithm.trim().toLowerCase(Locale.ROOT);
        int digestLength = newDigest(name).getDigestLength();
        String[] octets = hex.trim().split(":");
        if (octets.length != digestLength) {
            throw new IllegalArgumentException(
                    "a " + name + " fingerprint has " + digestLength + " octets, got " + octets.length);
        }
        byte[] digest = new byte[digestLength];
        for (int i = 0; i < digestLength; i++) {
            String octet = octets[i];
            int high = octet.length() == 2 ? Character.digit(octet.charAt(0), 16) : -1;
            int low = octet.length() == 2 ? Character.digit(octet.charAt(1), 16) : -1;
            if (high < 0 || low < 0) {
                throw new IllegalArgumentException("fingerprint octet " + i + " is not two hex digits: '" + octet + "'");
            }
            digest[i] = (byte) (high << 4 | low);
        }
        return new CertificateFingerprint(name, digest);
    }

    String algorithm() {
        return algorithm;
    }

    String hex() {
        StringBuilder out = new StringBuilder(digest.length * 3);
        for (byte b : digest) {
            if (out.length() > 0) {
                out.append(':');
            }
            out.append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)));
            out.append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
        }
        return out.toString();
    }

    /** True when {@code der} hashes to this fingerprint; compares in constant time. */
    boolean matches(byte[] der) {
        return MessageDigest.isEqual(digest, newDigest(algorithm).digest(der));
    }

    /** The hash functions RFC 8122 5 allows (MD5 and MD2 are deprecated by RFC 8122 and refused). */
    private static MessageDigest newDigest(String sdpName) {
        String jdkName = switch (sdpName) {
            case "sha-1" -> "SHA-1";
            case "sha-224" -> "SHA-224";
            case "sha-256" -> "SHA-256";
            case "sha-384" -> "SHA-384";
            case "sha-512" -> "SHA-512";
            default -> throw new IllegalArgumentException("unsupported fingerprint hash function '" + sdpName + "'");
        };
        try {
            return MessageDigest.getInstance(jdkName);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + jdkName, e);
        }
    }
}
