package io.stagecast.signaling.media;

import io.stagecast.signaling.sdp.Candidate;
import io.stagecast.signaling.sdp.Fingerprint;
import io.stagecast.signaling.sdp.MediaDescription;
import io.stagecast.signaling.sdp.Msid;
import io.stagecast.signaling.sdp.MsidSemantic;
import io.stagecast.signaling.sdp.SsrcAttribute;
import io.stagecast.signaling.sdp.SsrcGroup;
import io.stagecast.signaling.sdp.SdpParseException;
import io.stagecast.signaling.sdp.SessionDescription;
import io.stagecast.signaling.sdp.Setup;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** The parts every SDP we write shares: session lines, and a media section's transport lines. */
final class SdpSkeleton {
    private static final String CNAME = "stagecast";
    private SdpSkeleton() {
    }

    static SessionDescription session(long version) {
        SessionDescription sdp = new SessionDescription();
        sdp.setOriginUsername("-");
        sdp.setOriginSessionId(Long.toString(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE)));
        sdp.setOriginSessionVersion(Math.max(version, 1));
        sdp.setOriginAddress("IN", "IP4", "127.0.0.1");
        sdp.setSessionName("stagecast");
        sdp.setTiming("0 0");
        sdp.setIceLite(true); // RFC 8445 2.5: we only answer checks
        sdp.setMsidSemantic(new MsidSemantic("WMS", List.of("*")));
        return sdp;
    }

    /** A media section carrying our ICE credentials, fingerprint, setup and candidates. */
    static MediaDescription section(String kind, String mid, TransportDescription local, Setup setup) {
        MediaDescription m = new MediaDescription(kind, 9, "UDP/TLS/RTP/SAVPF");
        m.setConnection(PublishNegotiation.anyAddress());
        m.setMid(mid);
        m.setIceUfrag(local.iceUfrag());
        m.setIcePwd(local.icePwd());
        m.setFingerprint(new Fingerprint(local.fingerprintAlgorithm(), local.fingerprintValue()));
        m.setSetup(setup);
        m.setRtcpMux(true);
        m.setRtcpRsize(true);
        for (String candidate : local.candidates()) {
            try {
                m.getCandidates().add(Candidate.parse(candidate));
            } catch (SdpParseException e) {
                throw new IllegalStateException("our own candidate does not parse: " + candidate, e);
            }
        }
        m.setEndOfCandidates(true);
        return m;
    }

    /**
     * What we send on a media section: its MediaStream and track (a=msid), our SSRC and, with
     * RTX, the FID group pairing it with the retransmission SSRC (RFC 5576, RFC 4588), each SSRC
     * with a cname and msid so receivers demultiplex by SSRC without the mid extension.
     *
     * @param rtxSsrc 0 without RTX
     */
    static void sendStreams(MediaDescription m, String streamId, String trackId, int ssrc, int rtxSsrc) {
        m.getMsids().add(new Msid(streamId, trackId));
        if (rtxSsrc != 0) {
            m.getSsrcGroups().add(new SsrcGroup(SsrcGroup.FID, List.of(unsigned(ssrc), unsigned(rtxSsrc))));
        }
        for (int s : rtxSsrc != 0 ? new int[]{ssrc, rtxSsrc} : new int[]{ssrc}) {
            m.getSsrcAttributes().add(new SsrcAttribute(unsigned(s), "cname", CNAME));
            m.getSsrcAttributes().add(new SsrcAttribute(unsigned(s), "msid", streamId + " " + trackId));
        }
    }

    private static long unsigned(int ssrc) {
        return ssrc & 0xFFFFFFFFL;
    }

    /**
     * A rejected m-section (RFC 8829 5.3.1): its kind and mid, port 0, outside the BUNDLE group.
     * It still carries our ICE credentials, fingerprint and setup: GStreamer's webrtcbin checks
     * every m-section of a remote description for them (ice-ufrag, ice-pwd, setup and a
     * fingerprint, or it refuses the whole answer: "No fingerprint lines in sdp for media 1"),
     * and they say nothing new to browsers, which ignore a rejected section's attributes.
     */
    static MediaDescription rejected(MediaDescription offered, TransportDescription local, Setup setup) {
        MediaDescription m = new MediaDescription(offered.getKind(), 0, offered.getProtocol());
        m.setConnection(PublishNegotiation.anyAddress());
        m.setMid(offered.getMid());
        m.getFormats().addAll(offered.getFormats().isEmpty() ? List.of("0") : offered.getFormats().subList(0, 1));
        m.setIceUfrag(local.iceUfrag());
        m.setIcePwd(local.icePwd());
        m.setFingerprint(new Fingerprint(local.fingerprintAlgorithm(), local.fingerprintValue()));
        m.setSetup(setup);
        m.setDirection(io.stagecast.signaling.sdp.Direction.INACTIVE);
        return m;
    }
}
