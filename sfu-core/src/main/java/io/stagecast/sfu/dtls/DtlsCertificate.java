package io.stagecast.sfu.dtls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Date;

import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * Our DTLS identity: an ECDSA P-256 key and a self-signed certificate, made once at start-up and
 * shared by every session. WebRTC authenticates it by the fingerprint in the SDP (RFC 8122 5,
 * RFC 8827 6.5), not by a chain, so names and validity only need to be well-formed; P-256 with
 * SHA-256 is what every browser accepts and signs fastest.
 */
public final class DtlsCertificate {

    private static final long DAY_MILLIS = 24L * 60 * 60 * 1000;
    /** Long enough to outlive any node process; browsers do not check validity for DTLS-SRTP. */
    private static final long VALIDITY_MILLIS = 365 * DAY_MILLIS;

    private static final SignatureAndHashAlgorithm ECDSA_SHA256 =
            SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);

    private final BcTlsCrypto crypto;
    private final AsymmetricKeyParameter privateKey;
    private final Certificate chain;
    private final CertificateFingerprint fingerprint;
    private final byte[] der;

    private DtlsCertificate(BcTlsCrypto crypto, AsymmetricKeyParameter privateKey, byte[] der) throws IOException {
        this.crypto = crypto;
        this.privateKey = privateKey;
        this.chain = new Certificate(new TlsCertificate[] {crypto.createCertificate(der)});
        this.fingerprint = CertificateFingerprint.compute(CertificateFingerprint.SHA_256, der);
        this.der = der;
    }

    public static DtlsCertificate generate() {
        SecureRandom random = new SecureRandom();
        X9ECParameters p256 = CustomNamedCurves.getByOID(SECObjectIdentifiers.secp256r1);
        ECKeyPairGenerator generator = new ECKeyPairGenerator();
        generator.init(new ECKeyGenerationParameters(
                new ECNamedDomainParameters(SECObjectIdentifiers.secp256r1, p256), random));
        AsymmetricCipherKeyPair keyPair = generator.generateKeyPair();

        long now = System.currentTimeMillis();
        X500Name name = new X500Name("CN=stagecast");
        try {
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(name,
                    new BigInteger(63, random).add(BigInteger.ONE),
                    new Date(now - DAY_MILLIS), new Date(now + VALIDITY_MILLIS), name,
                    SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(keyPair.getPublic()));
            AlgorithmIdentifier signatureAlgorithm =
                    new DefaultSignatureAlgorithmIdentifierFinder().find("SHA256withECDSA");
            AlgorithmIdentifier digestAlgorithm =
                    new DefaultDigestAlgorithmIdentifierFinder().find(signatureAlgorithm);
            byte[] der = builder.build(new BcECContentSignerBuilder(signatureAlgorithm, digestAlgorithm)
                    .build(keyPair.getPrivate())).getEncoded();
            return new DtlsCertificate(new BcTlsCrypto(random), keyPair.getPrivate(), der);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the DTLS certificate", e);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("no ECDSA signer for the DTLS certificate", e);
        }
    }

    /** SHA-256 over the certificate's DER: upper-case hex, colon-separated. */
    public String fingerprintHex() {
        return fingerprint.hex();
    }

    /** The value of our SDP {@code a=fingerprint} attribute, e.g. {@code "sha-256 AB:CD:..."}. */
    public String sdpFingerprint() {
        return fingerprint.algorithm() + " " + fingerprint.hex();
    }

    /** The certificate's DER encoding (a copy). */
    byte[] der() {
        return der.clone();
    }

    BcTlsCrypto crypto() {
        return crypto;
    }

    /** Signs our handshake messages; ecdsa_secp256r1_sha256 is accepted by every DTLS 1.2 peer. */
    TlsCredentialedSigner signer(TlsContext context) {
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, privateKey, chain,
                ECDSA_SHA256);
    }
}
