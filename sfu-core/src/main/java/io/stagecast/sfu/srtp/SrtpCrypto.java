package io.stagecast.sfu.srtp;

import org.jitsi.srtp.crypto.Aes;

/**
 * Process-wide choice of the AES implementation jitsi-srtp uses.
 *
 * <p>Left alone, jitsi-srtp benchmarks the available providers when it creates its first cipher of
 * each kind and sometimes settles on BouncyCastle, which is 15-20x slower for GCM than the JDK's
 * intrinsic-backed SunJCE. Pinning SunJCE makes the choice deterministic. The pin only affects
 * ciphers created afterwards, so it must run before the first jitsi-srtp context is derived.
 *
 * <p>{@link SrtpTransformer} no longer runs on jitsi-srtp (it uses the JDK's ciphers directly); the
 * pin matters to code that still creates jitsi-srtp contexts, such as the SRTP floor benchmark and
 * the differential tests.
 */
public final class SrtpCrypto {
    private static volatile boolean configured;

    private SrtpCrypto() {
    }

    /** Pins jitsi-srtp's AES factory to SunJCE. Idempotent and safe to call from any thread. */
    public static void configure() {
        if (configured) {
            return;
        }
        synchronized (SrtpCrypto.class) {
            if (!configured) {
                Aes.setFactoryClassName(Aes.SunJCECipherFactory.class.getName());
                configured = true;
            }
        }
    }
}
