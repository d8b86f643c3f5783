package io.stagecast.sfu.dtls;

import java.io.IOException;

import io.stagecast.sfu.srtp.SrtpMasterKeys;
import io.stagecast.sfu.srtp.SrtpProfile;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsFatalAlert;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the two BC peer classes ({@link DtlsSrtpServer}, {@link DtlsSrtpClient}) have in common: the
 * check of the peer's certificate against the SDP fingerprint, the key export, and noticing the
 * peer's close_notify. One instance per handshake; BC calls it from the handshake thread, the
 * session reads it afterwards.
 */
final class DtlsSrtpPeer {

    private static final Logger LOG = LoggerFactory.getLogger(DtlsSrtpPeer.class);

    private final CertificateFingerprint expected;
    private volatile SrtpMasterKeys keys;
    private volatile boolean closeNotifyReceived;

    DtlsSrtpPeer(CertificateFingerprint expected) {
        this.expected = expected;
    }

    /**
     * RFC 8122 5 / RFC 5763 5: the certificate the peer presents must hash to the fingerprint its
     * SDP announced; a chain is not validated. A mismatch is a fatal bad_certificate alert.
     */
    void verify(Certificate presented) throws IOException {
        if (presented == null || presented.isEmpty()) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "peer sent no certificate");
        }
        if (!expected.matches(presented.getCertificateAt(0).getEncoded())) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate,
                    "peer certificate does not match the SDP " + expected.algorithm() + " fingerprint");
        }
    }

    /** RFC 5764 4.2: export the SRTP master keys and salts once the handshake is complete. */
    void exportKeys(TlsContext context, SrtpProfile profile, boolean weAreClient) {
        byte[] material = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, profile.keyingMaterialLength());
        keys = SrtpMasterKeys.fromKeyingMaterial(profile, material, weAreClient);
    }

    SrtpMasterKeys keys() {
        return keys;
    }

    boolean closeNotifyReceived() {
        return closeNotifyReceived;
    }

    void alertReceived(short level, short description) {
        if (description == AlertDescription.close_notify) {
            closeNotifyReceived = true;
        }
        LOG.debug("DTLS alert received: {} {}", AlertLevel.getText(level), AlertDescription.getText(description));
    }

    void alertRaised(short level, short description, String message) {
        LOG.debug("DTLS alert sent: {} {} {}", AlertLevel.getText(level), AlertDescription.getText(description),
                message == null ? "" : message);
    }
}
