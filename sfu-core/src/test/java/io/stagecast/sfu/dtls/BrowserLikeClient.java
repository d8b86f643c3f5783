package io.stagecast.sfu.dtls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Hashtable;
import java.util.List;

import io.stagecast.sfu.srtp.SrtpMasterKeys;
import io.stagecast.sfu.srtp.SrtpProfile;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.ExtensionType;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;

/**
 * A plain BouncyCastle DTLS 1.2 client dressed up like a current browser's ClientHello: it also
 * lists DTLS 1.3 in supported_versions and carries a key_share with an X25519MLKEM768 share
 * (1216 bytes) beside an X25519 one, so the ClientHello does not fit one 1200-byte datagram.
 */
final class BrowserLikeClient extends DefaultTlsClient {

    private static final int X25519_MLKEM768 = 0x11EC;
    private static final int X25519 = 0x001D;
    private static final int MLKEM768_SHARE_LENGTH = 1184 + 32;

    private final DtlsCertificate certificate;
    private final List<SrtpProfile> offered;
    volatile SrtpMasterKeys keys;
    private SrtpProfile profile;

    BrowserLikeClient(DtlsCertificate certificate, List<SrtpProfile> offered) {
        super(certificate.crypto());
        this.certificate = certificate;
        this.offered = offered;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Hashtable getClientExtensions() throws IOException {
        Hashtable extensions = super.getClientExtensions();
        UseSrtpNegotiation.offer(extensions, offered);
        TlsExtensionsUtils.addSupportedVersionsExtensionClient(extensions,
                new ProtocolVersion[] {ProtocolVersion.DTLSv13, ProtocolVersion.DTLSv12});
        extensions.put(ExtensionType.key_share, keyShares());
        return extensions;
    }

    private static byte[] keyShares() throws IOException {
        SecureRandom random = new SecureRandom();
        byte[] hybrid = new byte[MLKEM768_SHARE_LENGTH];
        byte[] classic = new byte[32];
        random.nextBytes(hybrid);
        random.nextBytes(classic);
        ByteArrayOutputStream entries = new ByteArrayOutputStream();
        TlsUtils.writeUint16(X25519_MLKEM768, entries);
        TlsUtils.writeOpaque16(hybrid, entries);
        TlsUtils.writeUint16(X25519, entries);
        TlsUtils.writeOpaque16(classic, entries);
        return TlsUtils.encodeOpaque16(entries.toByteArray());
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
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) {
                // The test checks the keys instead.
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
        byte[] material = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, profile.keyingMaterialLength());
        keys = SrtpMasterKeys.fromKeyingMaterial(profile, material, true);
    }
}
