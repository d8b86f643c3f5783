package io.stagecast.sfu;

import io.stagecast.sfu.buffer.PacketBuffer;
import io.stagecast.sfu.dtls.DtlsCertificate;
import io.stagecast.sfu.dtls.DtlsWarmUp;
import io.stagecast.sfu.srtp.SrtpCrypto;
import io.stagecast.sfu.srtp.SrtpMasterKeys;
import io.stagecast.sfu.srtp.SrtpProfile;
import io.stagecast.sfu.srtp.SrtpResult;
import io.stagecast.sfu.srtp.SrtpTransformer;
import io.stagecast.sfu.stun.IceLiteResponder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;

/**
 * Runs each protocol of the media plane once before the socket opens, so that the first peer meets
 * loaded classes and initialised crypto instead of paying for them (issue 8 item 15: a fresh node
 * answered its first ICE check after ~0.4 s, mostly ice4j's configuration; Firefox, which nominates
 * a pair every ~20 ms, then ended on another pair than the node). Costs a few hundred ms of
 * start-up, once.
 */
final class StartupWarmUp {
    private static final Logger log = LoggerFactory.getLogger(StartupWarmUp.class);

    private StartupWarmUp() {
    }

    static void run(DtlsCertificate certificate) {
        long start = System.nanoTime();
        IceLiteResponder.warmUp();
        long stun = System.nanoTime();
        DtlsWarmUp.handshake(certificate);
        long dtls = System.nanoTime();
        srtp();
        long end = System.nanoTime();
        log.info("warm-up: STUN {} ms, DTLS {} ms, SRTP {} ms", (stun - start) / 1_000_000,
                (dtls - stun) / 1_000_000, (end - dtls) / 1_000_000);
    }

    /** Protects and unprotects an RTP and an RTCP packet with every profile we negotiate. */
    private static void srtp() {
        SrtpCrypto.configure();
        SecureRandom random = new SecureRandom();
        for (SrtpProfile profile : SrtpProfile.values()) {
            byte[] material = new byte[profile.keyingMaterialLength()];
            random.nextBytes(material);
            SrtpTransformer sender = new SrtpTransformer(SrtpMasterKeys.fromKeyingMaterial(profile, material, true));
            SrtpTransformer receiver = new SrtpTransformer(SrtpMasterKeys.fromKeyingMaterial(profile, material, false));
            try {
                PacketBuffer rtp = new PacketBuffer();
                byte[] b = rtp.getBuffer();
                b[0] = (byte) 0x80;
                b[1] = 111;
                b[11] = 1; // SSRC 1
                rtp.setLength(12 + 100);
                PacketBuffer rtcp = new PacketBuffer();
                byte[] r = rtcp.getBuffer();
                r[0] = (byte) 0x80;
                r[1] = (byte) 201; // an empty receiver report
                r[3] = 1;
                r[7] = 1;
                rtcp.setLength(8);
                if (sender.protectRtp(rtp) != SrtpResult.OK || receiver.unprotectRtp(rtp) != SrtpResult.OK
                        || sender.protectRtcp(rtcp) != SrtpResult.OK || receiver.unprotectRtcp(rtcp) != SrtpResult.OK) {
                    throw new IllegalStateException("SRTP warm-up failed for " + profile);
                }
            } finally {
                sender.close();
                receiver.close();
            }
        }
    }
}
