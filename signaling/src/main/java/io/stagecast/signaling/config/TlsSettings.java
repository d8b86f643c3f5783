package io.stagecast.signaling.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * HTTPS and WSS on the signaling port ({@code tls.*}): PEM files, how often they are checked for a
 * new certificate, and an optional plain-HTTP port that redirects to HTTPS.
 *
 * @param certificateFile {@code tls.certificate-file}: the certificate chain, PEM; null: TLS off
 * @param keyFile         {@code tls.key-file}: its private key, PEM (PKCS#8, or PKCS#1 / SEC 1)
 * @param reloadInterval  {@code tls.reload-seconds}: the files are checked this often and a changed pair
 *                        serves the next connection
 * @param redirectPort    {@code tls.redirect-port}: plain HTTP here answers 308 to the HTTPS URL; 0 none
 */
public record TlsSettings(Path certificateFile, Path keyFile, Duration reloadInterval, int redirectPort) {
    public static final TlsSettings OFF = new TlsSettings(null, null, Duration.ofSeconds(60), 0);

    public boolean enabled() {
        return certificateFile != null;
    }
}
