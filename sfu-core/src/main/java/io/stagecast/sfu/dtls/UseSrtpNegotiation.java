package io.stagecast.sfu.dtls;

import java.io.IOException;
import java.util.Hashtable;
import java.util.List;

import io.stagecast.sfu.srtp.SrtpProfile;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;

/**
 * The use_srtp extension exchange of RFC 5764 4.1.1 for both roles. We never use an MKI: we offer
 * and answer an empty srtp_mki, which WebRTC endpoints do too.
 */
final class UseSrtpNegotiation {

    /** Our preference: one AES-GCM pass (RFC 7714) costs less than AES-CTR plus HMAC-SHA1. */
    static final List<SrtpProfile> PREFERENCE =
            List.of(SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES_CM_128_HMAC_SHA1_80);

    private UseSrtpNegotiation() {
    }

    /** Client: adds use_srtp listing {@code offered} in order. */
    @SuppressWarnings("rawtypes")
    static void offer(Hashtable clientExtensions, List<SrtpProfile> offered) throws IOException {
        int[] ids = offered.stream().mapToInt(p -> p.id).toArray();
        TlsSRTPUtils.addUseSRTPExtension(clientExtensions, new UseSRTPData(ids, TlsUtils.EMPTY_BYTES));
    }

    /**
     * Server: our most preferred profile among those the client offered (RFC 5764 4.1.1 leaves the
     * choice to the server). WebRTC cannot run without SRTP, so no common profile fails the handshake.
     */
    @SuppressWarnings("rawtypes")
    static SrtpProfile choose(Hashtable clientExtensions) throws IOException {
        UseSRTPData offer = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
        if (offer == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "client did not offer use_srtp");
        }
        for (SrtpProfile ours : PREFERENCE) {
            for (int id : offer.getProtectionProfiles()) {
                if (id == ours.id) {
                    return ours;
                }
            }
        }
        throw new TlsFatalAlert(AlertDescription.handshake_failure, "no SRTP protection profile in common");
    }

    /** Server: answers use_srtp with the one chosen profile. */
    @SuppressWarnings("rawtypes")
    static void answer(Hashtable serverExtensions, SrtpProfile chosen) throws IOException {
        TlsSRTPUtils.addUseSRTPExtension(serverExtensions, new UseSRTPData(new int[] {chosen.id}, TlsUtils.EMPTY_BYTES));
    }

    /** Client: the server must answer exactly one profile, and one we offered (RFC 5764 4.1.1). */
    @SuppressWarnings("rawtypes")
    static SrtpProfile accepted(Hashtable serverExtensions, List<SrtpProfile> offered) throws IOException {
        UseSRTPData answer = TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
        if (answer == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "server did not answer use_srtp");
        }
        int[] ids = answer.getProtectionProfiles();
        if (ids.length != 1) {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter,
                    "server answered " + ids.length + " SRTP profiles instead of one");
        }
        SrtpProfile chosen = SrtpProfile.byId(ids[0]);
        if (chosen == null || !offered.contains(chosen)) {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter,
                    "server chose SRTP profile 0x" + Integer.toHexString(ids[0]) + " which we did not offer");
        }
        return chosen;
    }
}
