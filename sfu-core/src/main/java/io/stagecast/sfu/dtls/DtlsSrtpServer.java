package io.stagecast.sfu.dtls;

import java.io.IOException;
import java.util.Hashtable;

import io.stagecast.sfu.srtp.SrtpProfile;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsUtils;

/**
 * The server side of DTLS-SRTP on BouncyCastle: DTLS 1.2 only (a client that also offers 1.3, as
 * current browsers do, gets 1.2), our ECDSA certificate, a mandatory client certificate checked
 * against the SDP fingerprint, and use_srtp answered with our preferred common profile.
 */
final class DtlsSrtpServer extends DefaultTlsServer {

    /** ECDHE with our ECDSA key; GCM and ChaCha first, the CBC ones for older stacks. */
    private static final int[] CIPHER_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
    };

    private final DtlsCertificate certificate;
    private final DtlsSrtpPeer peer;
    private final int handshakeTimeoutMillis;
    private SrtpProfile profile;

    DtlsSrtpServer(DtlsCertificate certificate, DtlsSrtpPeer peer, int handshakeTimeoutMillis) {
        super(certificate.crypto());
        this.certificate = certificate;
        this.peer = peer;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return TlsUtils.getSupportedCipherSuites(getCrypto(), CIPHER_SUITES);
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() {
        return certificate.signer(context);
    }

    /** RFC 5763 5: the server must request the client's certificate to check its fingerprint. */
    @Override
    public CertificateRequest getCertificateRequest() {
        short[] types = {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign};
        return new CertificateRequest(types, TlsUtils.getDefaultSupportedSignatureAlgorithms(context), null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        peer.verify(clientCertificate);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions);
        profile = UseSrtpNegotiation.choose(clientExtensions);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Hashtable getServerExtensions() throws IOException {
        Hashtable serverExtensions = super.getServerExtensions();
        UseSrtpNegotiation.answer(serverExtensions, profile);
        return serverExtensions;
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        peer.exportKeys(context, profile, false);
    }

    @Override
    public void notifyAlertReceived(short alertLevel, short alertDescription) {
        peer.alertReceived(alertLevel, alertDescription);
    }

    @Override
    public void notifyAlertRaised(short alertLevel, short alertDescription, String message, Throwable cause) {
        peer.alertRaised(alertLevel, alertDescription, message);
    }
}
