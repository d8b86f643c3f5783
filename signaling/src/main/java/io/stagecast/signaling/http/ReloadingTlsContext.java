package io.stagecast.signaling.http;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.stagecast.signaling.config.TlsSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The signaling port's TLS context, built by Netty from the PEM certificate chain and key, and
 * built again when either file changes (checked every {@code tls.reload-seconds}: a renewed
 * certificate, certbot or cert-manager, serves the next connection without a restart; the open
 * ones keep theirs). A pair that does not load keeps the previous context and is logged; at start
 * it is a configuration error.
 */
public final class ReloadingTlsContext {
    private static final Logger log = LoggerFactory.getLogger(ReloadingTlsContext.class);
    private final TlsSettings settings;
    private volatile SslContext current;
    private FileTime certificateTime;
    private FileTime keyTime;

    /** @throws IllegalArgumentException when the files cannot be read or do not make a server context */
    public ReloadingTlsContext(TlsSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        try {
            load();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("tls.certificate-file " + settings.certificateFile() + " and tls.key-file "
                    + settings.keyFile() + " do not load: " + e.getMessage(), e);
        }
    }

    /** Checks the files every reload interval on {@code timer}. */
    public void watch(ScheduledExecutorService timer) {
        long every = settings.reloadInterval().toMillis();
        timer.scheduleWithFixedDelay(this::reloadIfChanged, every, every, TimeUnit.MILLISECONDS);
    }

    /** The context new connections get. */
    public SslContext current() {
        return current;
    }

    void reloadIfChanged() {
        try {
            if (certificateTime.equals(modified(settings.certificateFile())) && keyTime.equals(modified(settings.keyFile()))) {
                return;
            }
            load();
            log.info("TLS certificate reloaded from {}", settings.certificateFile());
        } catch (IOException | RuntimeException e) {
            // Mid-rotation (the certificate written, its key not yet) or broken: keep serving the old pair.
            log.warn("TLS certificate {} not reloaded, the previous one serves on: {}", settings.certificateFile(), e.toString());
        }
    }

    private void load() throws IOException {
        FileTime certificate = modified(settings.certificateFile());
        FileTime key = modified(settings.keyFile());
        current = SslContextBuilder.forServer(settings.certificateFile().toFile(), settings.keyFile().toFile()).build();
        certificateTime = certificate;
        keyTime = key;
    }

    private static FileTime modified(Path file) throws IOException {
        return Files.getLastModifiedTime(file);
    }
}
