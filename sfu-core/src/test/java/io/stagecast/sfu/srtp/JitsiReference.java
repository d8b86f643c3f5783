package io.stagecast.sfu.srtp;

import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpPolicy;
import org.jitsi.utils.logging2.LoggerImpl;

/** jitsi-srtp contexts for the same keys as a transformer: the independent implementation we compare with. */
final class JitsiReference {
    static {
        SrtpCrypto.configure();
    }

    private JitsiReference() {
    }

    /** A factory protecting with (sender) or unprotecting with (receiver) the given master key and salt. */
    static SrtpContextFactory factory(SrtpProfile profile, boolean sender, byte[] key, byte[] salt) {
        return new SrtpContextFactory(sender, key, salt, policy(profile), policy(profile),
                new LoggerImpl(JitsiReference.class.getName()));
    }

    private static SrtpPolicy policy(SrtpProfile profile) {
        SrtpPolicy policy = switch (profile) {
            case AEAD_AES_128_GCM -> new SrtpPolicy(SrtpPolicy.AESGCM_ENCRYPTION, profile.keyLength,
                    SrtpPolicy.NULL_AUTHENTICATION, 0, profile.tagLength, profile.saltLength);
            case AES_CM_128_HMAC_SHA1_80 -> new SrtpPolicy(SrtpPolicy.AESCM_ENCRYPTION, profile.keyLength,
                    SrtpPolicy.HMACSHA1_AUTHENTICATION, 20, profile.tagLength, profile.saltLength);
        };
        policy.setReceiveReplayEnabled(true);
        policy.setSendReplayEnabled(false);
        return policy;
    }
}
