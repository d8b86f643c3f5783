package io.stagecast.sfu.dtls;

import java.io.IOException;
import java.util.Hashtable;
import java.util.List;

import io.stagecast.sfu.srtp.SrtpProfile;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;

/**
 * The client side of DTLS-SRTP on BouncyCastle: DTLS 1.2, offers use_srtp, checks the server's
 * certificate against the SDP fingerprint and answers the certificate request with ours.
 */
final class DtlsSrtpClient extends DefaultTlsClient {

    /** ECDSA first (what browsers and we use), RSA for peers that still have an RSA certificate. */
    private static final int[] CIPHER_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
    };

    private final DtlsCertificate certificate;
    private final DtlsSrtpPeer peer;
    private final List<SrtpProfile> offered;
    private final int handshakeTimeoutMillis;
    private SrtpProfile profile;

    DtlsSrtpClient(DtlsCertificate certificate, DtlsSrtpPeer peer, List<SrtpProfile> offered,
                   int handshakeTimeoutMillis) {
        super(certificate.crypto());
        this.certificate = certificate;
        this.peer = peer;
        this.offered = offered;
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
    @SuppressWarnings("rawtypes")
    public Hashtable getClientExtensions() throws IOException {
        Hashtable clientExtensions = super.getClientExtensions();
        UseSrtpNegotiation.offer(clientExtensions, offered);
        return clientExtensions;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void processServerExtensions(Hashtable serverExtensions) throws IOException {
        super.processServerExtensions(serverExtensions);
        profile = UseSrtpNegotiation.accepted(serverExtensions, offered);
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                peer.verify(serverCertificate.getCertificate());
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest certificateRequest) {
                return certificate.signer(context);
            }
        };
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        peer.exportKeys(context, profile, true);
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
